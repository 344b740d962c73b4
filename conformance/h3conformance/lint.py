"""`h3conformance check`: rules beyond the format that keep the scenario set honest.

The loader already enforces the format (unique ids, source, level, reason for info, no TOML
dates, step references). Lint adds: known themes, every theme covered under every profile,
no absolute dates hiding in strings or epoch-millisecond numbers, and (for the kit's own set)
no adapter expecting the failure of a scenario that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .adapter import Adapter, AdapterError
from .loader import ScenarioSet
from .model import PROFILES, THEMES

__all__ = ["lint", "stale_expectations"]

_DATE_TEXT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b"
)
# 10^12 ms is September 2001: a bigger integer in a scenario is an absolute time in disguise.
_EPOCH_MS = 10**12


def _dates(value: Any, path: str) -> list[str]:
    if isinstance(value, str) and _DATE_TEXT.search(value):
        return [f"{path}: looks like an absolute date ({value[:40]!r}); use 'now-8d' style times"]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EPOCH_MS:
        return [f"{path}: {value} looks like an absolute epoch-ms time; use 'now-8d' style times"]
    if isinstance(value, dict):
        return [issue for k, v in value.items() for issue in _dates(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [issue for i, v in enumerate(value, 1) for issue in _dates(v, f"{path}[{i}]")]
    return []


def lint(scenario_set: ScenarioSet) -> list[str]:
    issues = []
    covered = {(s.theme, p) for s in scenario_set.scenarios for p in s.profiles}
    themes = {s.theme for s in scenario_set.scenarios}
    for theme in sorted(themes - set(THEMES)):
        issues.append(f"theme {theme!r} is not one of the format's themes ({', '.join(THEMES)})")
    for theme in sorted(themes | set(THEMES)):
        for profile in PROFILES:
            if (theme, profile) not in covered:
                issues.append(f"theme {theme!r} has no scenario for profile {profile}")
    for s in scenario_set.scenarios:
        for step_index, step in enumerate(s.raw.get("step", []), 1):
            # Titles and sources may cite dates (an h3 release); what is sent and expected may not.
            for key in ("send", "expect", "expect_v1", "expect_v2"):
                issues.extend(f"{s.file.name}: {s.id}: {i}" for i in _dates(step.get(key), f"step[{step_index}].{key}"))
        issues.extend(f"{s.file.name}: {s.id}: {i}" for i in _dates(s.config, "config"))
    return issues


def stale_expectations(scenario_set: ScenarioSet, adapters: Iterable[Adapter]) -> list[str]:
    """Expected-failure entries naming no scenario: they would silently never apply."""
    known = {s.id for s in scenario_set.scenarios}
    issues = []
    for adapter in adapters:
        try:
            ids = adapter.expected_failures().ids()
        except AdapterError as exc:
            issues.append(str(exc))
            continue
        issues.extend(
            f"adapter {adapter.name!r} expects a failure of unknown scenario {i!r}" for i in sorted(ids - known)
        )
    return issues
