"""Durations ("500ms", "7d") and times relative to now ("now-8d"); absolute dates are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["UNIT_MS", "RelativeTime", "TimeSpecError", "parse_duration", "parse_relative"]

UNIT_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}

_DURATION = re.compile(r"(\d+)(ms|s|m|h|d)")
_RELATIVE = re.compile(r"([A-Za-z]+)(?:([+-])(\d+(?:ms|s|m|h|d)))?")


class TimeSpecError(ValueError):
    """A duration or relative time that does not follow the scenario grammar."""


def parse_duration(text: str) -> int:
    """Return milliseconds for "500ms", "2s", "10m", "1h" or "7d"."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise TimeSpecError(f"bad duration {text!r}: want an integer and a unit, e.g. '500ms', '2s', '10m', '1h', '7d'")
    return int(match.group(1)) * UNIT_MS[match.group(2)]


@dataclass(frozen=True)
class RelativeTime:
    """`anchor` shifted by `offset_ms`: "createdAt+7d" is RelativeTime("createdAt", 604800000)."""

    anchor: str
    offset_ms: int = 0

    def at(self, anchor_ms: int) -> int:
        return anchor_ms + self.offset_ms


def parse_relative(text: str, anchors: tuple[str, ...] = ("now",)) -> RelativeTime:
    """Parse "now", "now-8d", "createdAt+7d", ... where the anchor must be one of `anchors`."""
    match = _RELATIVE.fullmatch(text)
    if match is None or match.group(1) not in anchors:
        names = " or ".join(repr(a) for a in anchors)
        raise TimeSpecError(
            f"bad time {text!r}: want {names}, optionally followed by +DURATION or -DURATION "
            "(absolute dates are not allowed)"
        )
    anchor, sign, duration = match.groups()
    offset = parse_duration(duration) if duration else 0
    return RelativeTime(anchor, -offset if sign == "-" else offset)
