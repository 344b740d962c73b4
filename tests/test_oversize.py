"""Oversized sessions: chunked up to the limit, a typed error past it, and never a silently dropped cookie.

RFC 6265 (section 6.1) promises 4096 bytes per cookie, counting the *whole*
Set-Cookie line: name, value and attributes.  h3 v1 writes a single cookie of
any size (browsers drop it and the session is silently lost, row h1); the v1
profile raises :class:`~h3session.CookieTooLargeError` instead, unless
``max_cookie_bytes=None`` asks for h3 v1's exact behaviour.  The v2 profile
chunks (item 12) and fails only past 100 chunks.  When an update cannot be
stored, the response carries nothing that would replace the client's current
cookie, so the session the client holds stays intact.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

import pytest

from _reliability import PASSWORD, Reply, call_asgi, call_wsgi, check_set_cookie
from h3adapters import node, plain_asgi, plain_wsgi
from h3session import CookieOptions, CookieTooLargeError, H3SessionError, SessionConfig, SessionContext
from h3session.cookies import MAX_CHUNK_COUNT, parse_cookie_header, read_chunked
from h3session.engine import get_session, open_session

NOW = 1_795_751_712_798
LIMIT = 4096
BIG = {"big": "x" * 10240}  # row h1


def sizes(line: str) -> int:
    return len(line.encode("utf-8"))


def store(config: SessionConfig, data: dict[str, Any], cookie: str = "") -> SessionContext:
    ctx = SessionContext.from_headers({"cookie": cookie}, now=lambda: NOW)
    open_session(ctx, config).update(data)
    return ctx


def reload(config: SessionConfig, lines: list[str]) -> dict[str, Any]:
    """The data a later request sees when the browser sends these cookies back."""
    cookie = "; ".join(line.split(";", 1)[0] for line in lines)
    ctx = SessionContext.from_headers({"cookie": cookie}, now=lambda: NOW)
    return get_session(ctx, config).data


# --- v2: chunks up to the limit -------------------------------------------------------------------


def chunks_for(config: SessionConfig, length: int) -> int:
    ctx = store(config, {"big": "x" * length})
    return len(ctx.set_cookie_lines()) - 1


def largest_fitting(config: SessionConfig) -> int:
    """The largest ``big`` string that still fits in 100 chunks (binary search over the seal size)."""
    low, high = 1, 400_000  # 400,000 characters cannot fit: the token is longer than the data
    while high - low > 1:
        middle = (low + high) // 2
        try:
            chunks_for(config, middle)
        except CookieTooLargeError:
            high = middle
        else:
            low = middle
    return low


def test_v2_chunks_up_to_100_cookies_every_line_within_4096_bytes() -> None:
    config = SessionConfig(password=PASSWORD, profile="v2")
    length = largest_fitting(config)
    ctx = store(config, {"big": "x" * length})
    lines = ctx.set_cookie_lines()
    assert len(lines) == 1 + MAX_CHUNK_COUNT
    assert lines[0].startswith(f"h3=__chunked__{MAX_CHUNK_COUNT};")
    for line in lines:
        check_set_cookie(line, "h3")
        assert sizes(line) <= LIMIT, f"a {sizes(line)}-byte line"
    assert reload(config, lines) == {"big": "x" * length}
    cookies = parse_cookie_header("; ".join(line.split(";", 1)[0] for line in lines))
    assert len(read_chunked(cookies, "h3") or "") > 99 * 4000


def test_v2_past_100_chunks_is_a_typed_error_and_nothing_is_dropped() -> None:
    config = SessionConfig(password=PASSWORD, profile="v2")
    length = largest_fitting(config)
    held = store(config, {"count": 1}).set_cookie_lines()  # the session the client already holds
    ctx = SessionContext.from_headers({"cookie": held[0].split(";", 1)[0]}, now=lambda: NOW)
    session = open_session(ctx, config)
    assert ctx.set_cookie_lines() == []
    with pytest.raises(CookieTooLargeError, match=f"more than {MAX_CHUNK_COUNT} chunks") as raised:
        session.update({"big": "x" * (length + 4000)})
    assert isinstance(raised.value, H3SessionError)
    assert ctx.set_cookie_lines() == [], "a partial set of chunks would replace the client's cookie"


@pytest.mark.parametrize("length", [0, 3000, 3900, 10_240, 20_480, 60_000])
def test_v2_every_line_fits_at_every_size_with_default_attributes(length: int) -> None:
    config = SessionConfig(password=PASSWORD, profile="v2", max_age=86_400)
    lines = store(config, {"big": "é" * length}).set_cookie_lines()
    assert all(sizes(line) <= LIMIT for line in lines)
    assert reload(config, lines) == {"big": "é" * length}


def test_v2_long_attributes_make_a_full_chunk_line_an_error_until_chunks_shrink() -> None:
    """The attributes count: a 4000-character chunk plus a long Path does not fit; 3500 does."""
    cookie = CookieOptions(path="/" + "p" * 120, domain="sessions.example.com")
    config = SessionConfig(password=PASSWORD, profile="v2", cookie=cookie)
    with pytest.raises(CookieTooLargeError, match="chunk_max_length"):
        store(config, BIG)
    smaller = config.replace(cookie=CookieOptions(path=cookie.path, domain=cookie.domain, chunk_max_length=3500))
    lines = store(smaller, BIG).set_cookie_lines()
    assert all(sizes(line) <= LIMIT for line in lines)
    assert reload(smaller, lines) == BIG


# --- v1: one cookie, refused when a browser would drop it --------------------------------------------


def test_v1_limit_counts_the_whole_line_attributes_included() -> None:
    """Sweep data sizes across the boundary: accepted lines fit; refused ones would not have fit."""
    cookie = CookieOptions(path="/account/settings", domain="sessions.example.com", max_age=3600)
    limited = SessionConfig(password=PASSWORD, profile="v1", cookie=cookie, max_age=3600)
    unlimited = limited.replace(max_cookie_bytes=None)
    refused_though_token_fits = accepted_near_limit = 0
    for length in range(2600, 2900, 2):  # lines of about 3950 to 4300 bytes
        data = {"big": "x" * length}
        (line,) = store(unlimited, data).set_cookie_lines()
        try:
            (kept,) = store(limited, data).set_cookie_lines()
        except CookieTooLargeError:
            assert sizes(line) > LIMIT
            name_and_value = line.split(";", 1)[0]
            refused_though_token_fits += sizes(name_and_value) <= LIMIT
        else:
            assert sizes(kept) == sizes(line) <= LIMIT
            accepted_near_limit += sizes(kept) > LIMIT - 64
    assert refused_though_token_fits, "no size where only the attributes pushed the line over"
    assert accepted_near_limit, "the sweep never came close to the limit"


def test_v1_raises_by_default_and_none_reproduces_h3_v1() -> None:
    config = SessionConfig(password=PASSWORD, profile="v1")
    with pytest.raises(CookieTooLargeError, match="over the 4096-byte limit"):
        store(config, BIG)
    (line,) = store(config.replace(max_cookie_bytes=None), BIG).set_cookie_lines()
    assert sizes(line) > LIMIT
    assert line.endswith("; Path=/; HttpOnly; Secure")


# --- through the middleware: the client's session survives the failed update ------------------------


def _options(profile: str) -> dict[str, Any]:
    return {"password": PASSWORD, "profile": profile}


Caller = Callable[..., Reply]
APPS: dict[str, tuple[Callable[[dict[str, Any]], Any], Caller]] = {
    "wsgi": (plain_wsgi.app_factory, call_wsgi),
    "asgi": (plain_asgi.app_factory, call_asgi),
}
TOO_BIG = {"v1": 10_240, "v2": 420_000}


@pytest.fixture(params=[(i, p) for i in APPS for p in ("v1", "v2")], ids=lambda ip: "-".join(ip))
def contract(request: pytest.FixtureRequest) -> tuple[Any, Caller, str]:
    interface, profile = request.param
    factory, caller = APPS[interface]
    return factory(_options(profile)), caller, profile


def test_an_update_too_large_to_store_fails_loudly_and_the_held_session_survives(
    contract: tuple[Any, Caller, str], caplog: pytest.LogCaptureFixture
) -> None:
    app, call, profile = contract
    first = call(app, "GET", "/")
    held = first.cookie_header()
    assert first.body.endswith(b"1 times.")
    body = json.dumps({"big": "x" * TOO_BIG[profile]}).encode()
    with caplog.at_level("ERROR", logger="h3session"):
        failed = call(app, "POST", "/update", {"cookie": held, "content-type": "application/json"}, body)
    assert failed.status == 500
    assert failed.set_cookies() == [], "the failed update must not replace or drop the held cookie"
    assert "CookieTooLargeError" in caplog.text
    again = call(app, "GET", "/", {"cookie": held})
    assert again.status == 200
    assert again.body.endswith(b"2 times."), again.body


# --- the opt-out is h3 v1 exactly -----------------------------------------------------------------------


def _update_line(reply: Reply) -> Optional[str]:
    lines = reply.set_cookies()
    return lines[-1] if lines else None


@pytest.mark.node
def test_v1_without_a_limit_sends_the_same_cookie_shape_as_real_h3_v1() -> None:
    """Real h3 1.15.11 and the v1 profile with ``maxCookieBytes: null``: one cookie, same length, same attributes."""
    import httpx

    node.ensure_node_modules()
    options = {"password": PASSWORD}
    with node.h3_server("v1", options) as url:
        real = httpx.post(f"{url}/update", json=BIG, timeout=30)
    ours = call_wsgi(
        plain_wsgi.app_factory({**options, "profile": "v1", "maxCookieBytes": None}),
        "POST",
        "/update",
        {"content-type": "application/json"},
        json.dumps(BIG).encode(),
    )
    real_lines = real.headers.get_list("set-cookie")
    assert len(real_lines) == len(ours.set_cookies()) == 1
    ours_line = _update_line(ours) or ""
    assert len(ours_line) == len(real_lines[0]) > LIMIT
    assert ours_line.split(";", 1)[1] == real_lines[0].split(";", 1)[1]
