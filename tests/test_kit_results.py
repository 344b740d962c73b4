"""The results stream: records round-trip through JSON lines, field for field."""

from __future__ import annotations

import json
from pathlib import Path

from h3conformance.results import (
    Failure,
    Record,
    ResultRecord,
    ResultsWriter,
    RunRecord,
    StepRecord,
    read_records,
    summarize,
)


def test_records_round_trip_through_json_lines(tmp_path: Path) -> None:
    step = StepRecord(
        1,
        "first",
        {"method": "GET", "path": "/", "headers": [["cookie", "h3=x"]], "body": ""},
        {"status": 200, "headers": [["set-cookie", "h3=y"]], "body": "ok"},
        {"h3": {"id": "a"}},
        [Failure("status", 200, 500)],
    )
    result = ResultRecord("wsgi", "v2", "counter.x", "t", "counter", "must", "fail", 3, "m", None, "s", ["a1"], [step])
    records: list[Record] = [
        RunRecord("wsgi", "wsgi", "v2", "0.1.0", "1.abc"),
        result,
        summarize("wsgi", "v2", [result]),
    ]
    path = tmp_path / "results.jsonl"
    with ResultsWriter(path) as writer:
        for record in records:
            writer.write(record)
    assert list(read_records(path)) == records
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["type"] for line in lines] == ["run", "result", "summary"]
    assert list(lines[1])[:2] == ["type", "adapter"]
    assert lines[1]["transcript"][0]["failures"] == [{"expectation": "status", "expected": 200, "actual": 500}]
    assert lines[2]["counts"]["fail"] == 1
    assert lines[2]["by_level"] == {
        "must": {**dict.fromkeys(["pass", "fail", "xfail", "xpass", "error", "skip"], 0), "fail": 1}
    }
