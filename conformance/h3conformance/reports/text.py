"""The terminal summary printed at the end of a run.

First the matrix (one block per adapter and profile, a row per level, a column per verdict),
then every red result with its expectation failures and the transcript of the step that failed,
decoded sessions included, so most failures can be understood without opening another file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Collection, Iterable
from typing import Any, Callable, Optional, TextIO

from ..results import VERDICTS
from ._model import (
    Matrix,
    build_matrix,
    failure_message,
    format_transcript,
    level_order,
    result_name,
    text,
    verdict_of,
)

Paint = Callable[[str, str], str]

_COLORS = {"pass": "32", "fail": "31", "error": "31", "xpass": "35", "xfail": "33", "skip": "90"}
# Control characters from the implementation under test (an ESC in a body, a CR in a header)
# could rewrite the terminal; they are shown as escapes instead.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(value: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def render_text(
    records: Iterable[object],
    *,
    color: bool = False,
    fail_on_levels: Optional[Collection[str]] = None,
    max_line: Optional[int] = 500,
) -> str:
    """The whole summary as one string.

    Every red result is listed; ``fail_on_levels`` (None: all) only decides which of them make
    the last line say FAILED, as ``run --fail-on`` does for the exit code. Transcript lines
    longer than ``max_line`` (None: no limit) lose their middle: a 4 kB token or body would
    bury the summary, and the HTML and JUnit reports keep every character.
    """
    matrix = build_matrix(records)
    paint = _painter(color)
    parts = [_matrix_table(matrix, paint)]
    if matrix.interop:
        parts.append(_interop_lines(matrix, paint))
    failures = matrix.failures
    if failures:
        parts.append(paint("fail", f"{len(failures)} failing result(s):"))
        parts += [_failure_block(result, paint, max_line) for result in failures]
    parts.append(_verdict_line(matrix, paint, fail_on_levels))
    return "\n\n".join(part for part in parts if part) + "\n"


def print_summary(
    records: Iterable[object],
    file: Optional[TextIO] = None,
    *,
    color: Optional[bool] = None,
    fail_on_levels: Optional[Collection[str]] = None,
    max_line: Optional[int] = 500,
) -> int:
    """Print the summary to ``file`` (stdout by default); return how many results are red.

    Red means fail, xpass or error at one of ``fail_on_levels`` (None: any level), plus failed
    interop pairs; a caller exits non-zero when this is not 0. Colour is on by default only
    for a terminal, and never when NO_COLOR is set.
    """
    out = sys.stdout if file is None else file
    if color is None:
        color = out.isatty() and not os.environ.get("NO_COLOR")
    records = list(records)
    out.write(render_text(records, color=color, fail_on_levels=fail_on_levels, max_line=max_line))
    out.flush()
    return build_matrix(records).red(fail_on_levels)


def _painter(color: bool) -> Paint:
    def paint(verdict: str, value: str) -> str:
        code = _COLORS.get(verdict)
        return f"\x1b[{code}m{value}\x1b[0m" if color and code else value

    return paint


def _matrix_table(matrix: Matrix, paint: Paint) -> str:
    if not matrix.columns:
        return "h3conformance: no results."
    header = ["adapter", "profile", "level", *VERDICTS]
    rows: list[list[str]] = []
    for column in matrix.columns:
        counts = matrix.counts[column]
        levels = counts.levels()
        named = [_safe(column.adapter), _safe(column.profile)]
        for level in levels:
            per_verdict = counts.by_level[level]
            rows.append([*named, _safe(level), *(str(per_verdict.get(v, 0)) for v in VERDICTS)])
            named = ["", ""]
        if len(levels) != 1:
            totals = counts.total()
            rows.append([*named, "all", *(str(totals[v]) for v in VERDICTS)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [_row(header, widths)]
    for row in rows:
        line = _row(row, widths)
        # Colour only non-zero counts of the verdict columns, after padding, to keep alignment.
        for i, verdict in enumerate(VERDICTS, 3):
            if row[i] != "0":
                line = _recolor(line, widths, i, verdict, paint)
        lines.append(line)
    return "\n".join(lines)


def _row(cells: list[str], widths: list[int]) -> str:
    left = [cell.ljust(width) for cell, width in zip(cells[:3], widths[:3])]
    right = [cell.rjust(width) for cell, width in zip(cells[3:], widths[3:])]
    return "  ".join(left + right).rstrip()


def _recolor(line: str, widths: list[int], index: int, verdict: str, paint: Paint) -> str:
    # Each verdict column is right-aligned; find it by counting widths from the right end.
    end = len(line) - sum(w + 2 for w in widths[index + 1 :])
    start = end - widths[index]
    cell = line[start:end]
    return line[:start] + paint(verdict, cell) + line[end:]


def _interop_lines(matrix: Matrix, paint: Paint) -> str:
    bad = matrix.interop_failures
    lines = [f"interop: {len(matrix.interop)} pair(s), {len(bad)} failing"]
    for record in bad:
        verdict = verdict_of(record)
        pair = _safe(
            f" [{text(record.get('profile'), '?')}] {text(record.get('writer'), '?')}"
            f" -> {text(record.get('reader'), '?')}: {text(record.get('message'))}"
        )
        lines.append("  " + paint(verdict, verdict.upper()) + _indent(pair, "    "))
    return "\n".join(lines)


def _failure_block(result: dict[str, Any], paint: Paint, max_line: Optional[int]) -> str:
    verdict = verdict_of(result)
    duration = result.get("duration_ms")
    timing = f" ({duration} ms)" if isinstance(duration, (int, float)) else ""
    head = f" {result_name(result)} [{text(result.get('level'), '?')}]{timing}"
    title = text(result.get("title"))
    lines = [title] if title else []
    lines.append(f"message: {failure_message(result)}")
    if verdict != "xpass":  # an unexpected pass has no failing step to show
        lines += format_transcript(result, only_failing=True)
    body = "\n".join(_elide(line, max_line) for line in lines)
    return paint(verdict, verdict.upper()) + _safe(head) + "\n" + _indent(_safe(body), "  ", True)


def _elide(line: str, limit: Optional[int]) -> str:
    if limit is None or len(line) <= limit:
        return line
    keep = max(limit - 60, 20)
    head, tail = keep * 2 // 3, keep // 3
    cut = len(line) - head - tail
    return f"{line[:head]} ...[{cut} characters cut; see report.html]... {line[-tail:]}"


def _indent(block: str, prefix: str, first: bool = False) -> str:
    """Indent the lines of ``block`` (all of them, or all but the first) by ``prefix``."""
    lines = block.split("\n")
    start = 0 if first else 1
    return "\n".join(line if n < start or not line else prefix + line for n, line in enumerate(lines))


def _verdict_line(matrix: Matrix, paint: Paint, fail_on_levels: Optional[Collection[str]]) -> str:
    totals = matrix.totals()
    counted = ", ".join(f"{totals[v]} {v}" for v in VERDICTS if totals[v]) or "no results"
    if fail_on_levels is not None:
        levels = "/".join(level_order(fail_on_levels))
        counted += f" (red counted at level {levels})"
    if matrix.red(fail_on_levels):
        return paint("fail", f"FAILED: {counted}")
    return paint("pass", f"OK: {counted}")
