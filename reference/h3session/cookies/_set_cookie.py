"""``Set-Cookie`` lines spelled exactly as h3 spells them, and the response's list of them.

Attribute order differs by version (h3-behavior item 10):
v1 (cookie-es 1.x) ``Max-Age; Domain; Path; Expires; HttpOnly; Secure; Priority; SameSite; Partitioned``,
v2 ``Max-Age; Domain; Path; Expires; HttpOnly; Secure; Partitioned; Priority; SameSite``.
Setting a cookie twice for the same name, domain and path keeps only the last
one, moved to the end, as both versions do (row b).
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from dataclasses import dataclass
from typing import Optional, Union

from ..errors import CookieError
from ._uri import encode_uri_component

SameSite = Union[str, bool, None]

#: v2 caps Max-Age at 400 days, as browsers do.
MAX_AGE_LIMIT = 34_560_000
_FIELD_CONTENT = re.compile(r"[\t\u0020-\u007e\u0080-\u00ff]+")
_V2_NAME = re.compile(r"[\u0021-\u003a\u003c\u003e-\u007e]+")
_V2_VALUE = re.compile(r"[\u0021-\u003a\u003c-\u007e]*")
_V2_DOMAIN = re.compile(
    r"[.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*", re.IGNORECASE
)
_V2_PATH = re.compile(r"[\u0020-\u003a\u003c-\u007e]*")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class CookieAttributes:
    """The attributes of one Set-Cookie line (``expires_ms`` is epoch milliseconds)."""

    path: Optional[str] = None
    domain: Optional[str] = None
    expires_ms: Optional[int] = None
    max_age: Optional[float] = None
    http_only: bool = False
    secure: bool = False
    same_site: SameSite = None
    partitioned: bool = False
    priority: Optional[str] = None


def http_date(epoch_ms: int) -> str:
    """``Date.prototype.toUTCString``: IMF-fixdate in GMT, milliseconds dropped (row f1)."""
    t = time.gmtime(math.floor(epoch_ms / 1000))
    day = f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d}"
    return f"{day} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"


def _same_site(value: SameSite) -> Optional[str]:
    if value is None or value is False:
        return None
    lowered = value if value is True else str(value).lower()
    names = {True: "Strict", "strict": "Strict", "lax": "Lax", "none": "None"}
    if lowered not in names:
        raise CookieError(f"option sameSite is invalid: {value!r}")
    return names[lowered]


def _priority(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    names = {"low": "Low", "medium": "Medium", "high": "High"}
    lowered = value.lower() if isinstance(value, str) else None
    if lowered not in names:
        raise CookieError(f"option priority is invalid: {value!r}")
    return names[lowered]


def serialize(name: str, value: str, attrs: CookieAttributes, profile: str = "v2") -> str:
    """One Set-Cookie header value, in ``profile``'s attribute order and validation."""
    encoded = encode_uri_component(value) if value else ""
    same_site = _same_site(attrs.same_site)
    priority = _priority(attrs.priority)
    if profile == "v1":
        _check_v1(name, encoded, attrs)
    else:
        _check_v2(name, encoded, attrs, same_site)
    parts = [f"{name}={encoded}"]
    if attrs.max_age is not None:
        max_age = math.floor(attrs.max_age)
        if profile != "v1":
            max_age = max(0, min(max_age, MAX_AGE_LIMIT))
        parts.append(f"Max-Age={max_age}")
    if attrs.domain:
        parts.append(f"Domain={attrs.domain}")
    if attrs.path:
        parts.append(f"Path={attrs.path}")
    if attrs.expires_ms is not None:
        parts.append(f"Expires={http_date(attrs.expires_ms)}")
    if attrs.http_only:
        parts.append("HttpOnly")
    if attrs.secure:
        parts.append("Secure")
    if profile == "v1":
        _append(parts, priority and f"Priority={priority}", same_site and f"SameSite={same_site}")
        _append(parts, attrs.partitioned and "Partitioned")
    else:
        _append(parts, attrs.partitioned and "Partitioned")
        _append(parts, priority and f"Priority={priority}", same_site and f"SameSite={same_site}")
    return "; ".join(parts)


