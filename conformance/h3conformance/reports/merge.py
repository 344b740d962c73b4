"""Merge results streams, and write every report of a stream into one directory.

CI runs adapters in separate jobs; each uploads its JSONL. Merging is lossless: every record
of every file is kept, in file order (files of a directory sorted by relative path), so the
merged stream can be merged again. Summary records are kept too; reports ignore them and
recount.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._jsonl import PathLike, read_results, write_results
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown

REPORT_FILES = {
    "results": "results.jsonl",
    "junit": "junit.xml",
    "markdown": "report.md",
    "html": "report.html",
}


def result_files(sources: Iterable[PathLike], *, exclude: Iterable[PathLike] = ()) -> list[Path]:
    """The JSONL files named by ``sources``: files as given, directories searched recursively.

    Files found in a directory that are in ``exclude`` are left out; a report directory inside
    the merged one would otherwise feed its own merged results.jsonl back in.
    """
    skip = {Path(p).resolve() for p in exclude}
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(path.rglob("*.jsonl"), key=lambda p: p.relative_to(path).as_posix())
            files += [p for p in found if p.is_file() and p.resolve() not in skip]
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no results file or directory: {path}")
    return files


def merge_results(sources: Iterable[PathLike], *, exclude: Iterable[PathLike] = ()) -> list[dict[str, Any]]:
    """Every record of every results file under ``sources``, as one stream."""
    records: list[dict[str, Any]] = []
    for path in result_files(sources, exclude=exclude):
        records.extend(read_results(path))
    return records


def write_report_dir(records: Iterable[object], directory: PathLike) -> dict[str, Path]:
    """Write results.jsonl, junit.xml, report.md and report.html into ``directory``.

    The directory is created if needed. Returns the written paths by kind
    ("results", "junit", "markdown", "html").
    """
    records = list(records)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = {kind: target / name for kind, name in REPORT_FILES.items()}
    write_results(records, paths["results"])
    rendered = {
        "junit": render_junit(records),
        "markdown": render_markdown(records),
        "html": render_html(records),
    }
    for kind, content in rendered.items():
        paths[kind].write_text(content, encoding="utf-8")
    return paths


def render_all(records: Iterable[object], report_dir: PathLike) -> dict[str, Path]:
    """What ``h3conformance run --report-dir`` calls: every report of ``records`` into a dir."""
    return write_report_dir(records, report_dir)
