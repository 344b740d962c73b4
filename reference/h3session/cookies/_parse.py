"""The ``Cookie`` request header, read the way each h3 version reads it.

Both keep the first occurrence of a name and decode ``%XX`` escapes when they
can (rows j1, j3, j5).  v1 (cookie-es 1.x) trims all whitespace and strips a
leading double quote pair; v2 trims only spaces and tabs and keeps quotes (j2).
"""

from __future__ import annotations

from ._uri import try_decode

# What String.prototype.trim removes (cookie-es 1.x trims with it).
_JS_WHITESPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def parse_cookie_header(header: str, profile: str = "v2") -> dict[str, str]:
    """Name → value for a ``Cookie`` header, as h3 ``profile`` would parse it."""
    return _parse_v1(header) if profile == "v1" else _parse_v2(header)


def _parse_v1(text: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    index = 0
    length = len(text)
    while index < length:
        eq = text.find("=", index)
        if eq == -1:
            break
        end = text.find(";", index)
        if end == -1:
            end = length
        elif end < eq:
            index = text.rfind(";", 0, eq) + 1
            continue
        key = text[index:eq].strip(_JS_WHITESPACE)
        if key not in cookies:
            value = text[eq + 1 : end].strip(_JS_WHITESPACE)
            if value.startswith('"'):
                value = value[1:-1]
            cookies[key] = try_decode(value)
        index = end + 1
    return cookies


def _parse_v2(text: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    length = len(text)
    if length < 2:
        return cookies
    index = 0
    while index < length:
        eq = text.find("=", index)
        if eq == -1:
            break
        end = text.find(";", index)
        if end == -1:
            end = length
        if eq > end:
            index = text.rfind(";", 0, eq) + 1
            continue
        key = text[index:eq].strip(" \t")
        if key not in cookies:
            cookies[key] = try_decode(text[eq + 1 : end].strip(" \t"))
        index = end + 1
    return cookies
