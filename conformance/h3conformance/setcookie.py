"""Set-Cookie lines parsed the lenient way browsers do (RFC 6265bis section 5.6), order kept."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Optional

__all__ = ["SetCookie", "parse_cookie_date", "parse_set_cookie"]

_MAX_AGE = re.compile(r"-?\d+")
_WS = " \t"
_DELIMITERS = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_TIME = re.compile(r"(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?")
_DAY = re.compile(r"(\d{1,2})(?:\D.*)?")
_YEAR = re.compile(r"(\d{2,4})(?:\D.*)?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_cookie_date(text: str) -> Optional[int]:
    """Epoch ms of an Expires value, read with RFC 6265 section 5.1.1 (what browsers do)."""
    clock = day = month = year = None
    for token in _DELIMITERS.split(text):
        if not token:
            continue
        if clock is None and (match := _TIME.fullmatch(token)):
            clock = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
        elif day is None and (match := _DAY.fullmatch(token)):
            day = int(match.group(1))
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS.index(token[:3].lower()) + 1
        elif year is None and (match := _YEAR.fullmatch(token)):
            year = int(match.group(1))
    if clock is None or day is None or month is None or year is None:
        return None
    year += 1900 if 70 <= year <= 99 else 2000 if year <= 69 else 0
    if year < 1601 or clock[0] > 23 or clock[1] > 59 or clock[2] > 59:
        return None
    try:
        moment = datetime.datetime(year, month, day, clock[0], clock[1], clock[2], tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class SetCookie:
    """One Set-Cookie line: name, value and attributes as sent, in order (flags have value None)."""

    raw: str
    name: str
    value: str
    attributes: tuple[tuple[str, Optional[str]], ...]

    def attribute(self, name: str) -> Optional[str]:
        """Value of the last attribute called `name` (case-insensitive); "" for a bare flag."""
        found = None
        for key, value in self.attributes:
            if key.lower() == name.lower():
                found = "" if value is None else value
        return found

    def has(self, name: str) -> bool:
        return self.attribute(name) is not None

    @property
    def attribute_names(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.attributes)

    @property
    def max_age(self) -> Optional[int]:
        """Seconds from the last well-formed Max-Age; malformed ones are ignored like browsers do."""
        found = None
        for key, value in self.attributes:
            if key.lower() == "max-age" and value is not None and _MAX_AGE.fullmatch(value):
                found = int(value)
        return found

    @property
    def expires_ms(self) -> Optional[int]:
        """Epoch ms of the last parseable Expires attribute."""
        found = None
        for key, value in self.attributes:
            if key.lower() == "expires" and value:
                parsed = parse_cookie_date(value)
                if parsed is not None:
                    found = parsed
        return found

    def expiry_ms(self, now_ms: int) -> Optional[int]:
        """When a browser would drop it: Max-Age wins over Expires; None for a session cookie."""
        max_age = self.max_age
        if max_age is not None:
            return now_ms + max_age * 1000 if max_age > 0 else -1
        return self.expires_ms

    def is_deletion(self, now_ms: int) -> bool:
        expiry = self.expiry_ms(now_ms)
        return expiry is not None and expiry <= now_ms


def parse_set_cookie(line: str) -> Optional[SetCookie]:
    """None when a browser would ignore the line (empty name and value)."""
    pair, *rest = line.split(";")
    if "=" in pair:
        name, value = pair.split("=", 1)
    else:
        name, value = "", pair
    name, value = name.strip(_WS), value.strip(_WS)
    if not name and not value:
        return None
    attributes = []
    for piece in rest:
        key, sep, raw_value = piece.partition("=")
        key = key.strip(_WS)
        if key:
            attributes.append((key, raw_value.strip(_WS) if sep else None))
    return SetCookie(line, name, value, tuple(attributes))
