"""JavaScript's ``encodeURIComponent``/``decodeURIComponent``, which h3's cookie code calls."""

from __future__ import annotations

import re
from urllib.parse import quote

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
#: What encodeURIComponent leaves alone; every iron token is made of these alone.
_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.!~*'()]*")


def encode_uri_component(text: str) -> str:
    """Percent-encode all but ``A-Z a-z 0-9 - _ . ! ~ * ' ( )``; a lone surrogate is an error, as in JS."""
    if _UNRESERVED.fullmatch(text):  # the common case (a sealed token), without quote()'s per-byte work
        return text
    return quote(text.encode("utf-8"), safe="!~*'()")


def decode_uri_component(text: str) -> str:
    """Decode ``%XX`` runs as UTF-8; raise ``ValueError`` where JavaScript throws ``URIError``."""
    if "%" not in text:
        return text
    if _BAD_ESCAPE.search(text):
        raise ValueError("malformed percent-escape")

    def run(match: re.Match[str]) -> str:
        return bytes.fromhex(match.group().replace("%", "")).decode("utf-8")

    return _ESCAPES.sub(run, text)


def try_decode(text: str) -> str:
    """h3's cookie decoding: decode if possible, else keep the raw value (h3-behavior item 13)."""
    try:
        return decode_uri_component(text)
    except ValueError:
        return text
