"""Reports of the conformance kit, all rendered from the results stream (JSON lines).

Read a stream with ``read_results(path)`` or several with ``merge_results([file_or_dir, ...])``;
``print_summary(records)`` prints the terminal summary and returns how many results are red;
``render_all(records, directory)`` writes results.jsonl, junit.xml, report.md and report.html.
"""

from __future__ import annotations

from ._jsonl import read_results, write_results
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .merge import REPORT_FILES, merge_results, render_all, result_files, write_report_dir
from .text import print_summary, render_text

__all__ = [
    "REPORT_FILES",
    "merge_results",
    "print_summary",
    "read_results",
    "render_all",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_text",
    "result_files",
    "write_report_dir",
    "write_results",
]
