"""h3 v2's chunked cookies: ``name=__chunked__N`` plus ``name.1`` … ``name.N``.

A value longer than ``chunk_max_length`` (4000 by default, measured after
``encodeURIComponent``) is split; missing chunks or a non-numeric count read
as no cookie; stale chunks are deleted before the new value is set (row h3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Optional

from ..errors import CookieTooLargeError
from ._set_cookie import CookieAttributes, ResponseCookies
from ._uri import encode_uri_component

CHUNKED_PREFIX = "__chunked__"
DEFAULT_CHUNK_MAX_LENGTH = 4000
MAX_CHUNK_COUNT = 100
_LEADING_INT = re.compile(r"[ \t\n\r\v\f]*([+-]?[0-9]+)")


def chunk_name(name: str, number: int) -> str:
    return f"{name}.{number}"


def chunk_count(value: Optional[str]) -> Optional[int]:
    """The N of ``__chunked__N`` (``parseInt`` rules), or None where h3 gets NaN."""
    if not value or not value.startswith(CHUNKED_PREFIX):
        return None
    match = _LEADING_INT.match(value, len(CHUNKED_PREFIX))
    if not match:
        return None
    digits = match.group(1).lstrip("+-").lstrip("0")
    if len(digits) > len(str(MAX_CHUNK_COUNT)):
        return None  # out of range either way, and int() of thousands of digits is a ValueError
    count = int(match.group(1))
    return count if 0 <= count <= MAX_CHUNK_COUNT else None


def read_chunked(cookies: Mapping[str, str], name: str) -> Optional[str]:
    """The whole value of ``name``, reassembled from its chunks; None if any is missing (row h5, h6)."""
    main = cookies.get(name)
    if not main or not main.startswith(CHUNKED_PREFIX):
        return main
    count = chunk_count(main)
    if not count:
        return None
    chunks = []
    for number in range(1, count + 1):
        chunk = cookies.get(chunk_name(name, number))
        if not chunk:
            return None
        chunks.append(chunk)
    return "".join(chunks)


def split_value(value: str, max_length: int) -> list[str]:
    """Cut ``value`` into the fewest pieces whose URL-encoded length fits ``max_length``."""
    if value.isascii() and encode_uri_component(value) == value:
        return [value[i : i + max_length] for i in range(0, len(value), max_length)]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in value:
        width = len(encode_uri_component(char))
        if width > max_length:
            raise CookieTooLargeError(f"a single character does not fit in chunkMaxLength ({max_length}) once encoded")
        if size + width > max_length:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        chunks.append("".join(current))
    return chunks


def write_chunked(
    out: ResponseCookies,
    previous: Optional[str],
    name: str,
    value: str,
    attrs: CookieAttributes,
    max_length: int = DEFAULT_CHUNK_MAX_LENGTH,
) -> None:
    """Set ``name`` to ``value``, chunked when needed, deleting chunks the request still has."""
    chunks = split_value(value, max_length)
    if len(chunks) > MAX_CHUNK_COUNT:
        raise CookieTooLargeError(
            f'Cannot set chunked cookie "{name}": value needs more than {MAX_CHUNK_COUNT} chunks.'
        )
    new_count = len(chunks) if len(chunks) > 1 else 0
    for number in range(new_count + 1, (chunk_count(previous) or 0) + 1):
        out.delete(chunk_name(name, number), attrs, "v2")
    if len(chunks) <= 1:
        out.set(name, value, attrs, "v2")
        return
    out.set(name, f"{CHUNKED_PREFIX}{len(chunks)}", attrs, "v2")
    for number, chunk in enumerate(chunks, start=1):
        out.set(chunk_name(name, number), chunk, attrs, "v2")


def delete_chunked(out: ResponseCookies, previous: Optional[str], name: str, attrs: CookieAttributes) -> None:
    """Delete ``name`` and every chunk the request carried (row h4)."""
    out.delete(name, attrs, "v2")
    for number in range(1, (chunk_count(previous) or 0) + 1):
        out.delete(chunk_name(name, number), attrs, "v2")
