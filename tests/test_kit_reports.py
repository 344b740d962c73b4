"""Reports of the conformance kit, rendered from synthetic results streams."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Optional

import pytest

from h3conformance.reports import (
    merge_results,
    print_summary,
    read_results,
    render_all,
    render_html,
    render_junit,
    render_markdown,
    render_text,
    write_report_dir,
    write_results,
)
from h3conformance.results import Failure, ResultRecord, RunRecord, StepRecord, summarize

VERDICTS = ("pass", "fail", "xfail", "xpass", "error", "skip")
HOSTILE = (
    "<script>document.body.setAttribute('data-pwned','1')</script>\"'&"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
)


# -- a small builder for results streams ----------------------------------------------------------


def run(adapter: str = "wsgi", profile: str = "v2") -> dict[str, Any]:
    return {
        "type": "run",
        "kit_version": "0.1.0",
        "scenario_set_version": "1",
        "adapter": adapter,
        "kind": "wsgi",
        "profile": profile,
        "framework": {"h3session": "0.1.0"},
        "python": "3.11.7",
        "started_at": "2024-01-01T00:00:00Z",
    }


def step(
    name: Optional[str] = "visit",
    *,
    number: int = 1,
    failures: Optional[list[dict[str, Any]]] = None,
    cookie: str = "h3=Fe26.2**abc",
    decoded: Optional[dict[str, Any]] = None,
    body: str = "Hello world! You have visited this page 1 times.",
) -> dict[str, Any]:
    return {
        "step": number,
        "name": name,
        "request": {"method": "GET", "path": "/", "headers": [["cookie", cookie]], "body": None},
        "response": {
            "status": 200,
            "headers": [["content-type", "text/plain"], ["set-cookie", "h3=Fe26.2**def; Path=/"]],
            "body": body,
        },
        "decoded": {"h3": {"id": "sid-1", "createdAt": 1700000000000, "data": {"count": 1}}}
        if decoded is None
        else decoded,
        "failures": failures or [],
    }


def result(
    verdict: str = "pass",
    scenario: str = "counter.first-visit",
    *,
    adapter: str = "wsgi",
    profile: str = "v2",
    level: str = "must",
    message: str = "",
    transcript: Optional[list[dict[str, Any]]] = None,
    **extra: Any,
) -> dict[str, Any]:
    if transcript is None:
        failures = [{"expectation": "status", "expected": 200, "actual": 500}] if verdict == "fail" else []
        transcript = [step("first"), step("second", number=2, failures=failures)]
    record = {
        "type": "result",
        "adapter": adapter,
        "profile": profile,
        "id": scenario,
        "title": f"title of {scenario}",
        "theme": scenario.split(".")[0],
        "level": level,
        "verdict": verdict,
        "duration_ms": 12,
        "message": message or ("status 500, expected 200" if verdict == "fail" else ""),
        "expected_failure": "h3 bug f2" if verdict in ("xfail", "xpass") else None,
        "transcript": transcript,
    }
    record.update(extra)
    return record


def every_verdict(adapter: str = "wsgi", profile: str = "v2") -> list[dict[str, Any]]:
    """A run with one scenario per verdict kind."""
    records = [run(adapter, profile)]
    for n, verdict in enumerate(VERDICTS):
        level = ("must", "should", "info")[n % 3]
        records.append(
            result(
                verdict,
                f"theme{n % 2}.{verdict}-case",
                adapter=adapter,
                profile=profile,
                level=level,
            )
        )
    records.append({"type": "summary", "pass": 1})
    return records


def interop(writer: str, reader: str, verdict: str = "pass", message: str = "") -> dict[str, Any]:
    return {
        "type": "interop",
        "profile": "v2",
        "writer": writer,
        "reader": reader,
        "verdict": verdict,
        "message": message,
    }


# -- terminal summary ------------------------------------------------------------------------------


def test_text_summary_counts_every_verdict_per_level() -> None:
    out = render_text(every_verdict())
    header = next(line for line in out.splitlines() if line.startswith("adapter"))
    assert header.split() == ["adapter", "profile", "level", *VERDICTS]
    rows = {line.split()[-7]: line.split()[-6:] for line in out.splitlines()[1:5]}
    assert rows["must"] == ["1", "0", "0", "1", "0", "0"]  # pass, xpass
    assert rows["should"] == ["0", "1", "0", "0", "1", "0"]  # fail, error
    assert rows["info"] == ["0", "0", "1", "0", "0", "1"]  # xfail, skip
    assert rows["all"] == ["1", "1", "1", "1", "1", "1"]
    assert out.rstrip().endswith("FAILED: 1 pass, 1 fail, 1 xfail, 1 xpass, 1 error, 1 skip")


def test_text_summary_details_each_red_result_with_its_failing_step() -> None:
    out = render_text(every_verdict())
    assert "3 failing result(s):" in out
    fail = out[out.index("FAIL wsgi [v2] theme1.fail-case") :]
    fail = fail[: fail.index("\n\n")]
    assert "[should]" in fail.splitlines()[0]
    assert "message: status 500, expected 200" in fail
    assert "FAILED status" in fail
    assert "expected: 200" in fail
    assert "actual:   500" in fail
    assert "step 2 (second)" in fail
    assert "step 1 (first)" not in fail
    assert "> GET /" in fail
    assert "> cookie: h3=Fe26.2**abc" in fail
    assert "< set-cookie: h3=Fe26.2**def; Path=/" in fail
    assert 'decoded h3: {"id": "sid-1", "createdAt": 1700000000000, "data": {"count": 1}}' in fail
    assert "XPASS wsgi [v2] theme1.xpass-case" in out
    assert "unexpected pass (expected to fail: h3 bug f2)" in out
    assert "ERROR wsgi [v2] theme0.error-case" in out
    assert "theme0.xfail-case" not in out.split("failing result(s):")[1]


def test_print_summary_returns_the_red_count_and_green_says_ok() -> None:
    out = io.StringIO()
    assert print_summary(every_verdict(), out) == 3
    assert "\x1b[" not in out.getvalue()  # no colour outside a terminal
    green = io.StringIO()
    assert print_summary([run(), result("pass"), result("xfail", "b.c")], green) == 0
    assert green.getvalue().rstrip().endswith("OK: 1 pass, 1 xfail")


def test_text_summary_shows_control_characters_as_escapes() -> None:
    records = [result("fail", "a.b", message="two\nlines \x1b[2J\r", title="")]
    out = render_text(records)
    assert "\x1b" not in out
    assert "  message: two\n  lines \\x1b[2J\\x0d\n" in out
    assert "title of" not in out


def test_print_summary_counts_red_only_at_the_fail_on_levels() -> None:
    records = [result("fail", "a.must"), result("fail", "a.info", level="info")]
    out = io.StringIO()
    assert print_summary(records, out, fail_on_levels=("must",)) == 1
    assert print_summary([records[1]], out, fail_on_levels=("must",)) == 0
    assert "FAIL wsgi [v2] a.info [info]" in out.getvalue()  # still listed
    assert out.getvalue().rstrip().endswith("OK: 1 fail (red counted at level must)")


def test_transcripts_also_read_steps_named_in_the_step_field() -> None:
    old_shape = {
        "step": "login",
        "request": {
            "method": "POST",
            "path": "/update",
            "headers": {"content-type": "application/json"},
            "body": '{"user": "ada"}',
        },
        "response": None,
        "failures": [{"expectation": "status", "expected": 200, "actual": None}],
    }
    out = render_text([result("error", "a.b", transcript=[old_shape])])
    assert "step 1 (login)" in out
    assert '> POST /update\n  > content-type: application/json\n  >\n  > {"user": "ada"}' in out
    assert "< (no response)" in out


def test_reports_accept_the_engine_record_dataclasses(tmp_path: Path) -> None:
    exchange = StepRecord(
        2,
        "read",
        {"method": "GET", "path": "/data", "headers": [], "body": None},
        {"status": 500, "headers": [["set-cookie", "h3=x"]], "body": "boom"},
        decoded={"h3": {"id": "s"}},
        failures=[Failure("status", 200, 500)],
    )
    failed = ResultRecord(
        adapter="wsgi",
        profile="v2",
        id="data.read",
        title="t",
        theme="data",
        level="must",
        verdict="fail",
        message="status 500",
        transcript=[exchange],
    )
    run_record = RunRecord("wsgi", "wsgi", "v2", "0.1.0", "1")
    records: list[object] = [run_record, failed, summarize("wsgi", "v2", [failed])]
    out = render_text(records)
    assert "step 2 (read)" in out
    assert "< set-cookie: h3=x" in out
    assert 'decoded h3: {"id": "s"}' in out
    paths = render_all(records, tmp_path)
    first = json.loads(paths["results"].read_text(encoding="utf-8").splitlines()[0])
    assert next(iter(first)) == "type"
    assert first["adapter"] == "wsgi"


def test_text_summary_cuts_the_middle_of_huge_lines_but_html_keeps_them() -> None:
    body = "A" * 3000 + "Z"
    records = [result("fail", "a.b", transcript=[step(body=body, failures=[{"expectation": "x"}])])]
    out = render_text(records)
    line = next(line for line in out.splitlines() if line.startswith("  < AAA"))
    assert len(line) < 600
    assert "characters cut; see report.html" in line
    assert line.endswith("AZ")
    assert body in render_text(records, max_line=None)
    assert body in render_html(records)


def test_print_summary_colours_on_request() -> None:
    out = io.StringIO()
    print_summary(every_verdict(), out, color=True)
    assert "\x1b[31m" in out.getvalue()


# -- JUnit -----------------------------------------------------------------------------------------


def test_junit_has_one_suite_per_adapter_and_profile_with_right_counts() -> None:
    records = every_verdict("wsgi", "v1") + every_verdict("asgi", "v2")
    root = ET.fromstring(render_junit(records))  # noqa: S314 (our own output)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["wsgi [v1]", "asgi [v2]"]
    for suite in suites:
        assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("6", "2", "1")
        assert suite.get("skipped") == "2"
        assert len(suite.findall("testcase")) == 6
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("12", "4", "2")
    props = {p.get("name"): p.get("value") for p in suites[0].iter("property")}
    assert props["adapter"] == "wsgi"
    assert props["framework"] == '{"h3session": "0.1.0"}'


def test_junit_maps_verdicts_to_failure_error_and_skipped() -> None:
    root = ET.fromstring(render_junit(every_verdict()))  # noqa: S314
    cases = {case.get("name"): case for case in root.iter("testcase")}
    failure = cases["theme1.fail-case"].find("failure")
    assert failure is not None
    assert failure.get("message") == "status 500, expected 200"
    assert "< set-cookie: h3=Fe26.2**def; Path=/" in (failure.text or "")
    assert 'decoded h3: {"id": "sid-1"' in (failure.text or "")
    xpass = cases["theme1.xpass-case"].find("failure")
    assert xpass is not None
    assert (xpass.get("message") or "").startswith("unexpected pass")
    assert cases["theme0.error-case"].find("error") is not None
    skipped = cases["theme0.xfail-case"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "expected failure: h3 bug f2"
    assert cases["theme1.skip-case"].find("skipped") is not None
    assert list(cases["theme0.pass-case"]) == []
    assert cases["theme0.pass-case"].get("time") == "0.012"
    assert cases["theme0.pass-case"].get("classname") == "wsgi.v2.theme0"


def test_junit_escapes_hostile_text_and_control_characters() -> None:
    body = HOSTILE + "\x00\x1b]"
    transcript = [step(failures=[{"expectation": HOSTILE, "expected": HOSTILE, "actual": 1}], body=body)]
    records = [result("fail", "x.hostile", message=HOSTILE, transcript=transcript, adapter=HOSTILE)]
    xml = render_junit(records)
    assert "<script>" not in xml
    assert "\x00" not in xml
    root = ET.fromstring(xml)  # noqa: S314
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == HOSTILE
    assert HOSTILE + "\\x00\\x1b]" in (failure.text or "")
    assert root.find("testsuite").get("name") == f"{HOSTILE} [v2]"  # type: ignore[union-attr]


def test_junit_has_an_interop_suite() -> None:
    records = [interop("python", "node-v2"), interop("node-v2", "python", "fail", "Bad hmac")]
    root = ET.fromstring(render_junit(records))  # noqa: S314
    suite = root.find("testsuite[@name='interop']")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")


# -- Markdown --------------------------------------------------------------------------------------


def test_markdown_has_a_matrix_and_the_failures() -> None:
    records = every_verdict("wsgi", "v1") + every_verdict("wsgi", "v2") + every_verdict("asgi", "v2")
    out = render_markdown(records)
    lines = out.splitlines()
    at = lines.index("| adapter | v1 | v2 |")
    assert lines[at + 1] == "|---|---|---|"
    assert lines[at + 2].startswith("| wsgi | ✅ 1 ❌ 1")
    assert lines[at + 2].count("|") == 4
    assert lines[at + 3].startswith("| asgi | — | ✅ 1")
    assert "### Failures (9)" in out
    assert "❌ **fail** wsgi \\[v1\\] `theme1.fail-case` (should): status 500, expected 200" in out
    assert "- step 2 (second): status expected 200, actual 500" in out
    assert "<details><summary>transcript</summary>" in out


def test_markdown_escapes_hostile_text() -> None:
    records = [result("fail", "a.b", message="x | y <b>`z`</b> [l](http://e)", adapter="a|b")]
    out = render_markdown(records)
    assert "<b>" not in out
    assert "| a|b |" not in out
    assert "x \\| y &lt;b&gt;\\`z\\`&lt;/b&gt; \\[l\\](http://e)" in out
    assert "| a\\|b |" in out


def test_markdown_caps_the_failure_list() -> None:
    records = [result("fail", f"t.case-{n}") for n in range(5)]
    out = render_markdown(records, max_failures=2)
    assert out.count("❌ **fail**") == 2
    assert "…and 3 more" in out


# -- HTML ------------------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """Collect matrix rows and cells, and <body> attributes, from an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[dict[str, Optional[str]]]] = []
        self.body: dict[str, Optional[str]] = {}
        self.inputs: dict[str, dict[str, Optional[str]]] = {}
        self._table: Optional[str] = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "body":
            self.body = attributes
        elif tag == "input" and attributes.get("id"):
            self.inputs[attributes["id"] or ""] = attributes
        elif tag == "table":
            self._table = attributes.get("id")
        elif self._table != "matrix":
            return
        elif tag == "tr" and "scenario" in classes:
            self.rows.append([])
        elif tag == "td" and "verdict" in classes and self.rows:
            self.rows[-1].append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None


