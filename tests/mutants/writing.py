"""Mutants that write the wrong Set-Cookie lines (h3-behavior a1, c1, h1-h5, s4.6, s4.10, s4.12)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from h3session import SessionConfig, engine
from h3session.cookies import CookieAttributes, ResponseCookies
from h3session.cookies._chunks import DEFAULT_CHUNK_MAX_LENGTH

from ._mutant import Mutant, Patch, cookie_default, option

WriteChunked = Callable[..., None]


def _forget_only(original: Callable[..., None]) -> Callable[..., None]:
    def clear_session(ctx: engine.SessionContext, config: SessionConfig) -> None:
        ctx.sessions.pop(config.name, None)  # the bug: no clearing Set-Cookie

    return clear_session


def _never_chunk(original: WriteChunked) -> WriteChunked:
    def write_chunked(
        out: ResponseCookies,
        previous: Optional[str],
        name: str,
        value: str,
        attrs: CookieAttributes,
        max_length: int = DEFAULT_CHUNK_MAX_LENGTH,
    ) -> None:
        out.set(name, value, attrs, "v2")

    return write_chunked


def _no_previous_chunks(original: WriteChunked) -> WriteChunked:
    def write_chunked(
        out: ResponseCookies,
        previous: Optional[str],
        name: str,
        value: str,
        attrs: CookieAttributes,
        max_length: int = DEFAULT_CHUNK_MAX_LENGTH,
    ) -> None:
        original(out, None, name, value, attrs, max_length)  # the bug: the request's chunks are ignored

    return write_chunked


def _engine(attribute: str, make: Callable[[Any], Any]) -> tuple[Patch, ...]:
    return (Patch(engine, attribute, make),)


HTTPONLY_MISSING = Mutant(
    "httponly-missing",
    "the session cookie has no HttpOnly unless configured",
    options=cookie_default("httpOnly", False),
)
SECURE_MISSING = Mutant(
    "secure-missing", "the session cookie has no Secure unless configured", options=cookie_default("secure", False)
)
SAMESITE_MISSING_V2 = Mutant(
    "samesite-missing-v2",
    "v2 does not default to SameSite=Lax",
    options=cookie_default("sameSite", False, ("v2",)),
)
SAMESITE_IN_V1 = Mutant(
    "samesite-in-v1",
    "v1 adds SameSite=Lax, which h3 v1 never sets by default",
    options=cookie_default("sameSite", "lax", ("v1",)),
)
CLEAR_KEEPS_COOKIE = Mutant(
    "clear-keeps-cookie",
    "clear() forgets the session but sends no clearing cookie",
    patches=_engine("clear_session", _forget_only),
)
NO_CHUNKING_V2 = Mutant(
    "no-chunking-v2",
    "v2 sends one oversized cookie instead of h3=__chunked__N and h3.1..N",
    options=option("maxCookieBytes", None),
    patches=_engine("write_chunked", _never_chunk),
)
STALE_CHUNKS_LEFT = Mutant(
    "stale-chunks-left",
    "v2 never deletes the chunks the request carried when the count shrinks",
    patches=_engine("write_chunked", _no_previous_chunks),
)

MUTANTS = (
    HTTPONLY_MISSING,
    SECURE_MISSING,
    SAMESITE_MISSING_V2,
    SAMESITE_IN_V1,
    CLEAR_KEEPS_COOKIE,
    NO_CHUNKING_V2,
    STALE_CHUNKS_LEFT,
)
