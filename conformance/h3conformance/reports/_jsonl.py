"""Read and write the results stream (JSON lines) as plain dicts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Union

from ._model import as_dict

PathLike = Union[str, "os.PathLike[str]"]


def read_results(source: PathLike | Iterable[str]) -> Iterator[dict[str, Any]]:
    """Yield the records of a results stream, from a file path or from lines of text.

    Blank lines are skipped; a line that is not a JSON object raises ValueError naming its
    place, because a silently dropped record would hide a result from every report.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        with path.open(encoding="utf-8") as lines:
            yield from _parse(lines, str(path))
    else:
        yield from _parse(source, "<lines>")


def _parse(lines: Iterable[str], origin: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{origin}:{number}: not JSON: {exc}") from None
        if not isinstance(record, dict):
            raise ValueError(f"{origin}:{number}: a record must be a JSON object")
        yield record


def dump_record(record: object) -> str:
    """One record as one JSON line (no trailing newline)."""
    return json.dumps(as_dict(record), ensure_ascii=False, separators=(",", ":"))


def write_results(records: Iterable[object], path: PathLike) -> Path:
    """Write records as JSON lines to ``path`` and return it."""
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(dump_record(record) + "\n")
    return target
