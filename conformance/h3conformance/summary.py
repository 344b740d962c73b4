"""The terminal summary (adapter x profile verdict counts) and the exit code of a run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TextIO

from .results import BAD_VERDICTS, VERDICTS, Record, ResultRecord

__all__ = ["FAIL_ON_LEVELS", "PROGRESS", "counts_table", "failure_lines", "is_red", "red_results"]

# --fail-on must: only must scenarios can fail the run; should: must and should. info never does.
FAIL_ON_LEVELS = {"must": ("must",), "should": ("must", "should")}
PROGRESS = {"pass": ".", "fail": "F", "xfail": "x", "xpass": "X", "error": "E", "skip": "s"}


def is_red(result: ResultRecord, fail_on: str) -> bool:
    return result.verdict in BAD_VERDICTS and result.level in FAIL_ON_LEVELS[fail_on]


def red_results(records: Iterable[Record], fail_on: str) -> list[ResultRecord]:
    return [r for r in records if isinstance(r, ResultRecord) and is_red(r, fail_on)]


def failure_lines(records: Iterable[Record]) -> list[str]:
    """One line per fail, xpass or error, any level (expected failures are only counted)."""
    lines = []
    for r in records:
        if isinstance(r, ResultRecord) and r.verdict in BAD_VERDICTS:
            lines.append(f"{r.verdict.upper():5} {r.level:6} {r.adapter} [{r.profile}] {r.id}: {r.message}")
    return lines


def counts_table(records: Sequence[Record]) -> str:
    """Rows adapter x profile, columns verdicts; must failures shown apart."""
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for r in records:
        if isinstance(r, ResultRecord):
            row = rows.setdefault((r.adapter, r.profile), dict.fromkeys([*VERDICTS, "must-red"], 0))
            row[r.verdict] += 1
            row["must-red"] += is_red(r, "must")
    if not rows:
        return "no scenario ran"
    head = ["adapter", "profile", *VERDICTS, "must-red"]
    body = [[a, p, *(str(c[v]) for v in [*VERDICTS, "must-red"])] for (a, p), c in rows.items()]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]

    def fmt(line: list[str]) -> str:
        return "  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))

    return "\n".join([fmt(head), *(fmt(line) for line in body)])


def print_progress(result: ResultRecord, out: TextIO) -> None:
    out.write(PROGRESS.get(result.verdict, "?"))
    out.flush()
