"""Mutants that read the session token from the wrong place (h3-behavior d1-d4, s4.3)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from h3session import H3SessionError, SessionConfig, engine, iron
from h3session.cookies import read_chunked

from ._mutant import Mutant, Patch, option

RequestToken = Callable[[engine.SessionContext, SessionConfig], "tuple[Optional[str], bool]"]


def _cookie_token(ctx: engine.SessionContext, config: SessionConfig) -> Optional[str]:
    cookies = ctx.request_cookies(config.profile)
    return cookies.get(config.name) if config.profile == "v1" else read_chunked(cookies, config.name)


def _cookie_first(original: RequestToken) -> RequestToken:
    def request_token(ctx: engine.SessionContext, config: SessionConfig) -> tuple[Optional[str], bool]:
        token = _cookie_token(ctx, config)
        return (token, True) if token else original(ctx, config)

    return request_token


def _empty_header_is_a_token(original: RequestToken) -> RequestToken:
    def request_token(ctx: engine.SessionContext, config: SessionConfig) -> tuple[Optional[str], bool]:
        if config.header_name is not None:
            value = ctx.header(config.header_name)
            if value is not None:  # the bug: h3 tests the value's truthiness, so "" falls through
                return value, False
        return original(ctx, config)

    return request_token


def _bad_header_falls_back(original: RequestToken) -> RequestToken:
    def request_token(ctx: engine.SessionContext, config: SessionConfig) -> tuple[Optional[str], bool]:
        token, from_cookie = original(ctx, config)
        if token and not from_cookie:
            try:
                engine.unseal_session(ctx, config, token)
            except (iron.IronError, H3SessionError):
                cookie = _cookie_token(ctx, config)
                if cookie:
                    return cookie, True
        return token, from_cookie

    return request_token


def _patch(make: Callable[[Any], Any]) -> tuple[Patch, ...]:
    return (Patch(engine, "_request_token", make),)


HEADER_IGNORED = Mutant(
    "header-ignored", "never reads the x-<name>-session header", options=option("sessionHeader", False)
)
COOKIE_PREFERRED = Mutant(
    "cookie-preferred-over-header",
    "reads the cookie first and the header only without a cookie",
    patches=_patch(_cookie_first),
)
EMPTY_HEADER_NO_FALLBACK = Mutant(
    "empty-header-no-fallback",
    "an empty session header counts as a (bad) token instead of absent",
    patches=_patch(_empty_header_is_a_token),
)
BAD_HEADER_FALLS_BACK = Mutant(
    "bad-header-falls-back-to-cookie",
    "an invalid session header is skipped and the cookie used instead",
    patches=_patch(_bad_header_falls_back),
)

MUTANTS = (HEADER_IGNORED, COOKIE_PREFERRED, EMPTY_HEADER_NO_FALLBACK, BAD_HEADER_FALLS_BACK)
