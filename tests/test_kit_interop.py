"""The interop matrix: sessions written by one implementation and read by another.

The reference (plain WSGI and ASGI, Flask, FastAPI) and real h3 1.x and 2.x under Node are run
as one matrix; a writer with the wrong password shows that the matrix can fail.
"""

from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

import kit_fakes
from h3adapters import plain_wsgi
from h3adapters.node import ensure_node_modules
from h3conformance.adapter import Adapter, load_adapter
from h3conformance.cli import build_parser, main
from h3conformance.interop import plan, red_cells, render_grids, run_interop
from h3conformance.model import DEFAULT_PASSWORD
from h3conformance.reports import read_results
from h3conformance.results import InteropRecord, read_records
from h3conformance.tokens import decode
from h3conformance.transports import command

pytestmark = [pytest.mark.node]

NAMES = ["wsgi", "asgi", "h3-node-v1", "h3-node-v2", "flask", "fastapi"]
OTHER_PASSWORD = "another-password-that-is-long-enough-0123456789"
DOC = (Path(__file__).parents[1] / "conformance" / "INTEROP.md").read_text(encoding="utf-8")


def _broken_factory(config: dict[str, Any]) -> Any:
    return kit_fakes.wsgi_app({**config, "password": OTHER_PASSWORD})


# Seals and unseals consistently, but with a password other than the configured one.
BROKEN = Adapter("other-password", "wsgi", _broken_factory, description="ignores the configured password")