def parse(document: str) -> _Cells:
    cells = _Cells()
    cells.feed(document)
    cells.close()
    return cells


def test_html_has_a_cell_per_scenario_and_column_with_verdict_classes() -> None:
    records = [
        *every_verdict("wsgi", "v2"),
        run("asgi", "v1"),
        result("pass", "theme0.pass-case", adapter="asgi", profile="v1"),
    ]
    page = parse(render_html(records))
    assert len(page.rows) == 6
    assert all(len(row) == 2 for row in page.rows)
    classes = [row[0]["class"] for row in page.rows]
    assert sorted(c.split()[1] for c in classes if c) == sorted(f"v-{v}" for v in VERDICTS)
    assert [row[1]["class"] for row in page.rows].count("verdict v-none") == 5
    tooltips = [row[0]["title"] or "" for row in page.rows]
    assert any("expected failure: h3 bug f2" in t for t in tooltips)
    assert any("status 500, expected 200" in t for t in tooltips)


def test_html_failures_are_expandable_with_their_transcript() -> None:
    document = render_html(every_verdict())
    assert document.count('<details id="r') == 3
    assert '<a href="#r1">fail</a>' in document or '<a href="#r1">' in document
    assert "&lt; set-cookie: h3=Fe26.2**def; Path=/" in document
    assert "decoded h3: {&quot;id&quot;: &quot;sid-1&quot;" in document


