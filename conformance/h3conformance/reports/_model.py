"""What every report needs from the results stream: columns, counts, cells, failures.

Reports are rendered from plain records (the JSON objects of the results stream described in
plan/INTERFACES.md). Anything record-like is accepted: a mapping, a dataclass instance, or an
object with ``to_dict()``. Records written by other implementations may lack fields, so every
lookup here has a default and no report ever raises on a missing key.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Optional

from ..results import BAD_VERDICTS, VERDICTS

LEVELS = ("must", "should", "info")
# When one cell holds several results (merged re-runs), the most alarming one is shown.
_SEVERITY = {"pass": 0, "skip": 1, "xfail": 2, "xpass": 3, "error": 4, "fail": 5}


def as_dict(record: object) -> dict[str, Any]:
    """Return a record as a plain dict, whatever record type the engine hands us."""
    if isinstance(record, Mapping):
        return dict(record)
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        data = dataclasses.asdict(record)
        return {"type": data.pop("type", None), **data}  # as the stream spells it: type first
    to_dict = getattr(record, "to_dict", None)
    if callable(to_dict):
        result = to_dict()
        if isinstance(result, Mapping):
            return dict(result)
    raise TypeError(f"not a results record: {type(record).__name__}")


def text(value: object, default: str = "") -> str:
    """A field as display text: None becomes ``default``, non-strings become JSON."""
    if value is None:
        return default
    if isinstance(value, str):
        return value
    return json_text(value)


def json_text(value: object) -> str:
    """Compact JSON for expected/actual values and decoded sessions (strings stay quoted)."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        return repr(value)


def verdict_of(result: Mapping[str, Any]) -> str:
    """The verdict of a result record; anything unknown counts as an error."""
    verdict = result.get("verdict")
    return verdict if isinstance(verdict, str) and verdict in VERDICTS else "error"


def worst(verdicts: Iterable[str]) -> Optional[str]:
    """The most alarming verdict of several, or None for none."""
    return max(verdicts, key=lambda v: _SEVERITY.get(v, 4), default=None)


def level_order(levels: Iterable[str]) -> list[str]:
    """Levels in reading order: must, should, info, then anything else alphabetically."""
    known = [level for level in LEVELS if level in levels]
    return known + sorted(set(levels) - set(LEVELS))


@dataclasses.dataclass(frozen=True)
class Column:
    """One adapter run under one profile: a column of the matrix."""

    adapter: str
    profile: str

    @property
    def label(self) -> str:
        return f"{self.adapter} [{self.profile}]"


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A matrix row: what the results say about one scenario id."""

    id: str
    title: str
    level: str
    theme: str


@dataclasses.dataclass
class Counts:
    """Verdict counts of one column, split by level."""

    by_level: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    def add(self, level: str, verdict: str) -> None:
        per_verdict = self.by_level.setdefault(level, dict.fromkeys(VERDICTS, 0))
        per_verdict[verdict] = per_verdict.get(verdict, 0) + 1

    def levels(self) -> list[str]:
        return level_order(self.by_level)

    def total(self) -> dict[str, int]:
        totals = dict.fromkeys(VERDICTS, 0)
        for per_verdict in self.by_level.values():
            for verdict, n in per_verdict.items():
                totals[verdict] = totals.get(verdict, 0) + n
        return totals


@dataclasses.dataclass
class Matrix:
    """The results stream folded into what the reports show."""

    columns: list[Column] = dataclasses.field(default_factory=list)
    runs: dict[Column, dict[str, Any]] = dataclasses.field(default_factory=dict)
    scenarios: list[Scenario] = dataclasses.field(default_factory=list)
    cells: dict[tuple[Column, str], list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    counts: dict[Column, Counts] = dataclasses.field(default_factory=dict)
    results: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    interop: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Results with a bad verdict, at any level, in stream order."""
        return [r for r in self.results if verdict_of(r) in BAD_VERDICTS]

    def red(self, levels: Optional[Collection[str]] = None) -> int:
        """How many results (at ``levels``; None: any) and interop pairs make the run red."""
        bad = [r for r in self.failures if levels is None or text(r.get("level")) in levels]
        return len(bad) + len(self.interop_failures)

    @property
    def interop_failures(self) -> list[dict[str, Any]]:
        return [r for r in self.interop if verdict_of(r) in BAD_VERDICTS]

    def cell(self, column: Column, scenario_id: str) -> list[dict[str, Any]]:
        return self.cells.get((column, scenario_id), [])

    def cell_verdict(self, column: Column, scenario_id: str) -> Optional[str]:
        return worst(verdict_of(r) for r in self.cell(column, scenario_id))

    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(VERDICTS, 0)
        for counts in self.counts.values():
            for verdict, n in counts.total().items():
                totals[verdict] += n
        return totals

    def _column(self, record: Mapping[str, Any]) -> Column:
        column = Column(text(record.get("adapter"), "?"), text(record.get("profile"), "?"))
        if column not in self.counts:
            self.columns.append(column)
            self.counts[column] = Counts()
        return column


