"""``h3session.wsgi``: the middleware binds the engine to a request and puts its Set-Cookie lines on the response.

A plain WSGI app under WebTest; Cookie and session headers are sent explicitly (no jar), so
every request says exactly what h3-behavior.md's prober sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pytest
from webtest import TestApp

from h3session import ConfigError, MiddlewareMissingError, SessionConfig, iron, use_session
from h3session.wsgi import SessionMiddleware, attach_context, context_from_environ

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
NOW = 1_795_751_712_798


class Boom(RuntimeError):
    pass


class FrameworkRequest:
    """What Flask, Bottle or Pyramid hand a view: an object carrying the environ."""

    def __init__(self, environ: WSGIEnvironment) -> None:
        self.environ = environ


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    session = use_session(FrameworkRequest(environ) if path == "/framework" else environ)
    if path in ("/", "/framework"):
        session.update({"count": (session.data.get("count") or 0) + 1})
        body = f"Hello world! You have visited this page {session.data['count']} times."
    elif path == "/clear":
        session.clear()
        body = "Session cleared"
    elif path == "/data":
        body = json.dumps(session.to_dict())
    elif path == "/fail":
        session.update({"failed": True})
        raise Boom("after update")
    elif path == "/late-fail":
        start_response("200 OK", [("Content-Type", "text/plain")])
        raise Boom("after start_response")
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    content_type = "application/json" if path == "/data" else "text/plain; charset=utf-8"
    start_response("200 OK", [("Content-Type", content_type)])
    return [body.encode("utf-8")]


def client(profile: str = "v2", *, catch_errors: bool = True, **options: Any) -> TestApp:
    config = SessionConfig.from_h3({"password": PASSWORD, "profile": profile, **options})
    return TestApp(SessionMiddleware(app, config, now=lambda: NOW, catch_errors=catch_errors))


def set_cookies(response: Any) -> list[str]:
    lines: list[str] = response.headers.getall("Set-Cookie")
    return lines


def token_of(line: str, name: str = "h3") -> str:
    assert line.startswith(f"{name}=")
    return line.split(";", 1)[0][len(name) + 1 :]


def opened(token: str, profile: str = "v2") -> Any:
    return iron.unseal(token, PASSWORD, iron.preset(profile), now=NOW)


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_a1_a2_counter_round_trip_through_the_middleware(profile: str) -> None:
    web = client(profile)
    first = web.get("/")
    assert first.text == "Hello world! You have visited this page 1 times."
    (line,) = set_cookies(first)
    second = web.get("/", headers={"Cookie": f"h3={token_of(line)}"})
    assert second.text == "Hello world! You have visited this page 2 times."
    assert opened(token_of(set_cookies(second)[0]), profile)["id"] == opened(token_of(line), profile)["id"]


def test_a3_read_only_request_adds_no_set_cookie_header() -> None:
    web = client()
    token = token_of(set_cookies(web.get("/"))[0])
    response = web.get("/data", headers={"Cookie": f"h3={token}"})
    assert set_cookies(response) == []
    assert response.json["data"] == {"count": 1}


def test_existing_response_headers_are_kept() -> None:
    response = client().get("/")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert len(set_cookies(response)) == 1


def test_d5_the_session_header_is_read_from_the_environ() -> None:
    web = client()
    token = token_of(set_cookies(web.get("/"))[0])
    response = web.get("/data", headers={"X-H3-Session": f"  {token} "})
    assert response.json["data"] == {"count": 1}


def test_j5_several_cookies_in_one_header() -> None:
    web = client()
    token = token_of(set_cookies(web.get("/"))[0])
    assert web.get("/", headers={"Cookie": f"foo=bar;h3={token};baz=qux"}).text.endswith("2 times.")


def test_j11_secure_is_sent_over_plain_http() -> None:
    response = client().get("/", extra_environ={"wsgi.url_scheme": "http"})
    assert "; Secure" in set_cookies(response)[0]


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_c1_clear_through_the_middleware(profile: str) -> None:
    expected = {
        "v1": "h3=; Path=/; HttpOnly; Secure",
        "v2": "h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    }
    assert set_cookies(client(profile).get("/clear")) == [expected[profile]]


def test_item_20_an_exception_becomes_a_500_that_still_carries_the_cookie(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="h3session"):
        response = client().get("/fail", status=500)
    assert response.text == "Internal Server Error"
    (line,) = set_cookies(response)
    assert opened(token_of(line))["data"] == {"failed": True}
    assert "unhandled error in /fail" in caplog.text


def test_an_exception_after_start_response_propagates() -> None:
    with pytest.raises(Boom, match="after start_response"):
        client().get("/late-fail")


def test_catch_errors_false_lets_the_server_handle_exceptions() -> None:
    with pytest.raises(Boom, match="after update"):
        client(catch_errors=False).get("/fail")


def test_use_session_on_a_framework_request_carrying_the_environ() -> None:
    response = client().get("/framework")
    assert response.text.endswith("1 times.")
    assert len(set_cookies(response)) == 1


def test_use_session_without_the_middleware_names_the_middleware() -> None:
    web = TestApp(app)
    with pytest.raises(MiddlewareMissingError, match=r"h3session\.wsgi\.SessionMiddleware"):
        web.get("/")
    with pytest.raises(MiddlewareMissingError):
        use_session(FrameworkRequest({}))
    with pytest.raises(MiddlewareMissingError):
        use_session(object())


def test_use_session_needs_a_config_from_the_call_or_the_middleware() -> None:
    environ: dict[str, Any] = {}
    attach_context(environ)
    with pytest.raises(ConfigError, match="no session config"):
        use_session(environ)
    config = SessionConfig(PASSWORD)
    assert use_session(environ, config).data == {}


def test_a_per_call_config_overrides_the_middleware_default() -> None:
    other = SessionConfig(PASSWORD, name="other", profile="v1")

    def two_sessions(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        use_session(environ).update({"a": 1})
        use_session(environ, other).update({"b": 2})
        start_response("200 OK", [])
        return [b""]

    web = TestApp(SessionMiddleware(two_sessions, SessionConfig(PASSWORD), now=lambda: NOW))
    lines = set_cookies(web.get("/"))
    assert [line.split("=", 1)[0] for line in lines] == ["h3", "other"]
    assert opened(token_of(lines[1], "other"), "v1")["data"] == {"b": 2}


def test_context_from_environ_reads_http_headers() -> None:
    environ: Any = {"HTTP_COOKIE": "h3=abc", "HTTP_X_CUSTOM_SESSION": "tok", "HTTP_BYTES": b"no"}
    ctx = context_from_environ(environ, now=lambda: NOW)
    assert ctx.cookie_header == "h3=abc"
    assert ctx.header("x-custom-session") == "tok"
    assert ctx.header("bytes") is None
    assert ctx.header("missing") is None
    assert ctx.now() == NOW


def test_the_wall_clock_is_used_without_a_now_seam() -> None:
    config = SessionConfig(PASSWORD)
    response = TestApp(SessionMiddleware(app, config)).get("/data")
    before = iron.now_ms()
    assert before - 60_000 < response.json["createdAt"] <= before


def test_unknown_paths_pass_through() -> None:
    response = client().get("/nowhere", status=404)
    assert response.text == "not found"