def test_html_escapes_hostile_text_everywhere() -> None:
    transcript = [
        step(
            HOSTILE,
            failures=[{"expectation": HOSTILE, "expected": HOSTILE, "actual": HOSTILE}],
            body=HOSTILE,
            cookie=HOSTILE,
            decoded={HOSTILE: HOSTILE},
        )
    ]
    records = [
        run(HOSTILE, HOSTILE),
        result(
            "fail",
            HOSTILE,
            adapter=HOSTILE,
            profile=HOSTILE,
            message=HOSTILE,
            title=HOSTILE,
            theme=HOSTILE,
            level=HOSTILE,
            transcript=transcript,
        ),
        interop(HOSTILE, HOSTILE, "fail", HOSTILE),
    ]
    document = render_html(records)
    assert document.count("<script>") == 1  # ours, at the end
    assert "<img" not in document
    assert '"document' not in document.replace("&quot;", "")  # no raw quote ends an attribute
    page = parse(document)
    assert len(page.rows) == 1
    assert len(page.rows[0]) == 1
    assert page.rows[0][0]["title"] is not None
    assert HOSTILE in page.rows[0][0]["title"]


def test_html_interop_grid_is_writer_by_reader() -> None:
    records = [
        interop("python", "python"),
        interop("python", "node-v2", "fail", "Bad hmac value"),
        interop("node-v2", "python"),
    ]
    document = render_html(records)
    grid = document[document.index('<table class="interop"') :]
    grid = grid[: grid.index("</table>")]
    assert "<th>python</th><th>node-v2</th>" in grid
    assert grid.count('class="verdict') == 4
    assert 'class="verdict v-none"' in grid  # node-v2 -> node-v2 was not tried
    assert 'title="fail: Bad hmac value"' in grid