def build_matrix(records: Iterable[object]) -> Matrix:
    """Fold a results stream into a Matrix; summary records are ignored (counts are recomputed)."""
    matrix = Matrix()
    seen: dict[str, Scenario] = {}
    for raw in records:
        record = as_dict(raw)
        kind = record.get("type")
        if kind == "run":
            matrix.runs[matrix._column(record)] = record
        elif kind == "result":
            column = matrix._column(record)
            scenario_id = text(record.get("id"), "?")
            level = text(record.get("level"), "?")
            if scenario_id not in seen:
                seen[scenario_id] = Scenario(scenario_id, text(record.get("title")), level, text(record.get("theme")))
                matrix.scenarios.append(seen[scenario_id])
            matrix.cells.setdefault((column, scenario_id), []).append(record)
            matrix.counts[column].add(level, verdict_of(record))
            matrix.results.append(record)
        elif kind == "interop":
            matrix.interop.append(record)
    return matrix


# -- transcripts ---------------------------------------------------------------------------------


def steps_of(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    transcript = result.get("transcript")
    if not isinstance(transcript, list):
        return []
    return [dict(step) for step in transcript if isinstance(step, Mapping)]


def failing_step_indexes(result: Mapping[str, Any]) -> list[int]:
    """0-based indexes of steps with failed expectations; for a crash, the last step reached."""
    steps = steps_of(result)
    failing = [i for i, step in enumerate(steps) if step.get("failures")]
    if failing or not steps:
        return failing
    return [len(steps) - 1]


def expectation_failures(step: Mapping[str, Any]) -> list[dict[str, Any]]:
    failures = step.get("failures")
    if not isinstance(failures, list):
        return []
    return [dict(f) for f in failures if isinstance(f, Mapping)]


def header_pairs(headers: object) -> list[tuple[str, str]]:
    """Headers as (name, value) pairs, from either a mapping or a list of pairs."""
    if isinstance(headers, Mapping):
        return [(text(k), text(v)) for k, v in headers.items()]
    pairs: list[tuple[str, str]] = []
    if isinstance(headers, list):
        for item in headers:
            if isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((text(item[0]), text(item[1])))
    return pairs


def step_label(step: Mapping[str, Any], index: int) -> str:
    """`step 2 (login)`. The engine writes {"step": 2, "name": "login"}; a stream may also carry
    just {"step": "login"} (the shape of plan/INTERFACES.md), so a non-number is a name."""
    number, name = step.get("step"), step.get("name")
    if not isinstance(number, int) or isinstance(number, bool):
        number, name = index, name if name is not None else number
    return f"step {number}" + (f" ({text(name)})" if name not in (None, "") else "")


def format_step(step: Mapping[str, Any], index: int, *, checks: bool = True) -> list[str]:
    """One exchange as plain text lines: failed checks, request, response, decoded sessions.

    Shared by the terminal, JUnit and HTML reports so a transcript reads the same everywhere.
    """
    lines = [step_label(step, index)]
    if checks:
        for failure in expectation_failures(step):
            lines += ["  " + line for line in format_check(failure)]
    request = step.get("request")
    if isinstance(request, Mapping):
        lines.append(f"> {text(request.get('method'), '?')} {text(request.get('path'), '?')}")
        lines += [f"> {name}: {value}" for name, value in header_pairs(request.get("headers"))]
        lines += _body_lines(">", request.get("body"))
    response = step.get("response")
    if isinstance(response, Mapping):
        lines.append(f"< {text(response.get('status'), '?')}")
        lines += [f"< {name}: {value}" for name, value in header_pairs(response.get("headers"))]
        lines += _body_lines("<", response.get("body"))
    else:
        lines.append("< (no response)")
    decoded = step.get("decoded")
    if isinstance(decoded, Mapping):
        lines += [f"decoded {text(name)}: {json_text(session)}" for name, session in decoded.items()]
    return lines


def format_check(failure: Mapping[str, Any]) -> list[str]:
    """One failed expectation: its name, then expected and actual values as JSON."""
    return [
        f"FAILED {text(failure.get('expectation'), '?')}",
        f"    expected: {json_text(failure.get('expected'))}",
        f"    actual:   {json_text(failure.get('actual'))}",
    ]


def _body_lines(prefix: str, body: object) -> list[str]:
    if body is None or body == "":
        return []
    return [prefix] + [f"{prefix} {line}" for line in text(body).splitlines()]


def format_transcript(result: Mapping[str, Any], *, only_failing: bool = False, checks: bool = True) -> list[str]:
    """The transcript of a result (or only its failing steps) as plain text lines."""
    steps = steps_of(result)
    chosen = set(failing_step_indexes(result)) if only_failing else set(range(len(steps)))
    lines: list[str] = []
    for index, step in enumerate(steps):
        if index in chosen:
            if lines:
                lines.append("")
            lines += format_step(step, index + 1, checks=checks)
    return lines


def result_name(result: Mapping[str, Any]) -> str:
    """`adapter [profile] scenario-id`, the way a failure is named in every report."""
    column = Column(text(result.get("adapter"), "?"), text(result.get("profile"), "?"))
    return f"{column.label} {text(result.get('id'), '?')}"


def failure_message(result: Mapping[str, Any]) -> str:
    """Why a result is red, in one line."""
    verdict = verdict_of(result)
    message = text(result.get("message"))
    if verdict == "xpass":
        reason = text(result.get("expected_failure"))
        return "unexpected pass" + (f" (expected to fail: {reason})" if reason else "")
    if message:
        return message
    return "error" if verdict == "error" else "failed"
