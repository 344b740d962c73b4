"""A static, self-contained HTML report: one file, no network, readable without JavaScript.

Rows are scenarios, columns are adapter-and-profile runs, each cell one verdict (the most alarming
one when merged runs disagree). Red cells link to a <details> block holding the full transcript.
Every piece of text from the results stream is escaped: messages and bodies come from the
implementation under test and may contain anything, markup included.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any, Optional

from ..results import BAD_VERDICTS, VERDICTS
from ._model import (
    Column,
    Matrix,
    Scenario,
    build_matrix,
    failure_message,
    format_transcript,
    result_name,
    text,
    verdict_of,
    worst,
)

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
thead th{background:#f3f3f3;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.verdict{text-align:center;white-space:nowrap}
td.verdict a{color:inherit}
.v-pass{background:#dff5df}.v-fail{background:#f9c9c9;font-weight:bold}
.v-error{background:#f3a6a6;font-weight:bold}.v-xpass{background:#f0c9f0;font-weight:bold}
.v-xfail{background:#fbefc4}.v-skip{background:#eee;color:#777}.v-none{color:#bbb}
.level-must{font-weight:bold}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere}
details{margin:.4em 0}summary{cursor:pointer;padding:1px 4px;overflow-wrap:anywhere}
caption{text-align:left;white-space:nowrap;padding:2px 0}
table.only-bad tr.ok{display:none}
"""

# Progressive enhancement only: the table is complete without it. It opens the failure a cell
# links to, and offers a filter that hides rows without a red cell.
_JS = """
function openTarget(){var d=document.getElementById(location.hash.slice(1));
 if(d&&d.tagName==='DETAILS'){d.open=true;}}
window.addEventListener('hashchange',openTarget);openTarget();
var box=document.getElementById('only-bad');
if(box){box.disabled=false;box.addEventListener('change',function(){
 document.getElementById('matrix').classList.toggle('only-bad',box.checked);});}
"""


def esc(value: object) -> str:
    """Any field as HTML text, quotes included, so it is safe in text and in attributes."""
    return html.escape(text(value), quote=True)


def render_html(records: Iterable[object], *, title: str = "h3 session conformance") -> str:
    """The whole report as one HTML document."""
    matrix = build_matrix(records)
    anchors = {id(result): f"r{n}" for n, result in enumerate(matrix.failures, 1)}
    body = [
        f"<h1>{esc(title)}</h1>",
        _summary(matrix),
        _matrix(matrix, anchors),
        _failures(matrix, anchors),
    ]
    if matrix.interop:
        body.append(_interop(matrix))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + f"\n<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _run_tooltip(matrix: Matrix, column: Column) -> str:
    run = matrix.runs.get(column, {})
    keys = ("kind", "framework", "python", "kit_version", "scenario_set_version", "started_at")
    return "; ".join(f"{key}: {text(run[key])}" for key in keys if run.get(key) is not None)


