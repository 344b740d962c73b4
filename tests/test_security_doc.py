"""SECURITY.md points every testable claim at a test: each ``file::test`` it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `tests/test_x.py::test_name`, then `::test_other` meaning the same file.
REFERENCE = re.compile(r"`(tests/test_[a-z0-9_]+\.py)?::(test_[A-Za-z0-9_]+)`")
FILE = re.compile(r"`(tests/test_[a-z0-9_]+\.py)`")


def references(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    current = ""
    for match in REFERENCE.finditer(text):
        current = match.group(1) or current
        assert current, f"`::{match.group(2)}` follows no file"
        found.append((current, match.group(2)))
    return found


def test_every_test_security_md_names_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    named = references(text)
    assert len(named) >= 20, "SECURITY.md should point its claims at tests"
    missing = []
    for path, name in named:
        source = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).is_file() else ""
        if not re.search(rf"^(async )?def {name}\(", source, re.MULTILINE):
            missing.append(f"{path}::{name}")
    for match in FILE.finditer(text):
        if not (ROOT / match.group(1)).is_file():
            missing.append(match.group(1))
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"
