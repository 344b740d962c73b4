"""Typed reads from parsed TOML that record precise problems instead of raising one at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

__all__ = ["Problem", "Reader", "ScenarioFormatError", "key_path"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_path(base: str, key: str | int) -> str:
    """Join a key path the way TOML spells it: step[2].cookies."h3.1"."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    part = key if _BARE_KEY.fullmatch(key) else '"' + key.replace('"', '\\"') + '"'
    return f"{base}.{part}" if base else part


@dataclass(frozen=True)
class Problem:
    file: str
    scenario: Optional[str]
    key: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.scenario:
            where.append(f"scenario {self.scenario!r}")
        if self.key:
            where.append(self.key)
        return ": ".join([*where, self.message])


class ScenarioFormatError(ValueError):
    """One or more scenario files break the format; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Reader:
    file: str
    scenario: Optional[str] = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        found = Problem(self.file, self.scenario, path, message)
        if found not in self.problems:
            self.problems.append(found)

    def for_scenario(self, scenario_id: Optional[str]) -> Reader:
        return Reader(self.file, scenario_id, self.problems)

    def table(self, value: Any, path: str) -> Optional[dict[str, Any]]:
        if isinstance(value, dict):
            return value
        self.problem(path, f"expected a table, got {describe(value)}")
        return None

    def keys(
        self,
        table: dict[str, Any],
        path: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> bool:
        """Record unknown and missing keys; True when the table is clean."""
        clean = True
        for key in table:
            if key not in allowed:
                self.problem(key_path(path, key), f"unknown key (allowed here: {', '.join(allowed)})")
                clean = False
        for key in required:
            if key not in table:
                self.problem(key_path(path, key) if path else key, "required key is missing")
                clean = False
        return clean

    def string(self, value: Any, path: str, *, empty: bool = True) -> Optional[str]:
        if not isinstance(value, str):
            self.problem(path, f"expected a string, got {describe(value)}")
            return None
        if not empty and not value.strip():
            self.problem(path, "must not be empty")
            return None
        return value

    def boolean(self, value: Any, path: str) -> Optional[bool]:
        if not isinstance(value, bool):
            self.problem(path, f"expected true or false, got {describe(value)}")
            return None
        return value

    def integer(self, value: Any, path: str, minimum: Optional[int] = None) -> Optional[int]:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"expected an integer, got {describe(value)}")
            return None
        number = int(value)
        if minimum is not None and number < minimum:
            self.problem(path, f"must be >= {minimum}, got {number}")
            return None
        return number

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> Optional[str]:
        if isinstance(value, str) and value in choices:
            return value
        self.problem(path, f"expected one of {', '.join(map(repr, choices))}, got {describe(value)}")
        return None

    def strings(self, value: Any, path: str, *, non_empty: bool = False) -> Optional[tuple[str, ...]]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(path, f"expected an array of strings, got {describe(value)}")
            return None
        if non_empty and not value:
            self.problem(path, "must not be empty")
            return None
        return tuple(value)


def describe(value: Any) -> str:
    """Name a TOML value's type for an error message, with the value when short."""
    kinds = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}
    kind = kinds.get(type(value), type(value).__name__)
    text = repr(value)
    return f"{kind} {text}" if len(text) <= 40 else kind
