"""Adapters: how the kit reaches one implementation, found through entry points.

An adapter is registered in the "h3conformance.adapters" entry-point group; the entry point
resolves to an Adapter (or to a function of no arguments returning one).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Optional, Union

from . import _toml
from .model import PROFILES

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "AdapterError",
    "ExpectedFailures",
    "available_adapters",
    "load_adapter",
    "load_expectations",
]

ENTRY_POINT_GROUP = "h3conformance.adapters"
Kind = Literal["wsgi", "asgi", "command", "url"]


class AdapterError(Exception):
    """An adapter cannot be found, loaded or is malformed; the message says which."""


@dataclass(frozen=True)
class Adapter:
    """One implementation under test and how to reach it.

    kind "wsgi"/"asgi": `app_factory(config) -> app`; "command": `command` started per config
    (env H3_SESSION_CONFIG, PORT); "url": a server already running at `url` whose single
    configuration is `config` (None: unknown, every scenario is tried).
    """

    name: str
    kind: Kind
    app_factory: Optional[Callable[[dict[str, Any]], Any]] = None
    command: Optional[Sequence[str]] = None
    requirements: Sequence[str] = ()
    expectations: Optional[Union[str, Path]] = None
    profiles: Sequence[str] = PROFILES
    description: str = ""
    url: Optional[str] = None
    config: Optional[Mapping[str, Any]] = field(default=None, compare=False)
    cwd: Optional[Union[str, Path]] = None

    def __post_init__(self) -> None:
        needs = {"wsgi": "app_factory", "asgi": "app_factory", "command": "command", "url": "url"}
        if self.kind not in needs:
            raise AdapterError(f"adapter {self.name!r}: kind must be one of {', '.join(needs)}")
        if not getattr(self, needs[self.kind]):
            raise AdapterError(f"adapter {self.name!r} of kind {self.kind!r} needs {needs[self.kind]}")
        bad = [p for p in self.profiles if p not in PROFILES]
        if bad or not self.profiles:
            raise AdapterError(f"adapter {self.name!r}: profiles must be a non-empty subset of v1, v2")
        object.__setattr__(self, "profiles", tuple(p for p in PROFILES if p in self.profiles))
        object.__setattr__(self, "requirements", tuple(self.requirements))

    def framework(self) -> dict[str, str]:
        """Installed versions of the adapter's requirements ("missing" when not installed)."""
        versions = {}
        for requirement in self.requirements:
            name = requirement.split(";")[0].split("[")[0]
            for sep in "<>=!~ ":
                name = name.split(sep)[0]
            try:
                versions[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                versions[name] = "missing"
        return versions

    def expected_failures(self) -> ExpectedFailures:
        return load_expectations(Path(self.expectations)) if self.expectations else ExpectedFailures()


@dataclass(frozen=True)
class ExpectedFailures:
    """Scenario ids an adapter is known to fail, with the reason, for all or one profile."""

    everywhere: Mapping[str, str] = field(default_factory=dict)
    per_profile: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def reason(self, scenario_id: str, profile: str) -> Optional[str]:
        return self.per_profile.get(profile, {}).get(scenario_id) or self.everywhere.get(scenario_id)

    def ids(self) -> set[str]:
        return set(self.everywhere).union(*(set(m) for m in self.per_profile.values()))


def load_expectations(path: Path) -> ExpectedFailures:
    """Read `[expected_failures] "id" = "reason"` and `[expected_failures.v2] "id" = "reason"`."""
    try:
        document = _toml.loads(path.read_text(encoding="utf-8"))
    except (OSError, _toml.TOMLDecodeError) as exc:
        raise AdapterError(f"{path}: cannot read expectations: {exc}") from exc
    unknown = set(document) - {"expected_failures"}
    if unknown:
        raise AdapterError(f"{path}: unknown top-level keys {sorted(unknown)}; use [expected_failures]")
    everywhere: dict[str, str] = {}
    per_profile: dict[str, dict[str, str]] = {}
    for key, value in document.get("expected_failures", {}).items():
        if isinstance(value, dict) and key in PROFILES:
            per_profile[key] = {k: _reason(path, f"{key}.{k}", v) for k, v in value.items()}
        else:
            everywhere[key] = _reason(path, key, value)
    return ExpectedFailures(everywhere, per_profile)


def _reason(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AdapterError(f"{path}: expected_failures.{key}: the reason must be a non-empty string")
    return value


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    found = importlib.metadata.entry_points()
    if hasattr(found, "select"):
        return list(found.select(group=ENTRY_POINT_GROUP))
    return list(found.get(ENTRY_POINT_GROUP, []))  # pragma: no cover (python 3.9)


def available_adapters() -> list[str]:
    return sorted({ep.name for ep in _entry_points()})


def _as_adapter(loaded: Any, label: str) -> Adapter:
    adapter = loaded() if callable(loaded) and not isinstance(loaded, Adapter) else loaded
    if not isinstance(adapter, Adapter):
        raise AdapterError(f"{label} is not an h3conformance Adapter")
    return adapter


def load_adapter(name: str) -> Adapter:
    """An installed adapter by entry-point name, or any Adapter object as "package.module:NAME"."""
    if ":" in name:
        module_name, _, attribute = name.partition(":")
        try:
            return _as_adapter(getattr(importlib.import_module(module_name), attribute), repr(name))
        except (ImportError, AttributeError) as exc:
            raise AdapterError(f"cannot load adapter {name!r}: {exc}") from exc
    points = [ep for ep in _entry_points() if ep.name == name]
    if not points:
        known = ", ".join(available_adapters()) or "none installed"
        raise AdapterError(f"no adapter named {name!r} (available: {known})")
    label = f"adapter {name!r} ({points[0].value})"
    try:
        loaded = points[0].load()
    except Exception as exc:
        raise AdapterError(f"{label} failed to load: {exc!r}") from exc
    return _as_adapter(loaded, label)