@pytest.fixture(scope="module")
def matrix_run() -> tuple[list[InteropRecord], list[str]]:
    """The matrix of NAMES, and every command server started meanwhile ("script-arg profile")."""
    ensure_node_modules()
    adapters = [load_adapter(name) for name in NAMES]
    started: list[str] = []
    original = command.Server.__init__

    def counting(self: command.Server, cmd: Any, config: Any, *args: Any, **kwargs: Any) -> None:
        started.append(f"{cmd[-1]} {config['profile']}")
        original(self, cmd, config, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(command.Server, "__init__", counting)
        records = list(run_interop(adapters))
    return records, started


@pytest.fixture(scope="module")
def matrix(matrix_run: tuple[list[InteropRecord], list[str]]) -> list[InteropRecord]:
    return matrix_run[0]


def cells(records: list[InteropRecord], profile: str, writer_profile: str) -> list[InteropRecord]:
    return [r for r in records if r.profile == profile and r.writer_profile == writer_profile]


def test_every_ordered_pair_of_a_profile_is_judged(matrix: list[InteropRecord]) -> None:
    v1 = ["wsgi", "asgi", "h3-node-v1", "flask", "fastapi"]
    v2 = ["wsgi", "asgi", "h3-node-v2", "flask", "fastapi"]
    for profile, members in (("v1", v1), ("v2", v2)):
        pairs = {(r.writer, r.reader) for r in cells(matrix, profile, profile)}
        assert pairs == {(w, r) for w in members for r in members}


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_no_red_cell_within_a_profile(matrix: list[InteropRecord], profile: str) -> None:
    within = cells(matrix, profile, profile)
    bad = [f"{r.writer} -> {r.reader}: {r.message}" for r in within if r.verdict != "pass"]
    assert not bad, "\n".join(bad)
    assert {r.expect for r in within} == {"reads"}


def test_the_reader_reports_the_writers_id_and_data(matrix: list[InteropRecord]) -> None:
    (cell,) = [r for r in matrix if (r.writer, r.reader, r.profile) == ("h3-node-v2", "fastapi", "v2")]
    write, read = cell.transcript
    written = write.decoded["h3"]
    assert read.response is not None
    assert f'"id":"{written["id"]}"' in read.response["body"].replace(" ", "")
    assert written["data"]["interop"] == "h3-node-v2"


def test_v2_reads_v1_cookies_through_the_legacy_fallback(matrix: list[InteropRecord]) -> None:
    legacy = cells(matrix, "v2", "v1")
    assert {r.writer for r in legacy} == {"wsgi (v1)", "asgi (v1)", "h3-node-v1 (v1)", "flask (v1)", "fastapi (v1)"}
    assert {(r.expect, r.verdict) for r in legacy} == {("upgrades", "pass")}, [r.message for r in legacy]
    # The real h3 v2 re-seals the real h3 v1 cookie at 8192 iterations, and the reference does the same.
    for reader in ("h3-node-v2", "wsgi"):
        (cell,) = [r for r in legacy if (r.writer, r.reader) == ("h3-node-v1 (v1)", reader)]
        response = cell.transcript[1].response
        assert response is not None
        line = next(v for k, v in response["headers"] if k.lower() == "set-cookie" and v.startswith("h3="))
        resealed = decode(line.split(";")[0][3:], DEFAULT_PASSWORD, "v2")
        assert resealed.iterations == 8192
        assert resealed.value["id"] == cell.transcript[0].decoded["h3"]["id"]


def test_v1_rejects_v2_cookies_with_a_new_session(matrix: list[InteropRecord]) -> None:
    rejected = cells(matrix, "v1", "v2")
    assert len(rejected) == 25
    assert {(r.expect, r.verdict) for r in rejected} == {("rejects", "pass")}, [r.message for r in rejected]
    for cell in rejected:
        write, read = cell.transcript
        assert read.response is not None
        assert write.decoded["h3"]["id"] not in read.response["body"]


def test_each_command_server_starts_once_per_profile(matrix_run: tuple[list[InteropRecord], list[str]]) -> None:
    assert sorted(matrix_run[1]) == ["v1 v1", "v2 v2"]  # h3-server.mjs v1 under v1, v2 under v2


def test_a_writer_with_another_password_turns_its_row_and_column_red() -> None:
    wsgi = load_adapter("wsgi")
    records = list(run_interop([wsgi, BROKEN], ["v2"]))
    verdicts = {(r.writer, r.reader): r.verdict for r in records if r.writer_profile == "v2"}
    assert verdicts == {
        ("wsgi", "wsgi"): "pass",
        ("wsgi", "other-password"): "fail",
        ("other-password", "wsgi"): "fail",
        ("other-password", "other-password"): "fail",
    }
    by_pair = {(r.writer, r.reader): r for r in records}
    assert "does not unseal" not in by_pair["wsgi", "other-password"].message
    assert "a new session" in by_pair["wsgi", "other-password"].message
    assert "unseals with the configured password" in by_pair["other-password", "wsgi"].message
    assert red_cells(records)
    assert "FAIL" in render_grids(records)


def test_a_writer_sealing_with_the_other_profiles_iterations_is_red() -> None:
    # Told v2, it seals at 1 iteration: a v2 reader would read it without any legacy fallback.
    stuck_on_v1 = Adapter("stuck-on-v1", "wsgi", lambda config: kit_fakes.wsgi_app({**config, "profile": "v1"}))
    records = {r.writer: r for r in run_interop([stuck_on_v1], ["v1"])}
    assert records["stuck-on-v1"].verdict == "pass"
    assert records["stuck-on-v1 (v2)"].verdict == "fail"
    assert "session.iterations: expected 8192, got 1" in records["stuck-on-v1 (v2)"].message


def _reads_v2_under_v1(config: dict[str, Any]) -> Any:
    # h3-behavior i6: full seal objects at 8192 iterations make a v1 app read v2 tokens.
    keys = {"saltBits": 256, "iterations": 8192, "minPasswordlength": 32}
    seal = {"encryption": {**keys, "algorithm": "aes-256-cbc"}, "integrity": {**keys, "algorithm": "sha256"}}
    return plain_wsgi.app_factory({**config, "seal": seal})


def test_a_v1_reader_that_takes_a_v2_cookie_is_red() -> None:
    lenient = Adapter("lenient-v1", "wsgi", _reads_v2_under_v1, profiles=("v1",))
    records = {(r.writer, r.reader): r for r in run_interop([load_adapter("wsgi"), lenient], ["v1"])}
    accepted = records["wsgi (v2)", "lenient-v1"]
    assert (accepted.expect, accepted.verdict) == ("rejects", "fail")
    assert "expected 'a new session (v1 rejects a v2 token)'" in accepted.message
    assert records["wsgi (v2)", "wsgi"].verdict == "pass"


def test_plan_puts_the_other_profiles_writers_last() -> None:
    adapters = [load_adapter("wsgi"), load_adapter("h3-node-v1"), load_adapter("h3-node-v2")]
    pairs = plan(adapters, ["v2"])
    writers = list(dict.fromkeys(p.writer_label for p in pairs))
    assert writers == ["wsgi", "h3-node-v2", "wsgi (v1)", "h3-node-v1 (v1)"]
    assert {p.reader.name for p in pairs} == {"wsgi", "h3-node-v2"}
    assert {p.writer_label: p.expect for p in pairs}["h3-node-v1 (v1)"] == "upgrades"


@pytest.fixture
def broken_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "interop_broken.py").write_text("from test_kit_interop import BROKEN\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "test_kit_interop", sys.modules[__name__])
    return "interop_broken:BROKEN"


def test_cli_prints_the_grid_and_exits_1_on_a_red_cell(broken_module: str, tmp_path: Path) -> None:
    results = tmp_path / "interop.jsonl"
    out = io.StringIO()
    code = main(
        ["interop", "--adapter", "wsgi", "--adapter", broken_module, "--profile", "v2", "--results", str(results)],
        out,
    )
    text = out.getvalue()
    assert code == 1, text
    assert "interop [v2]: a session written by the row, read by the column" in text
    assert re.search(r"^ 1 wsgi +ok +FAIL$", text, re.M), text
    assert "FAIL [v2] other-password -> wsgi: step 1 (write)" in text
    records = list(read_records(results))
    assert len(records) == 8  # 2 readers x (2 v2 writers + 2 v1 writers)
    assert all(isinstance(r, InteropRecord) for r in records)


def test_cli_interop_writes_the_grid_into_the_reports(tmp_path: Path) -> None:
    ensure_node_modules()
    out = io.StringIO()
    code = main(
        ["interop", "--adapter", "asgi", "--adapter", "h3-node-v2", "--profile", "v2", "--report-dir", str(tmp_path)],
        out,
    )
    assert code == 0, out.getvalue()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<table class="interop" data-profile="v2">' in html
    assert "<th>asgi (v1)</th>" in html
    assert 'testsuite name="interop"' in (tmp_path / "junit.xml").read_text(encoding="utf-8")


def test_run_with_interop_puts_both_in_one_stream_and_report(tmp_path: Path) -> None:
    ensure_node_modules()
    results, reports = tmp_path / "results.jsonl", tmp_path / "reports"
    argv = ["run", "--adapter", "wsgi", "--adapter", "h3-node-v1", "--profile", "v1", "--id", "counter.*"]
    out = io.StringIO()
    code = main([*argv, "--interop", "--results", str(results), "--report-dir", str(reports)], out)
    assert code == 0, out.getvalue()
    kinds = [r["type"] for r in read_results(results)]
    assert {"run", "result", "summary", "interop"} <= set(kinds)
    assert kinds.count("interop") == 4 + 2  # 2 x 2 within v1, then wsgi (v2) (h3-node-v1 has no v2) x 2 readers
    assert '<table class="interop" data-profile="v1">' in (reports / "report.html").read_text(encoding="utf-8")
    assert "interop [v1]: a session written by the row" in out.getvalue()


def test_the_documented_commands_parse_and_the_first_runs() -> None:
    ensure_node_modules()
    lines = [line[2:] for line in re.findall(r"^\$ .*$", DOC, re.M)]
    assert len(lines) == 3
    for line in lines:
        build_parser().parse_args(shlex.split(line)[1:])
    out = io.StringIO()
    assert main(shlex.split(lines[0])[1:], out) == 0, out.getvalue()
    assert "interop: 16 pair(s), 0 red, 0 skipped" in out.getvalue()
