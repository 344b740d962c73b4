"""Markdown for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY and the like).

A matrix of adapters by profiles with verdict counts, then the red results with their failed
expectations. Transcripts go into collapsed <details> blocks; the list is capped because job
summaries have a size limit and the full story is in the HTML and JUnit reports anyway.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..results import VERDICTS
from ._model import (
    Column,
    Matrix,
    build_matrix,
    expectation_failures,
    failure_message,
    format_transcript,
    json_text,
    step_label,
    steps_of,
    text,
    verdict_of,
)

_ICONS = {"pass": "✅", "fail": "❌", "error": "💥", "xpass": "❗", "xfail": "⚠️", "skip": "⏭️"}
# Characters with a meaning in Markdown or HTML; escaped with a backslash or an entity so that a
# message from an implementation under test can never open a link, a tag or a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(value: object) -> str:
    """Inline text, safe inside a paragraph, a list item or a table cell."""
    escaped = html.escape(text(value), quote=True)
    escaped = _SPECIAL.sub(r"\\\1", escaped)
    return " ".join(escaped.split())  # a newline would end a table row or a list item


def render_markdown(records: Iterable[object], *, max_failures: int = 50) -> str:
    """The summary as Markdown; at most ``max_failures`` red results are listed in detail."""
    matrix = build_matrix(records)
    parts = ["## h3 session conformance", _matrix_table(matrix)]
    if matrix.interop:
        parts.append(_interop_section(matrix))
    failures = matrix.failures
    if failures:
        parts.append(f"### Failures ({len(failures)})")
        parts += [_failure_item(result) for result in failures[:max_failures]]
        if len(failures) > max_failures:
            parts.append(f"…and {len(failures) - max_failures} more; see the HTML report.")
    else:
        parts.append("No failures.")
    return "\n\n".join(parts) + "\n"


def _profiles(matrix: Matrix) -> list[str]:
    profiles: list[str] = []
    for column in matrix.columns:
        if column.profile not in profiles:
            profiles.append(column.profile)
    return profiles


def _matrix_table(matrix: Matrix) -> str:
    if not matrix.columns:
        return "No results."
    profiles = _profiles(matrix)
    adapters = list(dict.fromkeys(column.adapter for column in matrix.columns))
    lines = [
        "| adapter | " + " | ".join(md(p) for p in profiles) + " |",
        "|---|" + "---|" * len(profiles),
    ]
    for adapter in adapters:
        cells = [_counts_cell(matrix, Column(adapter, profile)) for profile in profiles]
        lines.append(f"| {md(adapter)} | " + " | ".join(cells) + " |")
    legend = " · ".join(f"{_ICONS[v]} {v}" for v in VERDICTS)
    return "\n".join(lines) + f"\n\n{legend}"


def _counts_cell(matrix: Matrix, column: Column) -> str:
    counts = matrix.counts.get(column)
    if counts is None:
        return "—"
    totals = counts.total()
    shown = [f"{_ICONS[v]} {totals[v]}" for v in VERDICTS if totals[v]]
    return " ".join(shown) if shown else "no results"


#: A green interop cell says what the reader did: continued, upgraded a v1 cookie, or rejected a v2 one.
_INTEROP_CELL = {"reads": "ok", "upgrades": "up", "rejects": "rej"}


def _interop_grids(records: list[dict[str, Any]]) -> list[str]:
    """One writer (row) x reader (column) table per profile."""
    tables = []
    for profile in dict.fromkeys(r.get("profile") for r in records):
        cells = {(r.get("writer"), r.get("reader")): r for r in records if r.get("profile") == profile}
        writers = list(dict.fromkeys(writer for writer, _ in cells))
        readers = list(dict.fromkeys(reader for _, reader in cells))
        lines = [
            f"#### Interop \\[{md(profile)}\\]: a session written by the row, read by the column",
            "",
            "| writer | " + " | ".join(md(reader) for reader in readers) + " |",
            "|---|" + "---|" * len(readers),
        ]
        for writer in writers:
            row = []
            for reader in readers:
                record = cells.get((writer, reader))
                verdict = verdict_of(record) if record is not None else None
                if record is None:
                    row.append("—")
                elif verdict == "pass":
                    row.append(_INTEROP_CELL.get(str(record.get("expect", "reads")), "ok"))
                else:
                    row.append(f"{_ICONS[verdict]} {verdict}" if verdict in _ICONS else str(verdict))
            lines.append(f"| {md(writer)} | " + " | ".join(row) + " |")
        tables.append("\n".join(lines))
    return tables


def _interop_section(matrix: Matrix) -> str:
    bad = matrix.interop_failures
    lines = [f"### Interop: {len(matrix.interop) - len(bad)}/{len(matrix.interop)} pairs pass"]
    lines.extend(["", *_interop_grids(matrix.interop), ""])
    lines.append("ok: continues the writer's session; up: continues a v1 cookie and re-seals it at 8192 iterations;")
    lines.append("rej: starts a new session, as h3 v1 does for a v2 cookie.")
    for record in bad:
        verdict = verdict_of(record)
        lines.append(
            f"- {_ICONS[verdict]} **{verdict}** \\[{md(record.get('profile'))}\\]"
            f" {md(record.get('writer'))} → {md(record.get('reader'))}:"
            f" {md(record.get('message'))}"
        )
    return "\n".join(lines)


def _failure_item(result: Mapping[str, Any]) -> str:
    verdict = verdict_of(result)
    lines = [
        f"{_ICONS[verdict]} **{verdict}** {md(result.get('adapter'))}"
        f" \\[{md(result.get('profile'))}\\] `{_code(result.get('id'))}`"
        f" ({md(result.get('level'))}): {md(failure_message(result))}"
    ]
    checks = [
        f"- {md(step_label(step, index))}: {md(failure.get('expectation'))}"
        f" expected {md(json_text(failure.get('expected')))},"
        f" actual {md(json_text(failure.get('actual')))}"
        for index, step in enumerate(steps_of(result), 1)
        for failure in expectation_failures(step)
    ]
    if checks:
        lines += ["", *checks]
    transcript = format_transcript(result, only_failing=True)
    if transcript and verdict != "xpass":
        # <pre> opens an HTML block that only ends at </pre>, so blank lines inside are safe;
        # the escaped text cannot contain a closing tag.
        body = html.escape("\n".join(transcript), quote=False)
        lines += [
            "",
            "<details><summary>transcript</summary>",
            "",
            f"<pre>{body}</pre>",
            "",
            "</details>",
        ]
    return "\n".join(lines)


def _code(value: object) -> str:
    """Text for an inline code span: backticks cannot be escaped there, so they are replaced."""
    return text(value, "?").replace("`", "'").replace("\n", " ")
