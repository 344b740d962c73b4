"""The results stream: record types and their JSON-lines form (every report is rendered from it).

Per adapter x profile: one "run" record, one "result" record per scenario, one "summary" record.
The interop matrix adds one "interop" record per writer x reader pair (conformance/INTEROP.md).
Field-by-field description: plan/INTERFACES.md, "Results stream", and conformance/SCENARIOS.md.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Optional, Union

__all__ = [
    "BAD_VERDICTS",
    "VERDICTS",
    "Failure",
    "InteropRecord",
    "Record",
    "ResultRecord",
    "ResultsWriter",
    "RunRecord",
    "StepRecord",
    "StreamRecord",
    "SummaryRecord",
    "read_records",
    "record_from_dict",
    "summarize",
    "utc_now",
]

VERDICTS = ("pass", "fail", "xfail", "xpass", "error", "skip")
# Verdicts that count against an implementation (subject to its level and --fail-on).
BAD_VERDICTS = frozenset({"fail", "xpass", "error"})


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Failure:
    """One unmet expectation: a key path such as "cookies.h3.samesite", and both values."""

    expectation: str
    expected: Any
    actual: Any


@dataclass
class StepRecord:
    step: int  # 1-based
    name: Optional[str]
    request: dict[str, Any]  # {method, path, headers: [[k, v]], body}
    response: Optional[dict[str, Any]]  # {status, headers: [[k, v]], body}; None if none came
    decoded: dict[str, Any] = field(default_factory=dict)  # cookie name -> unsealed session
    failures: list[Failure] = field(default_factory=list)


@dataclass
class RunRecord:
    adapter: str
    kind: str
    profile: str
    kit_version: str
    scenario_set_version: str
    framework: dict[str, str] = field(default_factory=dict)
    python: str = ""
    started_at: str = field(default_factory=utc_now)
    type: str = "run"


@dataclass
class ResultRecord:
    adapter: str
    profile: str
    id: str
    title: str
    theme: str
    level: str
    verdict: str
    duration_ms: int = 0
    message: str = ""
    expected_failure: Optional[str] = None
    source: str = ""
    rows: list[str] = field(default_factory=list)
    transcript: list[StepRecord] = field(default_factory=list)
    type: str = "result"


@dataclass
class SummaryRecord:
    adapter: str
    profile: str
    counts: dict[str, int]  # verdict -> n, every verdict present
    by_level: dict[str, dict[str, int]]  # level -> verdict -> n
    finished_at: str = field(default_factory=utc_now)
    type: str = "summary"


@dataclass
class InteropRecord:
    """One cell of the interop matrix: a session written by `writer`, read by `reader`.

    `profile` is the reader's profile (the table the cell belongs to); `expect` is "reads",
    "upgrades" (a v1 cookie read by v2 through the legacy fallback) or "rejects" (a v2 cookie
    shown to v1). The verdict is pass when the reader did what `expect` says.
    """

    profile: str
    writer: str  # a label: the adapter name, plus " (v1)" when written under the other profile
    reader: str
    verdict: str
    message: str = ""
    expect: str = "reads"
    writer_adapter: str = ""
    writer_profile: str = ""
    reader_adapter: str = ""
    duration_ms: int = 0
    transcript: list[StepRecord] = field(default_factory=list)
    type: str = "interop"


Record = Union[RunRecord, ResultRecord, SummaryRecord]
# Anything a results stream may hold.
StreamRecord = Union[RunRecord, ResultRecord, SummaryRecord, InteropRecord]


def to_dict(record: StreamRecord) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    return {"type": data.pop("type"), **data}


def summarize(adapter: str, profile: str, results: Iterable[ResultRecord]) -> SummaryRecord:
    counts: Counter[str] = Counter()
    by_level: dict[str, Counter[str]] = {}
    for result in results:
        counts[result.verdict] += 1
        by_level.setdefault(result.level, Counter())[result.verdict] += 1
    return SummaryRecord(
        adapter,
        profile,
        {v: counts[v] for v in VERDICTS},
        {level: {v: c[v] for v in VERDICTS} for level, c in by_level.items()},
    )


def _step(data: dict[str, Any]) -> StepRecord:
    failures = [Failure(**f) for f in data.get("failures", [])]
    return StepRecord(**{**data, "failures": failures})


def record_from_dict(data: dict[str, Any]) -> StreamRecord:
    kind = data.get("type")
    fields = {k: v for k, v in data.items() if k != "type"}
    if kind == "run":
        return RunRecord(**fields)
    if kind == "result":
        return ResultRecord(**{**fields, "transcript": [_step(s) for s in fields.get("transcript", [])]})
    if kind == "summary":
        return SummaryRecord(**fields)
    if kind == "interop":
        return InteropRecord(**{**fields, "transcript": [_step(s) for s in fields.get("transcript", [])]})
    raise ValueError(f"unknown record type {kind!r}")


def read_records(path: Path) -> Iterator[StreamRecord]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield record_from_dict(json.loads(line))
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"{path}:{number}: not a results record: {exc}") from None


class ResultsWriter:
    """Appends records as JSON lines, flushed one by one so a crash keeps what was written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, record: StreamRecord) -> None:
        self._file.write(json.dumps(to_dict(record), ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