def _summary(matrix: Matrix) -> str:
    if not matrix.columns:
        return "<p>No results.</p>"
    head = "".join(f"<th>{v}</th>" for v in VERDICTS)
    rows = []
    for column in matrix.columns:
        counts = matrix.counts[column]
        for n, level in enumerate(counts.levels()):
            per_verdict = counts.by_level[level]
            cells = "".join(_count_cell(v, per_verdict.get(v, 0)) for v in VERDICTS)
            named = (
                f'<td title="{esc(_run_tooltip(matrix, column))}">{esc(column.adapter)}</td>'
                f"<td>{esc(column.profile)}</td>"
                if n == 0
                else "<td></td><td></td>"
            )
            rows.append(f"<tr>{named}<td>{esc(level)}</td>{cells}</tr>")
    return (
        '<h2>Summary</h2>\n<table id="summary">\n<thead><tr><th>adapter</th><th>profile</th>'
        f"<th>level</th>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _count_cell(verdict: str, n: int) -> str:
    return f'<td class="n v-{verdict}">{n}</td>' if n else '<td class="n">0</td>'


def _matrix(matrix: Matrix, anchors: Mapping[int, str]) -> str:
    if not matrix.scenarios:
        return ""
    columns = "".join(
        f'<th class="column" data-adapter="{esc(c.adapter)}" data-profile="{esc(c.profile)}"'
        f' title="{esc(_run_tooltip(matrix, c))}">{esc(c.adapter)}<br>{esc(c.profile)}</th>'
        for c in matrix.columns
    )
    # Group by theme (first-seen order), keeping the scenario files' own order inside a theme.
    themes = {theme: n for n, theme in enumerate(dict.fromkeys(s.theme for s in matrix.scenarios))}
    scenarios = sorted(matrix.scenarios, key=lambda s: themes[s.theme])
    rows = [_row(matrix, scenario, anchors) for scenario in scenarios]
    return (
        '<h2>Matrix</h2>\n<p><label><input type="checkbox" id="only-bad" disabled>'
        " only scenarios with a red cell</label></p>\n"
        '<table id="matrix">\n<thead><tr><th>scenario</th><th>title</th><th>level</th>'
        f"<th>theme</th>{columns}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _row(matrix: Matrix, scenario: Scenario, anchors: Mapping[int, str]) -> str:
    cells = [_cell(matrix, column, scenario, anchors) for column in matrix.columns]
    red = any(matrix.cell_verdict(c, scenario.id) in BAD_VERDICTS for c in matrix.columns)
    return (
        f'<tr class="scenario {"bad" if red else "ok"}" data-id="{esc(scenario.id)}">'
        f"<td><code>{esc(scenario.id)}</code></td><td>{esc(scenario.title)}</td>"
        f'<td class="level-{esc(scenario.level)}">{esc(scenario.level)}</td>'
        f"<td>{esc(scenario.theme)}</td>" + "".join(cells) + "</tr>"
    )


def _cell(matrix: Matrix, column: Column, scenario: Scenario, anchors: Mapping[int, str]) -> str:
    results = matrix.cell(column, scenario.id)
    verdict = matrix.cell_verdict(column, scenario.id)
    where = f'data-column="{esc(column.label)}"'
    if verdict is None:
        tooltip = f"{column.label}: not run"
        return f'<td class="verdict v-none" {where} title="{esc(tooltip)}">&ndash;</td>'
    tooltip = "\n".join(_tooltip(column, result) for result in results)
    label = esc(verdict)
    anchor = next((anchors[id(r)] for r in results if id(r) in anchors), None)
    if anchor is not None:
        label = f'<a href="#{anchor}">{label}</a>'
    return f'<td class="verdict v-{verdict}" {where} title="{esc(tooltip)}">{label}</td>'


def _tooltip(column: Column, result: Mapping[str, Any]) -> str:
    verdict = verdict_of(result)
    duration = result.get("duration_ms")
    line = f"{column.label}: {verdict}"
    if isinstance(duration, (int, float)):
        line += f" ({duration} ms)"
    detail: Optional[str] = None
    if verdict in BAD_VERDICTS:
        detail = failure_message(result)
    elif verdict == "xfail":
        detail = "expected failure: " + text(result.get("expected_failure"))
    elif result.get("message"):
        detail = text(result.get("message"))
    return f"{line} - {_short(detail)}" if detail else line


def _short(value: str, limit: int = 240) -> str:
    """A one-line preview; the full text is in the failure's <details>."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def _failures(matrix: Matrix, anchors: Mapping[int, str]) -> str:
    failures = matrix.failures
    if not failures:
        return "<h2>Failures</h2>\n<p>None.</p>"
    blocks = []
    for result in failures:
        verdict = verdict_of(result)
        transcript = "\n".join(format_transcript(result))
        message = failure_message(result)
        blocks.append(
            f'<details id="{anchors[id(result)]}" class="failure">'
            f'<summary class="v-{verdict}"><b>{verdict}</b> {esc(result_name(result))}'
            f" [{esc(result.get('level'))}]: {esc(_short(message))}</summary>\n"
            f"<p>{esc(result.get('title'))}</p>\n"
            + (f'<pre class="message">{esc(message)}</pre>\n' if _short(message) != message else "")
            + (f"<pre>{esc(transcript)}</pre>" if transcript else "<p>No transcript.</p>")
            + "\n</details>"
        )
    return f"<h2>Failures ({len(failures)})</h2>\n" + "\n".join(blocks)


def _interop(matrix: Matrix) -> str:
    """Writer-by-reader grids, one per profile: can a session sealed by one be read by another."""
    profiles = list(dict.fromkeys(text(r.get("profile"), "?") for r in matrix.interop))
    sections = ["<h2>Interop</h2>"]
    for profile in profiles:
        records = [r for r in matrix.interop if text(r.get("profile"), "?") == profile]
        writers = list(dict.fromkeys(text(r.get("writer"), "?") for r in records))
        readers = list(dict.fromkeys(text(r.get("reader"), "?") for r in records))
        grid: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for record in records:
            key = (text(record.get("writer"), "?"), text(record.get("reader"), "?"))
            grid.setdefault(key, []).append(record)
        head = "".join(f"<th>{esc(reader)}</th>" for reader in readers)
        rows = []
        for writer in writers:
            cells = "".join(_interop_cell(grid.get((writer, r), [])) for r in readers)
            rows.append(f"<tr><th>{esc(writer)}</th>{cells}</tr>")
        sections.append(
            f'<table class="interop" data-profile="{esc(profile)}">\n'
            f"<caption>profile {esc(profile)}: writer (row) → reader (column)</caption>\n"
            f"<thead><tr><th>writer \\ reader</th>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(rows)
            + "\n</tbody>\n</table>"
        )
    return "\n".join(sections)


def _interop_cell(records: list[Mapping[str, Any]]) -> str:
    verdicts = [verdict_of(r) for r in records]
    if not verdicts:
        return '<td class="verdict v-none">&ndash;</td>'
    verdict = worst(verdicts) or "error"
    tooltip = "\n".join(f"{verdict_of(r)}: {text(r.get('message'))}" for r in records)
    return f'<td class="verdict v-{verdict}" title="{esc(tooltip)}">{esc(verdict)}</td>'
