"""A handler that raises after touching the session still sends the session's cookies (h3 v2, item 20).

h3 v2 stages session cookies onto error responses, and real h3 v1 was observed
to do the same (lead's notes); the reference's WSGI and ASGI middleware do it
in both profiles: an update, a clear, a chunked update, in one session or two,
on the middleware's own 500 and on an error page the framework renders itself.
The same is checked over uvicorn and gunicorn in ``test_hostile_http.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable

import pytest

from _reliability import PASSWORD, Reply, call_asgi, call_wsgi, check_set_cookie
from h3adapters import plain_asgi, plain_wsgi
from h3session import SessionConfig, SessionContext, unseal_session, use_session
from h3session.asgi import Receive, Scope, Send
from h3session.asgi import SessionMiddleware as AsgiMiddleware
from h3session.cookies import parse_cookie_header, read_chunked
from h3session.wsgi import SessionMiddleware as WsgiMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

PROFILES = ("v1", "v2")


class HandlerError(RuntimeError):
    pass


def config_for(profile: str, name: str = "h3") -> SessionConfig:
    return SessionConfig(password=PASSWORD, profile=profile, name=name)  # type: ignore[arg-type]


def opened(reply: Reply, profile: str, name: str = "h3") -> dict[str, Any]:
    """The session a browser would hold after ``reply``."""
    for line in reply.set_cookies():
        check_set_cookie(line, line.split("=", 1)[0].split(".")[0])
    cookies = parse_cookie_header("; ".join(line.split(";", 1)[0] for line in reply.set_cookies()))
    token = read_chunked(cookies, name) if profile == "v2" else cookies.get(name)
    assert token, f"no {name} cookie on the {reply.status} response: {reply.set_cookies()}"
    return dict(unseal_session(SessionContext.from_headers({}), config_for(profile, name), token))


def no_traceback(reply: Reply) -> None:
    assert b"Traceback" not in reply.body
    assert b'File "' not in reply.body


# --- the contract apps' GET /fail ------------------------------------------------------------------------

CONTRACT: dict[str, tuple[Callable[[dict[str, Any]], Any], Callable[..., Reply]]] = {
    "wsgi": (plain_wsgi.app_factory, call_wsgi),
    "asgi": (plain_asgi.app_factory, call_asgi),
}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("interface", CONTRACT)
def test_fail_route_500_carries_the_updated_session(interface: str, profile: str) -> None:
    factory, call = CONTRACT[interface]
    app = factory({"password": PASSWORD, "profile": profile})
    held = call(app, "GET", "/").cookie_header()
    held = call(app, "GET", "/", {"cookie": held}).cookie_header()  # count 2
    reply = call(app, "GET", "/fail", {"cookie": held})
    assert reply.status == 500
    no_traceback(reply)
    assert opened(reply, profile)["data"] == {"count": 2, "failed": True}


# --- custom handlers: before, clear, chunked, two sessions, framework error pages ----------------------------


def _wsgi_handler(action: str, profile: str) -> Any:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        act(action, lambda name: use_session(environ, config_for(profile, name)))
        if action == "framework-page":
            start_response("500 Internal Server Error", [("Content-Type", "text/html")])
            return [b"<h1>Something broke</h1>"]
        raise HandlerError(action)

    return WsgiMiddleware(app)


def _asgi_handler(action: str, profile: str) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        act(action, lambda name: use_session(scope, config_for(profile, name)))
        if action == "framework-page":
            await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.body", "body": b"<h1>Something broke</h1>"})
            return
        raise HandlerError(action)

    return AsgiMiddleware(app)


def act(action: str, session: Callable[[str], Any]) -> None:
    if action == "before":
        return
    if action == "clear":
        session("h3").clear()
    elif action == "chunked":
        session("h3").update({"big": "x" * 10_240})
    elif action == "two-sessions":
        session("h3").update({"a": 1})
        session("other").update({"b": 2})
    else:
        session("h3").update({"failed": True})


HANDLERS = {"wsgi": (_wsgi_handler, call_wsgi), "asgi": (_asgi_handler, call_asgi)}


@pytest.fixture(params=[(i, p) for i in HANDLERS for p in PROFILES], ids=lambda ip: "-".join(ip))
def handler(request: pytest.FixtureRequest) -> tuple[Callable[[str], Reply], str]:
    interface, profile = request.param
    build, call = HANDLERS[interface]

    def run(action: str) -> Reply:
        reply = call(build(action, profile), "GET", "/")
        assert reply.status == 500
        no_traceback(reply)
        return reply

    return run, profile


def test_an_error_before_the_session_is_touched_sends_no_cookie(handler: tuple[Callable[[str], Reply], str]) -> None:
    run, _ = handler
    assert run("before").set_cookies() == []


def test_a_clear_then_an_error_still_sends_the_clearing_cookie(handler: tuple[Callable[[str], Reply], str]) -> None:
    run, profile = handler
    lines = run("clear").set_cookies()
    assert lines
    assert lines[0].startswith("h3=;")
    assert ("Max-Age=0" in lines[0]) == (profile == "v2")  # v1 clears without Max-Age (item 6)


def test_a_chunked_update_then_an_error_sends_every_chunk(handler: tuple[Callable[[str], Reply], str]) -> None:
    run, profile = handler
    reply = run("chunked")
    if profile == "v1":  # v1 refuses the 14 KB cookie; what stays is the new session sealed on opening (row b)
        assert opened(reply, profile)["data"] == {}
        return
    assert [line.split("=", 1)[0] for line in reply.set_cookies()] == ["h3", "h3.1", "h3.2", "h3.3", "h3.4"]
    assert opened(reply, profile)["data"] == {"big": "x" * 10_240}


def test_two_sessions_then_an_error_send_both_cookies(handler: tuple[Callable[[str], Reply], str]) -> None:
    run, profile = handler
    reply = run("two-sessions")
    assert opened(reply, profile, "h3")["data"] == {"a": 1}
    assert opened(reply, profile, "other")["data"] == {"b": 2}


def test_an_error_page_the_framework_renders_gets_the_cookie(handler: tuple[Callable[[str], Reply], str]) -> None:
    run, profile = handler
    reply = run("framework-page")
    assert reply.body == b"<h1>Something broke</h1>"
    assert opened(reply, profile)["data"] == {"failed": True}


def test_the_500_body_is_generic(handler: tuple[Callable[[str], Reply], str]) -> None:
    run, _ = handler
    reply = run("update")
    assert reply.body == b"Internal Server Error"
    assert json.dumps(reply.headers)  # plain headers, nothing exotic
