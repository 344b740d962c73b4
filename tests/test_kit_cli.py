"""The h3conformance command: exit codes follow --fail-on; usage problems exit 2."""

from __future__ import annotations

import io
import json
import shlex
import sys
from pathlib import Path

import pytest

import kit_fakes
from h3conformance.cli import main

FIXTURES = Path(__file__).with_name("fixtures") / "scenarios"
FAKE = "kit_fakes:FAKE_WSGI"


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out)
    return code, out.getvalue()


def run(*args: str) -> tuple[int, str]:
    return cli("--scenarios", str(FIXTURES), "run", *args)


def test_all_passing_scenarios_exit_0_and_print_the_matrix_last() -> None:
    code, out = run("--adapter", FAKE, "--id", "counter.first-visit")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[-1] == "0 must scenario(s) failed or errored (--fail-on must)"
    assert lines[-4].split() == ["adapter", "profile", "pass", "fail", "xfail", "xpass", "error", "skip", "must-red"]
    assert lines[-3].split() == ["fake-wsgi", "v1", "1", "0", "0", "0", "0", "0", "0"]


def test_a_failing_must_scenario_exits_1() -> None:
    code, out = run("--adapter", FAKE)
    assert code == 1
    assert "FAIL  must   fake-wsgi [v1] counter.needs-max-age: step 1, GET /" in out


def test_expected_failures_do_not_fail_the_run() -> None:
    code, out = run("--adapter", "kit_fakes:FAKE_WSGI_KNOWN_BUGS")
    assert code == 0
    assert "XFAIL" not in out  # expected failures are only counted
    assert out.strip().splitlines()[-3].split() == ["fake-wsgi-known", "v1", "3", "0", "1", "0", "0", "0", "0"]


def test_info_failures_never_change_the_exit_code() -> None:
    assert run("--adapter", FAKE, "-k", "info-only", "--fail-on", "should")[0] == 0


def test_fail_on_should_also_counts_should_scenarios(tmp_path: Path) -> None:
    text = (FIXTURES / "counter.toml").read_text().replace('level = "should"', 'level = "should"', 1)
    failing = text.replace('expect.body = "Session cleared"', 'expect.body = "Session NOT cleared"')
    (tmp_path / "counter.toml").write_text(failing)
    args = ("--scenarios", str(tmp_path), "run", "--adapter", FAKE, "-k", "clear-keeps")
    assert cli(*args)[0] == 0
    assert cli(*args, "--fail-on", "should")[0] == 1


def test_a_command_implementation_runs_with_the_same_verdicts() -> None:
    command = shlex.join([sys.executable, kit_fakes.__file__])
    assert run("--command", command, "-k", "first-visit", "-k", "forged")[0] == 0
    assert run("--command", command, "--profile", "v2", "-k", "needs-max-age")[0] == 1


@pytest.mark.parametrize(
    "args",
    [
        ("run",),
        ("run", "--adapter", "no-such-adapter"),
        ("run", "--adapter", "kit_fakes:NOPE"),
        ("run", "--url", "http://127.0.0.1:9"),
        ("run", "--adapter", FAKE, "--id", "nothing.matches"),
        ("explain", "counter.nope"),
    ],
)
def test_usage_problems_exit_2(args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--scenarios", str(FIXTURES), *args)[0] == 2
    assert capsys.readouterr().err.startswith("h3conformance: ")


def test_broken_scenario_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "counter.toml").write_text('theme = "counter"\n[[scenario]]\nid = "counter.x"\n')
    assert cli("--scenarios", str(tmp_path), "list")[0] == 2
    assert "counter.toml: scenario 'counter.x': title: required key is missing" in capsys.readouterr().err


def test_results_and_reports_are_written(tmp_path: Path) -> None:
    results = tmp_path / "out.jsonl"
    code, out = run(
        "--adapter", FAKE, "-k", "first-visit", "--results", str(results), "--report-dir", str(tmp_path / "r")
    )
    assert code == 0
    types = [json.loads(line)["type"] for line in results.read_text().splitlines()]
    assert types == ["run", "result", "summary", "run", "result", "summary"]
    assert "reports: " in out
    assert any((tmp_path / "r").iterdir())


def test_list_explain_and_check() -> None:
    code, out = cli("--scenarios", str(FIXTURES), "list", "--json")
    listed = json.loads(out)
    assert code == 0
    assert {"id": "counter.info-only", "level": "info"}.items() <= listed[-1].items()
    code, out = cli("--scenarios", str(FIXTURES), "explain", "counter.forged-and-tampered")
    assert code == 0
    assert '"tamper": "mac-last-char"' in out
    assert "source: h3-behavior g2, e1" in out
    code, out = cli("--scenarios", str(FIXTURES), "check")
    assert code == 1  # the fixtures cover one theme only
    assert "theme 'tamper' has no scenario for profile v1" in out
    assert cli("check")[0] == 0  # the kit's own set is clean


def test_check_flags_absolute_dates_hidden_in_strings(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "counter.toml")
        .read_text()
        .replace('forge = { id = "old", createdAt = "now-1d"', 'forge = { id = "old", createdAt = "2026-11-26"')
    )
    (tmp_path / "counter.toml").write_text(text)
    code, out = cli("--scenarios", str(tmp_path), "check")
    assert code == 1
    assert "looks like an absolute date ('2026-11-26')" in out


def test_doctor_reports_routes_the_implementation_does_not_serve() -> None:
    code, out = cli("doctor", "--adapter", FAKE, "--profile", "v2")
    assert code == 1
    assert "ok     [v2] GET / answers the counter text" in out
    assert "TODO   [v2] GET /multi answers JSON with the counts of two sessions" in out
    assert "fake-wsgi: broken: routes not implemented: GET /multi, GET /fail" in out


def test_doctor_reports_a_server_that_cannot_start_as_broken(tmp_path: Path) -> None:
    script = tmp_path / "dies.py"
    script.write_text("raise SystemExit('missing H3 config')\n")
    code, out = cli("doctor", "--command", shlex.join([sys.executable, str(script)]), "--profile", "v1")
    assert code == 1
    assert "BROKEN [v1]" in out
    assert "missing H3 config" in out


def test_stale_expected_failures_are_lint_issues() -> None:
    from h3conformance.lint import stale_expectations
    from h3conformance.loader import load_dir

    issues = stale_expectations(load_dir(FIXTURES), [kit_fakes.FAKE_WSGI_KNOWN_BUGS, kit_fakes.FAKE_WSGI])
    assert issues == []
    issues = stale_expectations(load_dir(), [kit_fakes.FAKE_WSGI_KNOWN_BUGS])
    assert issues == [
        "adapter 'fake-wsgi-known' expects a failure of unknown scenario 'counter.info-only'",
        "adapter 'fake-wsgi-known' expects a failure of unknown scenario 'counter.needs-max-age'",
    ]