def test_markdown_interop_grid_is_writer_by_reader_and_says_what_each_green_cell_did() -> None:
    records = [
        interop("python", "python"),
        {**interop("node-v2", "python"), "expect": "upgrades"},
        {**interop("python (v2)", "node-v1"), "profile": "v1", "expect": "rejects"},
        interop("python", "node-v2", "fail", "Bad hmac value"),
    ]
    text = render_markdown(records)
    sections = {part.split("\\]", 1)[0]: part for part in text.split("#### Interop \\[")[1:]}
    header, _rule, *rows = [line for line in sections["v2"].splitlines() if line.startswith("|")]
    assert header == "| writer | python | node-v2 |"
    assert rows[0].startswith("| python | ok | ")
    assert rows[0].endswith(" fail |")
    assert rows[1] == "| node-v2 | up | — |"
    assert "| python (v2) | rej |" in sections["v1"]


def test_html_without_interop_records_has_no_interop_section() -> None:
    assert "Interop" not in render_html(every_verdict())


# -- merge and report directories ------------------------------------------------------------------


def test_merge_of_two_files_keeps_every_record_and_both_adapters(tmp_path: Path) -> None:
    first, second = every_verdict("wsgi", "v2"), every_verdict("h3-node-v2", "v2")
    write_results(first, tmp_path / "a.jsonl")
    write_results(second, tmp_path / "b.jsonl")
    merged = merge_results([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    assert merged == first + second
    page = parse(render_html(merged))
    assert all(len(row) == 2 for row in page.rows)
    assert len(page.rows) == 6
    text = render_text(merged)
    assert "wsgi" in text
    assert "h3-node-v2" in text
    assert "| wsgi | ✅ 1" in render_markdown(merged)
    assert "| h3-node-v2 | ✅ 1" in render_markdown(merged)


def test_merge_of_a_directory_reads_jsonl_files_recursively_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    write_results(every_verdict("asgi"), tmp_path / "b" / "results.jsonl")
    write_results(every_verdict("wsgi"), tmp_path / "a.jsonl")
    (tmp_path / "notes.txt").write_text("not results")
    merged = merge_results([tmp_path])
    assert [r["adapter"] for r in merged if r["type"] == "run"] == ["wsgi", "asgi"]
    assert len(merged) == 2 * len(every_verdict())


def test_merge_can_leave_out_a_report_written_inside_the_merged_directory(
    tmp_path: Path,
) -> None:
    write_results(every_verdict("wsgi"), tmp_path / "wsgi.jsonl")
    first = merge_results([tmp_path])
    paths = write_report_dir(first, tmp_path / "report")
    assert len(merge_results([tmp_path])) == 2 * len(first)
    assert merge_results([tmp_path], exclude=[paths["results"]]) == first


def test_merge_of_a_missing_path_fails(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        merge_results([tmp_path / "nope.jsonl"])


def test_read_results_names_the_bad_line() -> None:
    lines = [json.dumps(run()), "", "{not json"]
    with pytest.raises(ValueError, match="<lines>:3: not JSON"):
        list(read_results(lines))
    with pytest.raises(ValueError, match="<lines>:1: a record must be a JSON object"):
        list(read_results(["[1]"]))


def test_write_report_dir_writes_all_four_reports(tmp_path: Path) -> None:
    records = every_verdict()
    paths = write_report_dir(records, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "junit.xml",
        "report.html",
        "report.md",
        "results.jsonl",
    ]
    assert list(read_results(paths["results"])) == records
    ET.parse(paths["junit"])  # noqa: S314
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert render_all(records, tmp_path / "again")["markdown"].read_text(encoding="utf-8") == (
        paths["markdown"].read_text(encoding="utf-8")
    )


def test_reports_of_an_empty_stream_still_render() -> None:
    assert "no results" in render_text([])
    assert "No results." in render_markdown([])
    assert ET.fromstring(render_junit([])).get("tests") == "0"  # noqa: S314
    assert "No results." in render_html([])


# -- in a real browser -----------------------------------------------------------------------------


def _chromium() -> str:
    found = os.environ.get("H3_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    reason = "chromium is not installed (Debian: apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(reason + "; CI must install it")
    pytest.skip(reason)


def dump_dom(page: Path, profile_dir: Path) -> str:
    """The DOM after load (scripts run) of a local page, from headless Chromium; no network."""
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile_dir}",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_html_renders_the_matrix_in_headless_chromium(tmp_path: Path) -> None:
    records = (
        every_verdict("wsgi", "v1")
        + every_verdict("asgi", "v2")
        + [
            run("h3-node-v2", "v2"),
            result("fail", "theme0.pass-case", adapter="h3-node-v2", message=HOSTILE, title=HOSTILE),
        ]
        + [interop("python", "node-v2"), interop("node-v2", "python", "fail", HOSTILE)]
    )
    page = tmp_path / "report.html"
    page.write_text(render_html(records), encoding="utf-8")
    dom = parse(dump_dom(page, tmp_path / "profile"))
    assert len(dom.rows) == 6
    assert all(len(row) == 3 for row in dom.rows)  # scenarios x (adapter x profile)
    columns = {cell["data-column"] for row in dom.rows for cell in row}
    assert columns == {"wsgi [v1]", "asgi [v2]", "h3-node-v2 [v2]"}
    assert "data-pwned" not in dom.body  # no hostile markup ran
    assert "disabled" not in dom.inputs["only-bad"]  # our own script did run


# -- the `h3conformance report` command ------------------------------------------------------------


def test_report_command_summarizes_one_file(tmp_path: Path) -> None:
    from h3conformance.cli import main

    write_results(every_verdict(), tmp_path / "results.jsonl")
    out = io.StringIO()
    assert main(["report", str(tmp_path / "results.jsonl")], out=out) == 1  # a must xpass
    assert "XPASS wsgi [v2] theme1.xpass-case [must]" in out.getvalue()
    write_results([run(), result("pass"), result("fail", "a.b", level="info")], tmp_path / "ok.jsonl")
    assert main(["report", str(tmp_path / "ok.jsonl")], out=io.StringIO()) == 0
    assert main(["report", "--fail-on", "should", str(tmp_path / "ok.jsonl")], out=out) == 0


def test_report_command_merges_a_directory_into_a_report_dir(tmp_path: Path) -> None:
    from h3conformance.cli import main

    artifacts = tmp_path / "artifacts"
    (artifacts / "wsgi").mkdir(parents=True)
    write_results(every_verdict("wsgi"), artifacts / "wsgi" / "results.jsonl")
    write_results(every_verdict("asgi"), artifacts / "asgi.jsonl")
    for _ in range(2):  # the second time, the report inside artifacts/ is not merged again
        out = io.StringIO()
        main(["report", "--merge", str(artifacts), "--out", str(artifacts / "report")], out=out)
        merged = list(read_results(artifacts / "report" / "results.jsonl"))
        assert len(merged) == 2 * len(every_verdict())
    assert "reports: " in out.getvalue()
    assert (artifacts / "report" / "report.html").is_file()


def test_report_command_without_input_is_a_usage_error(tmp_path: Path) -> None:
    from h3conformance.cli import main

    assert main(["report"], out=io.StringIO()) == 2
    assert main(["report", str(tmp_path / "missing.jsonl")], out=io.StringIO()) == 2
