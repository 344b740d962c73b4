"""JUnit XML, the format CI servers already know how to show.

One <testsuite> per adapter and profile, one <testcase> per scenario id. Expected failures are
reported as skipped with their reason, so a known h3 bug neither fails the build nor hides;
an unexpected pass is a failure, as with pytest's strict xfail.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from ..results import BAD_VERDICTS
from ._model import (
    Column,
    Matrix,
    build_matrix,
    failure_message,
    format_transcript,
    text,
    verdict_of,
)

# XML 1.0 cannot carry these code points at all, not even as character references; a response
# body with a NUL in it must still give a file every JUnit reader can parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """Text safe for XML 1.0: forbidden characters become visible \\xNN / \\uNNNN escapes."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _NOT_XML.sub(escape, value)


def render_junit(records: Iterable[object]) -> str:
    """The JUnit XML document for a results stream, as text with an XML declaration."""
    matrix = build_matrix(records)
    root = ET.Element("testsuites", {"name": "h3conformance"})
    for column in matrix.columns:
        root.append(_suite(matrix, column))
    if matrix.interop:
        root.append(_interop_suite(matrix))
    _sum_attributes(root, list(root))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _element(tag: str, attributes: Mapping[str, str], body: str = "") -> ET.Element:
    element = ET.Element(tag, {k: clean(v) for k, v in attributes.items()})
    if body:
        element.text = clean(body)
    return element


def _suite(matrix: Matrix, column: Column) -> ET.Element:
    suite = _element("testsuite", {"name": column.label})
    run = matrix.runs.get(column)
    if run is not None:
        properties = ET.SubElement(suite, "properties")
        for key, value in run.items():
            if key != "type" and value is not None:
                properties.append(_element("property", {"name": key, "value": text(value)}))
        if run.get("started_at") is not None:
            suite.set("timestamp", clean(text(run.get("started_at"))))
    cases = [_case(column, result) for result in matrix.results if _in(column, result)]
    suite.extend(cases)
    _sum_attributes(suite, cases)
    return suite


def _in(column: Column, result: Mapping[str, Any]) -> bool:
    return (text(result.get("adapter"), "?"), text(result.get("profile"), "?")) == (
        column.adapter,
        column.profile,
    )


def _case(column: Column, result: Mapping[str, Any]) -> ET.Element:
    duration = result.get("duration_ms")
    seconds = duration / 1000 if isinstance(duration, (int, float)) else 0.0
    case = _element(
        "testcase",
        {
            "classname": f"{column.adapter}.{column.profile}.{text(result.get('theme'), '?')}",
            "name": text(result.get("id"), "?"),
            "time": f"{seconds:.3f}",
        },
    )
    verdict = verdict_of(result)
    if verdict in BAD_VERDICTS:
        tag = "error" if verdict == "error" else "failure"
        details = _details(result)
        case.append(_element(tag, {"message": failure_message(result), "type": verdict}, details))
    elif verdict == "xfail":
        reason = text(result.get("expected_failure")) or text(result.get("message"))
        case.append(_element("skipped", {"message": f"expected failure: {reason}"}))
    elif verdict == "skip":
        case.append(_element("skipped", {"message": text(result.get("message"), "skipped")}))
    return case


def _details(result: Mapping[str, Any]) -> str:
    head = [
        f"{text(result.get('id'), '?')} [{text(result.get('level'), '?')}] {text(result.get('title'))}".rstrip(),
        failure_message(result),
    ]
    return "\n".join([*head, "", *format_transcript(result)]) + "\n"


def _interop_suite(matrix: Matrix) -> ET.Element:
    suite = _element("testsuite", {"name": "interop"})
    cases = []
    for record in matrix.interop:
        profile = text(record.get("profile"), "?")
        writer, reader = text(record.get("writer"), "?"), text(record.get("reader"), "?")
        case = _element("testcase", {"classname": f"interop.{profile}", "name": f"{writer} -> {reader}"})
        verdict = verdict_of(record)
        message = text(record.get("message"))
        if verdict in BAD_VERDICTS:
            tag = "error" if verdict == "error" else "failure"
            case.append(_element(tag, {"message": message or verdict, "type": verdict}, message))
        elif verdict in ("xfail", "skip"):
            case.append(_element("skipped", {"message": message or verdict}))
        cases.append(case)
    suite.extend(cases)
    _sum_attributes(suite, cases)
    return suite


def _sum_attributes(element: ET.Element, children: list[ET.Element]) -> None:
    """Set tests/failures/errors/skipped/time from testcases, or from child suites."""
    if element.tag == "testsuites":
        totals = {k: sum(int(c.get(k, "0")) for c in children) for k in _COUNTED}
        time = sum(float(c.get("time", "0")) for c in children)
    else:
        totals = {
            "tests": len(children),
            "failures": sum(1 for c in children if c.find("failure") is not None),
            "errors": sum(1 for c in children if c.find("error") is not None),
            "skipped": sum(1 for c in children if c.find("skipped") is not None),
        }
        time = sum(float(c.get("time", "0")) for c in children)
    for key, value in totals.items():
        element.set(key, str(value))
    element.set("time", f"{time:.3f}")


_COUNTED = ("tests", "failures", "errors", "skipped")
