"""``h3session.asgi``: the middleware binds the engine to an HTTP scope and adds its Set-Cookie lines.

A plain ASGI app driven by httpx's ``ASGITransport`` over an https base URL, with explicit
Cookie and session headers (the client's jar is cleared before every request).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable
from typing import Any, Callable

import httpx
import pytest

from h3session import MiddlewareMissingError, SessionConfig, engine, iron, use_session, use_session_async
from h3session.asgi import Message, Receive, Scope, Send, SessionMiddleware, context_from_scope

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
NOW = 1_795_751_712_798


class Boom(RuntimeError):
    pass


class FrameworkRequest:
    """What Starlette, Quart or Litestar hand a view: an object carrying the scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope


async def respond(send: Send, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
    data = body.encode("utf-8")
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        scope["seen-by-app"] = True
        return
    path = scope["path"]
    if path == "/async":
        session = await use_session_async(scope)
    else:
        session = use_session(FrameworkRequest(scope) if path == "/framework" else scope)
    if path in ("/", "/framework", "/async"):
        session.update({"count": (session.data.get("count") or 0) + 1})
        await respond(send, 200, f"Hello world! You have visited this page {session.data['count']} times.")
    elif path == "/clear":
        session.clear()
        await respond(send, 200, "Session cleared")
    elif path == "/data":
        await respond(send, 200, json.dumps(session.to_dict()), "application/json")
    elif path == "/fail":
        session.update({"failed": True})
        raise Boom("after update")
    elif path == "/late-fail":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise Boom("after the response started")
    else:
        await respond(send, 404, "not found")


Call = Callable[..., httpx.Response]


def run(middleware: Callable[..., Awaitable[None]], method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            return await http.request(method, path, **kwargs)

    return asyncio.run(go())


def make(profile: str = "v2", *, catch_errors: bool = True, **options: Any) -> SessionMiddleware:
    config = SessionConfig.from_h3({"password": PASSWORD, "profile": profile, **options})
    return SessionMiddleware(app, config, now=lambda: NOW, catch_errors=catch_errors)


@pytest.fixture
def get() -> Call:
    middleware = make()

    def call(path: str = "/", **kwargs: Any) -> httpx.Response:
        return run(middleware, "GET", path, **kwargs)

    return call


def set_cookies(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def token_of(line: str, name: str = "h3") -> str:
    assert line.startswith(f"{name}=")
    return line.split(";", 1)[0][len(name) + 1 :]


def opened(token: str, profile: str = "v2") -> Any:
    return iron.unseal(token, PASSWORD, iron.preset(profile), now=NOW)


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_a1_a2_counter_round_trip_through_the_middleware(profile: str) -> None:
    middleware = make(profile)
    first = run(middleware, "GET", "/")
    assert first.text == "Hello world! You have visited this page 1 times."
    (line,) = set_cookies(first)
    second = run(middleware, "GET", "/", headers={"cookie": f"h3={token_of(line)}"})
    assert second.text == "Hello world! You have visited this page 2 times."
    assert opened(token_of(set_cookies(second)[0]), profile)["id"] == opened(token_of(line), profile)["id"]


def test_a3_read_only_request_adds_no_set_cookie_header(get: Call) -> None:
    token = token_of(set_cookies(get("/"))[0])
    response = get("/data", headers={"cookie": f"h3={token}"})
    assert set_cookies(response) == []
    assert response.json()["data"] == {"count": 1}
    assert response.headers["content-type"] == "application/json"


def test_d5_the_session_header_is_read_from_the_scope(get: Call) -> None:
    token = token_of(set_cookies(get("/"))[0])
    assert get("/data", headers={"X-H3-Session": token}).json()["data"] == {"count": 1}


def test_j5_two_cookie_header_lines_are_joined_as_node_joins_them(get: Call) -> None:
    token = token_of(set_cookies(get("/"))[0])
    response = get("/", headers=[("cookie", "foo=bar"), ("cookie", f"h3={token}")])
    assert response.text.endswith("2 times.")


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_c1_clear_through_the_middleware(profile: str) -> None:
    expected = {
        "v1": "h3=; Path=/; HttpOnly; Secure",
        "v2": "h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    }
    assert set_cookies(run(make(profile), "GET", "/clear")) == [expected[profile]]


def test_j11_secure_is_sent_over_plain_http() -> None:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=make())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.get("/")

    assert "; Secure" in set_cookies(asyncio.run(go()))[0]


def test_item_20_an_exception_becomes_a_500_that_still_carries_the_cookie(
    get: Call, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="h3session"):
        response = get("/fail")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    (line,) = set_cookies(response)
    assert opened(token_of(line))["data"] == {"failed": True}
    assert "unhandled error in /fail" in caplog.text


def test_an_exception_after_the_response_started_propagates(get: Call) -> None:
    with pytest.raises(Boom, match="after the response started"):
        get("/late-fail")


def test_catch_errors_false_lets_the_server_handle_exceptions() -> None:
    with pytest.raises(Boom, match="after update"):
        run(make(catch_errors=False), "GET", "/fail")


def test_use_session_on_a_framework_request_carrying_the_scope(get: Call) -> None:
    response = get("/framework")
    assert response.text.endswith("1 times.")
    assert len(set_cookies(response)) == 1


def test_use_session_without_the_middleware_names_the_middleware() -> None:
    with pytest.raises(MiddlewareMissingError, match=r"h3session\.asgi\.SessionMiddleware"):
        run(app, "GET", "/")
    with pytest.raises(MiddlewareMissingError):
        use_session(FrameworkRequest({"type": "http"}))


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_use_session_async_gives_the_same_session(profile: str) -> None:
    middleware = make(profile)
    first = run(middleware, "GET", "/async")
    assert first.text.endswith("1 times.")
    token = token_of(set_cookies(first)[0])
    assert run(middleware, "GET", "/async", headers={"cookie": f"h3={token}"}).text.endswith("2 times.")


def test_use_session_async_derives_cold_keys_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    in_worker = engine.open_session_in_worker

    def spy(ctx: engine.SessionContext, config: SessionConfig) -> engine.SessionManager:
        threads.append(threading.get_ident())
        return in_worker(ctx, config)

    monkeypatch.setattr(engine, "open_session_in_worker", spy)
    cache = iron.KeyCache(16)
    middleware = SessionMiddleware(app, SessionConfig(PASSWORD, key_cache=cache), now=lambda: NOW)
    forged = iron.seal({"id": "cold", "createdAt": NOW, "data": {"count": 4}}, PASSWORD, cache=iron.no_cache)
    response = run(middleware, "GET", "/async", headers={"cookie": f"h3={forged}"})
    assert response.text.endswith("5 times.")
    assert len(threads) == 1
    assert threads[0] != threading.get_ident()
    v1 = SessionMiddleware(app, SessionConfig(PASSWORD, profile="v1"), now=lambda: NOW)
    assert run(v1, "GET", "/async").status_code == 200
    assert len(threads) == 1  # one iteration: nothing worth a thread


def test_non_http_scopes_pass_through_untouched() -> None:
    scope: dict[str, Any] = {"type": "lifespan"}

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        raise AssertionError("nothing to send")

    asyncio.run(make()(scope, receive, send))
    assert scope == {"type": "lifespan", "seen-by-app": True}


def test_context_from_scope_joins_repeated_headers() -> None:
    scope = {
        "type": "http",
        "headers": [
            (b"cookie", b"a=1"),
            (b"Cookie", b"h3=x"),
            (b"x-h3-session", b"one"),
            (b"X-H3-Session", b"two"),
        ],
    }
    ctx = context_from_scope(scope, now=lambda: NOW)
    assert ctx.cookie_header == "a=1; h3=x"
    assert ctx.header("x-h3-session") == "one, two"
    assert ctx.header("missing") is None