def _append(parts: list[str], *items: object) -> None:
    parts.extend(item for item in items if isinstance(item, str) and item)


def _check_v1(name: str, encoded: str, attrs: CookieAttributes) -> None:
    if not _FIELD_CONTENT.fullmatch(name):
        raise CookieError("argument name is invalid")
    for label, text in (("domain", attrs.domain), ("path", attrs.path)):
        if text and not _FIELD_CONTENT.fullmatch(text):
            raise CookieError(f"option {label} is invalid")
    if attrs.max_age is not None and not math.isfinite(attrs.max_age):
        raise CookieError("option maxAge is invalid")


def _check_v2(name: str, encoded: str, attrs: CookieAttributes, same_site: Optional[str]) -> None:
    if not _V2_NAME.fullmatch(name):
        raise CookieError(f"argument name is invalid: {name}")
    if not _V2_VALUE.fullmatch(encoded):
        raise CookieError("argument val is invalid")
    lowered = name.lower()
    if not attrs.secure:
        if attrs.partitioned:
            raise CookieError("Partitioned cookies must have the Secure attribute")
        if same_site == "None":
            raise CookieError("SameSite=None cookies must have the Secure attribute")
        if lowered.startswith(("__secure-", "__host-")):
            raise CookieError(f"{name} cookies must have the Secure attribute")
    if lowered.startswith("__host-") and (attrs.path != "/" or attrs.domain):
        raise CookieError("__Host- cookies must have Path=/ and no Domain attribute")
    if attrs.max_age is not None and (not math.isfinite(attrs.max_age) or attrs.max_age != int(attrs.max_age)):
        raise CookieError(f"option maxAge is invalid: {attrs.max_age}")
    if attrs.domain and not _V2_DOMAIN.fullmatch(attrs.domain):
        raise CookieError(f"option domain is invalid: {attrs.domain}")
    if attrs.path and not _V2_PATH.fullmatch(attrs.path):
        raise CookieError(f"option path is invalid: {attrs.path}")


def dedupe_key(name: str, attrs: CookieAttributes, profile: str) -> tuple[str, ...]:
    """What makes two Set-Cookie lines "the same cookie" to h3 (row b)."""
    path = attrs.path or "/"
    if profile == "v1":
        return (name, attrs.domain or "", path)
    domain = (attrs.domain or "").lower()
    domain = domain[1:] if domain.startswith(".") else domain
    return (name, domain, path, "1" if attrs.partitioned else "0")


@dataclass(frozen=True)
class PendingCookie:
    name: str
    value: str
    attrs: CookieAttributes
    profile: str
    line: str


class ResponseCookies:
    """The Set-Cookie lines a response will carry, with h3's replace-by-key semantics."""

    def __init__(self) -> None:
        self._pending: list[PendingCookie] = []

    def set(self, name: str, value: str, attrs: CookieAttributes, profile: str = "v2") -> None:
        attrs = attrs if attrs.path else _with_path(attrs)
        line = serialize(name, value, attrs, profile)
        key = dedupe_key(name, attrs, profile)
        self._pending = [p for p in self._pending if dedupe_key(p.name, p.attrs, profile) != key]
        self._pending.append(PendingCookie(name, value, attrs, profile, line))

    def delete(self, name: str, attrs: CookieAttributes, profile: str = "v2") -> None:
        """h3's ``deleteCookie``: an empty value with ``Max-Age=0``."""
        self.set(name, "", _replace(attrs, max_age=0), profile)

    def snapshot(self) -> list[PendingCookie]:
        return list(self._pending)

    def restore(self, snapshot: list[PendingCookie]) -> None:
        self._pending = list(snapshot)

    def lines(self) -> list[str]:
        return [p.line for p in self._pending]

    def names(self) -> list[str]:
        return [p.name for p in self._pending]

    def __len__(self) -> int:
        return len(self._pending)


def _with_path(attrs: CookieAttributes) -> CookieAttributes:
    return _replace(attrs, path="/")


def _replace(attrs: CookieAttributes, **changes: object) -> CookieAttributes:
    return dataclasses.replace(attrs, **changes)  # type: ignore[arg-type]
