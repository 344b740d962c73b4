"""The scenario set catches wrong implementations: every mutant fails at least one `must` scenario.

A mutant (tests/mutants) is the reference's WSGI contract app wrong in one way. Only `must`
scenarios the unmutated reference passes count as kills, so a reference regression cannot make a
mutant look caught. Run this file directly to print the whole kill table.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import mutants
from h3adapters import plain_wsgi
from h3conformance.loader import load_dir
from h3conformance.model import Scenario
from h3conformance.runner import run_scenario

with warnings.catch_warnings():  # webtest imports webob, which imports the deprecated cgi module
    warnings.simplefilter("ignore", DeprecationWarning)
    from h3conformance.transports.wsgi import WSGITarget

AppFactory = Callable[[dict[str, Any]], Any]
Run = tuple[str, str]  # (scenario id, profile)
KILLING_VERDICTS = ("fail", "error")

pytestmark = pytest.mark.slow


@functools.cache
def must_scenarios() -> tuple[Scenario, ...]:
    return tuple(s for s in load_dir().scenarios if s.level == "must")


def _runs(factory: AppFactory) -> Iterator[tuple[Run, str]]:
    target = WSGITarget(factory)
    try:
        for scenario in must_scenarios():
            for profile in scenario.profiles:
                yield (scenario.id, profile), run_scenario(scenario, profile, target).verdict
    finally:
        target.close()


@functools.cache
def reference_passes() -> frozenset[Run]:
    return frozenset(run for run, verdict in _runs(plain_wsgi.app_factory) if verdict == "pass")


@functools.cache
def kills(mutant: mutants.Mutant) -> tuple[Run, ...]:
    baseline = reference_passes()
    return tuple(run for run, verdict in _runs(mutant.app_factory) if run in baseline and verdict in KILLING_VERDICTS)


def kill_table() -> str:
    lines = []
    for mutant in mutants.ALL:
        by_id: dict[str, list[str]] = {}
        for scenario_id, profile in kills(mutant):
            by_id.setdefault(scenario_id, []).append(profile)
        killers = ", ".join(f"{sid} ({'+'.join(profiles)})" for sid, profiles in by_id.items()) or "NOT KILLED"
        lines.append(f"{mutant.name:32} {len(by_id):3}  {killers}")
    return "\n".join(lines)


def test_reference_passes_every_must_scenario() -> None:
    expected = {(s.id, p) for s in must_scenarios() for p in s.profiles}
    assert sorted(expected - reference_passes()) == []


@pytest.mark.parametrize("mutant", mutants.ALL, ids=lambda m: m.name)
def test_mutant_is_killed(mutant: mutants.Mutant) -> None:
    assert kills(mutant), f"no must scenario catches {mutant.name}: {mutant.bug}"


def test_print_kill_table(capsys: pytest.CaptureFixture[str]) -> None:
    table = kill_table()
    with capsys.disabled():
        print("\nmutant -> killing must scenarios (profiles)\n" + table)
    assert "NOT KILLED" not in table


if __name__ == "__main__":
    print(kill_table())
