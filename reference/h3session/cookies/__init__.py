"""Cookies as h3 reads and writes them: request parsing, Set-Cookie lines, v2 chunks.

Knows nothing of sessions; the engine composes these pieces.
"""

from __future__ import annotations

from ._chunks import (
    CHUNKED_PREFIX,
    DEFAULT_CHUNK_MAX_LENGTH,
    MAX_CHUNK_COUNT,
    chunk_count,
    chunk_name,
    delete_chunked,
    read_chunked,
    split_value,
    write_chunked,
)
from ._parse import parse_cookie_header
from ._set_cookie import (
    MAX_AGE_LIMIT,
    CookieAttributes,
    PendingCookie,
    ResponseCookies,
    dedupe_key,
    http_date,
    serialize,
)
from ._uri import decode_uri_component, encode_uri_component, try_decode

__all__ = [
    "CHUNKED_PREFIX",
    "DEFAULT_CHUNK_MAX_LENGTH",
    "MAX_AGE_LIMIT",
    "MAX_CHUNK_COUNT",
    "CookieAttributes",
    "PendingCookie",
    "ResponseCookies",
    "chunk_count",
    "chunk_name",
    "decode_uri_component",
    "dedupe_key",
    "delete_chunked",
    "encode_uri_component",
    "http_date",
    "parse_cookie_header",
    "read_chunked",
    "serialize",
    "split_value",
    "try_decode",
    "write_chunked",
]
