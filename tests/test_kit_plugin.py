"""The pytest plugin: one item per scenario x profile, markers to select, xfail from expectations."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

import kit_fakes

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).with_name("fixtures") / "scenarios"


def h3_run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # The plugin is installed through its pytest11 entry point; kit_fakes must be importable.
    pytester.syspathinsert(Path(kit_fakes.__file__).parent)
    return pytester.runpytest("-p", "no:cacheprovider", "--h3-scenarios", str(FIXTURES), "--h3-only", *args)


def test_each_scenario_and_profile_is_one_item_named_by_its_id(pytester: pytest.Pytester) -> None:
    result = h3_run(pytester, "--h3-adapter", "kit_fakes:FAKE_WSGI", "--collect-only", "-q")
    out = result.stdout.str()
    assert "h3:fake-wsgi::counter.first-visit[v1]" in out
    assert "h3:fake-wsgi::counter.info-only[v2]" in out
    assert "counter.info-only[v1]" not in out  # that scenario is v2 only
    assert len([line for line in out.splitlines() if line.startswith("h3:fake-wsgi::")]) == 9


def test_verdicts_become_outcomes_and_markers_select(pytester: pytest.Pytester) -> None:
    result = h3_run(pytester, "--h3-adapter", "kit_fakes:FAKE_WSGI", "-m", "h3_must and h3_v1")
    result.assert_outcomes(passed=2, failed=1, deselected=6)
    assert "counter.needs-max-age (must, v1)" in result.stdout.str()
    assert "! session.id: expected" in result.stdout.str()


def test_info_scenarios_never_fail_the_session(pytester: pytest.Pytester) -> None:
    h3_run(pytester, "--h3-adapter", "kit_fakes:FAKE_WSGI", "-m", "h3_info").assert_outcomes(xfailed=1, deselected=8)


def test_expected_failures_are_strict_xfails(pytester: pytest.Pytester) -> None:
    result = h3_run(pytester, "--h3-adapter", "kit_fakes:FAKE_WSGI_KNOWN_BUGS", "-k", "needs-max-age or info-only")
    result.assert_outcomes(xfailed=3)


def test_a_command_and_the_results_stream(pytester: pytest.Pytester, tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    command = shlex.join([sys.executable, kit_fakes.__file__])
    result = h3_run(
        pytester, "--h3-command", command, "--h3-profile", "v2", "-k", "first-visit", "--h3-results", str(results)
    )
    result.assert_outcomes(passed=1, deselected=4)
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["type"] for r in records] == ["run", "result", "summary"]
    assert records[0]["kind"] == "command"
    assert records[1]["verdict"] == "pass"


def test_without_h3_options_the_plugin_adds_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
