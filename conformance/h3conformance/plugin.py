"""pytest plugin: every scenario x profile becomes a test item named by its id.

    pytest --h3-adapter wsgi                 # the installed adapter "wsgi"
    pytest --h3-command "node server.mjs"    # any implementation serving the contract
    pytest --h3-url http://127.0.0.1:8000 --h3-profile v2
    pytest --h3-adapter wsgi --h3-only -m "h3_must and h3_v2" -k tamper

Markers: h3, h3_<level> (h3_must, h3_should, h3_info), h3_<profile> (h3_v1, h3_v2) and
h3_<theme> (h3_counter, h3_tamper, ...). An adapter's expected failures become
xfail(strict=True) with the reason; info scenarios are xfail(strict=False), so they never
fail the session (as they never change the CLI's exit code). Servers of command adapters start once per
configuration for the whole session (`h3_targets` fixture) and stop at its end.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

from . import __version__
from .adapter import Adapter, AdapterError, load_adapter
from .loader import ScenarioFormatError, load_dir
from .model import DEFAULT_PASSWORD, LEVELS, PROFILES, THEMES, Scenario
from .results import Record, ResultRecord, ResultsWriter, RunRecord, summarize
from .runner import run_scenario
from .transports import Target, open_target

__all__ = ["H3ScenarioItem", "ScenarioFailed", "Targets"]


class ScenarioFailed(Exception):
    """The implementation did not do what the scenario expects (xfail-able)."""


class ScenarioBroken(Exception):
    """The implementation could not be run at all (never hidden by an expected failure)."""


class Targets:
    """Session-wide targets, one per adapter, opened on first use and closed at the end."""

    def __init__(self) -> None:
        self._targets: dict[str, Target] = {}

    def get(self, adapter: Adapter) -> Target:
        if adapter.name not in self._targets:
            self._targets[adapter.name] = open_target(adapter)
        return self._targets[adapter.name]

    def close(self) -> None:
        while self._targets:
            self._targets.popitem()[1].close()


_TARGETS = pytest.StashKey[Targets]()
_RESULTS = pytest.StashKey[list[ResultRecord]]()
_RUNS = pytest.StashKey[dict[tuple[str, str], RunRecord]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("h3conformance", "h3 session conformance scenarios")
    group.addoption("--h3-adapter", action="append", default=[], metavar="NAME", help="installed adapter (repeatable)")
    group.addoption("--h3-command", metavar="CMD", help="server command (env H3_SESSION_CONFIG, PORT)")
    group.addoption("--h3-url", metavar="URL", help="running server (needs one --h3-profile)")
    group.addoption("--h3-url-config", metavar="JSON", help="the configuration the --h3-url server runs with")
    group.addoption("--h3-profile", action="append", default=[], choices=PROFILES, help="v1 or v2 (repeatable)")
    group.addoption("--h3-scenarios", metavar="DIR", help="scenario directory (default: the kit's)")
    group.addoption("--h3-results", metavar="FILE", help="write the results stream (JSON lines) here")
    group.addoption("--h3-only", action="store_true", help="run only conformance items, no other tests")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "h3: an h3 session conformance scenario")
    for name in (*LEVELS, *PROFILES, *THEMES):
        config.addinivalue_line("markers", f"h3_{name}: h3 conformance scenarios of {name}")
    config.stash[_TARGETS] = Targets()
    config.stash[_RESULTS] = []
    config.stash[_RUNS] = {}


def _adapters(config: pytest.Config) -> list[Adapter]:
    profiles = tuple(config.getoption("h3_profile")) or PROFILES
    adapters = [load_adapter(name) for name in config.getoption("h3_adapter")]
    command = config.getoption("h3_command")
    if command:
        adapters.append(Adapter("command", "command", command=shlex.split(command), profiles=profiles))
    url = config.getoption("h3_url")
    if url:
        if len(profiles) != 1:
            raise pytest.UsageError("--h3-url needs exactly one --h3-profile")
        raw = config.getoption("h3_url_config")
        try:
            base = json.loads(raw) if raw else {"password": DEFAULT_PASSWORD}
        except ValueError as exc:
            raise pytest.UsageError(f"--h3-url-config is not JSON: {exc}") from exc
        adapters.append(Adapter(url, "url", url=url, profiles=profiles, config={**base, "profile": profiles[0]}))
    return adapters


class _AdapterNode(pytest.Collector):
    def collect(self) -> list[Any]:  # items are made by the plugin, not collected
        return []


class H3ScenarioItem(pytest.Item):
    def __init__(
        self, *, scenario: Scenario, profile: str, adapter: Adapter, reason: Optional[str], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.profile = profile
        self.adapter = adapter
        self.reason = reason
        self.result: Optional[ResultRecord] = None

    def runtest(self) -> None:
        target = self.config.stash[_TARGETS].get(self.adapter)
        result = run_scenario(
            self.scenario, self.profile, target, adapter=self.adapter.name, expected_failure=self.reason
        )
        self.result = result
        self.config.stash[_RESULTS].append(result)
        if result.verdict == "skip":
            pytest.skip(result.message)
        if result.verdict == "error":
            raise ScenarioBroken(result.message)
        if result.verdict in ("fail", "xfail"):
            raise ScenarioFailed(result.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, (ScenarioFailed, ScenarioBroken)) and self.result is not None:
            return _transcript(self.scenario, self.result)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, Optional[int], str]:
        return self.scenario.file, None, f"{self.adapter.name} [{self.profile}] {self.scenario.id}"


def _transcript(scenario: Scenario, result: ResultRecord) -> str:
    lines = [
        f"{scenario.id} ({scenario.level}, {result.profile}): {scenario.title}",
        f"source: {scenario.source}",
        result.message,
        "",
    ]
    for step in result.transcript:
        request = step.request or {}
        lines.append(f"step {step.step}: {request.get('method')} {request.get('path')}")
        for name, value in request.get("headers", []):
            lines.append(f"  > {name}: {value}")
        if step.response:
            lines.append(f"  < {step.response['status']}")
            for name, value in step.response["headers"]:
                lines.append(f"  < {name}: {value}")
            lines.append(f"  < (body) {step.response['body'][:300]}")
        for failure in step.failures:
            lines.append(f"  ! {failure.expectation}: expected {failure.expected!r}, got {failure.actual!r}")
    return "\n".join(lines)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        adapters = _adapters(config)
    except AdapterError as exc:
        raise pytest.UsageError(str(exc)) from exc
    if not adapters:
        return
    directory = config.getoption("h3_scenarios")
    try:
        scenario_set = load_dir(Path(directory) if directory else None)
    except ScenarioFormatError as exc:
        raise pytest.UsageError(f"the scenario files break the format:\n{exc}") from exc
    if config.getoption("h3_only"):
        config.hook.pytest_deselected(items=list(items))
        items.clear()
    scenarios = scenario_set.scenarios
    for theme in {s.theme for s in scenarios} - set(THEMES):
        config.addinivalue_line("markers", f"h3_{theme}: h3 conformance scenarios of {theme}")
    for adapter in adapters:
        parent = _AdapterNode.from_parent(session, name=f"h3:{adapter.name}", nodeid=f"h3:{adapter.name}")
        expected = adapter.expected_failures()
        for profile in adapter.profiles:
            config.stash[_RUNS][adapter.name, profile] = RunRecord(
                adapter.name,
                adapter.kind,
                profile,
                __version__,
                scenario_set.version,
                adapter.framework(),
                sys.version.split()[0],
            )
            for scenario in scenarios:
                if profile in scenario.profiles:
                    items.append(_item(parent, scenario, profile, adapter, expected.reason(scenario.id, profile)))


def _item(
    parent: pytest.Collector, scenario: Scenario, profile: str, adapter: Adapter, reason: Optional[str]
) -> H3ScenarioItem:
    item = H3ScenarioItem.from_parent(
        parent, name=f"{scenario.id}[{profile}]", scenario=scenario, profile=profile, adapter=adapter, reason=reason
    )
    for marker in ("h3", f"h3_{scenario.level}", f"h3_{profile}", f"h3_{scenario.theme}"):
        item.add_marker(marker)
    if reason is not None:
        item.add_marker(pytest.mark.xfail(reason=reason, strict=True, raises=ScenarioFailed))
    elif scenario.level == "info":
        # Informative only (an h3 quirk): shown, never failing the session, like the CLI's exit code.
        item.add_marker(pytest.mark.xfail(reason=f"info: {scenario.reason}", strict=False, raises=ScenarioFailed))
    return item


@pytest.fixture(scope="session")
def h3_targets(pytestconfig: pytest.Config) -> Targets:
    """The session-wide targets (command servers start once per configuration; stopped at the end)."""
    return pytestconfig.stash[_TARGETS]


def pytest_sessionfinish(session: pytest.Session) -> None:
    session.config.stash[_TARGETS].close()
    path = session.config.getoption("h3_results")
    results = session.config.stash[_RESULTS]
    if path:
        _write_results(Path(path), session.config.stash[_RUNS], results)


def _write_results(path: Path, runs: dict[tuple[str, str], RunRecord], results: list[ResultRecord]) -> None:
    columns: dict[tuple[str, str], list[ResultRecord]] = {}
    for result in results:
        columns.setdefault((result.adapter, result.profile), []).append(result)
    with ResultsWriter(path) as writer:
        for (adapter, profile), column in columns.items():
            records: list[Record] = [runs[adapter, profile]]
            records.extend(column)
            records.append(summarize(adapter, profile, column))
            for record in records:
                writer.write(record)
