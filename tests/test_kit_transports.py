"""Every transport sends raw headers exactly and gives the same verdicts for the same app."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable
from wsgiref.simple_server import make_server

import pytest

import kit_fakes
from h3conformance.loader import load_dir
from h3conformance.runner import run_scenario
from h3conformance.transports import Request, Target, TransportError
from h3conformance.transports.asgi import ASGITarget
from h3conformance.transports.command import CommandTarget
from h3conformance.transports.url import URLTarget
from h3conformance.transports.wsgi import WSGITarget

FIXTURES = Path(__file__).with_name("fixtures") / "scenarios"
FAKE_SERVER = [sys.executable, str(Path(kit_fakes.__file__))]
CONFIG = {"password": "80d42cfb-1cd2-462c-8f17-e3237d9027e9", "profile": "v2"}
SET_COOKIES = [("Set-Cookie", "b=2; Path=/"), ("X-Other", "x"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=; Max-Age=0")]


def echo_wsgi(config: dict[str, Any]) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ["PATH_INFO"] == "/raise":
            raise RuntimeError("boom")
        seen = {"cookie": environ.get("HTTP_COOKIE"), "x-h3-session": environ.get("HTTP_X_H3_SESSION")}
        start_response("200 OK", [("Content-Type", "application/json"), *SET_COOKIES])
        return [json.dumps(seen).encode()]

    return app


def echo_asgi(config: dict[str, Any]) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["path"] == "/raise":
            raise RuntimeError("boom")
        cookies = [v.decode() for k, v in scope["headers"] if k == b"cookie"]
        session = [v.decode() for k, v in scope["headers"] if k == b"x-h3-session"]
        body = json.dumps({"cookie": "; ".join(cookies), "lines": len(cookies), "x-h3-session": session[0]})
        headers = [(k.lower().encode(), v.encode()) for k, v in [("Content-Type", "application/json"), *SET_COOKIES]]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body.encode()})

    return app


@pytest.fixture
def served() -> Iterator[Callable[[Callable[..., Any]], str]]:
    """Serve a WSGI app on a loopback port from a thread; yields a function that starts one."""
    servers = []

    def start(app: Callable[..., Any]) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=kit_fakes._Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


RAW = Request("GET", "/", (("x-h3-session", "Fe26.2**%2A"), ("cookie", "h3=a"), ("cookie", 'q="x"')))


@pytest.mark.parametrize("kind", ["wsgi", "asgi", "url"])
def test_set_cookie_lines_come_back_in_order_and_cookies_go_out_as_written(
    kind: str, served: Callable[[Callable[..., Any]], str]
) -> None:
    target: Target
    if kind == "wsgi":
        target = WSGITarget(echo_wsgi)
    elif kind == "asgi":
        target = ASGITarget(echo_asgi)
    else:
        target = URLTarget(served(echo_wsgi(CONFIG)))
    try:
        response = target.for_config(CONFIG).send(RAW)
    finally:
        target.close()
    assert response.status == 200
    assert response.set_cookies == ["b=2; Path=/", "a=1", "b=; Max-Age=0"]
    seen = json.loads(response.body)
    assert seen["x-h3-session"] == "Fe26.2**%2A"
    # Two Cookie lines: kept apart in ASGI; joined where the carrier holds one value (the kit's
    # WSGI transport uses "; " like Node, wsgiref's server uses ",").
    assert seen["cookie"] in ('h3=a; q="x"', 'h3=a,q="x"')
    if kind == "asgi":
        assert seen["lines"] == 2


@pytest.mark.parametrize(("target_type", "factory"), [(WSGITarget, echo_wsgi), (ASGITarget, echo_asgi)])
def test_an_app_that_raises_gets_a_bare_500_like_from_a_server(target_type: Any, factory: Any) -> None:
    target = target_type(factory)
    try:
        response = target.for_config(CONFIG).send(Request("GET", "/raise"))
    finally:
        target.close()
    assert response.status == 500
    assert response.set_cookies == []


def test_a_command_that_dies_is_an_error_carrying_its_output(tmp_path: Path) -> None:
    script = tmp_path / "dies.py"
    script.write_text("import sys\nprint('config error: no password')\nsys.exit(3)\n")
    target = CommandTarget([sys.executable, str(script)], ready_timeout=10)
    with pytest.raises(TransportError, match=r"(?s)exited with code 3.*config error: no password"):
        target.for_config(CONFIG)
    with pytest.raises(TransportError):  # remembered: no second wait for the same config
        target.for_config(CONFIG)
    target.close()


def test_a_command_that_never_answers_times_out(tmp_path: Path) -> None:
    script = tmp_path / "silent.py"
    script.write_text("import time\nprint('starting', flush=True)\ntime.sleep(30)\n")
    target = CommandTarget([sys.executable, str(script)], ready_timeout=0.5)
    with pytest.raises(TransportError, match=r"(?s)did not answer HTTP within 0.5 s.*starting"):
        target.for_config(CONFIG)
    target.close()


def test_an_unreachable_url_is_an_error() -> None:
    port = __import__("h3conformance.processes", fromlist=["free_port"]).free_port()
    target = URLTarget(f"http://127.0.0.1:{port}")
    with pytest.raises(TransportError):
        target.for_config(CONFIG).send(Request("GET", "/"))
    target.close()


class _PerProfileServers:
    """A URL target per profile: the fake server started by the test, like a user would."""

    def __init__(self, start: Callable[[Callable[..., Any]], str]) -> None:
        self.origin = URLTarget("http://127.0.0.1").origin
        self._start = start
        self._targets: dict[str, URLTarget] = {}

    def for_config(self, config: Any) -> Any:
        profile = config["profile"]
        if profile not in self._targets:
            self._targets[profile] = URLTarget(self._start(kit_fakes.wsgi_app(dict(config))))
        return self._targets[profile].for_config(config)

    def close(self) -> None:
        for target in self._targets.values():
            target.close()


def test_every_transport_gives_the_same_verdicts_for_one_app(served: Callable[[Callable[..., Any]], str]) -> None:
    scenarios = load_dir(FIXTURES).scenarios
    targets: dict[str, Any] = {
        "wsgi": WSGITarget(kit_fakes.wsgi_app),
        "asgi": ASGITarget(kit_fakes.asgi_app),
        "url": _PerProfileServers(served),
        "command": CommandTarget(FAKE_SERVER),
    }
    verdicts: dict[str, dict[tuple[str, str], str]] = {}
    try:
        for kind, target in targets.items():
            verdicts[kind] = {(s.id, p): run_scenario(s, p, target).verdict for s in scenarios for p in s.profiles}
    finally:
        for target in targets.values():
            target.close()
    assert verdicts["wsgi"][("counter.first-visit", "v2")] == "pass"
    assert verdicts["wsgi"][("counter.needs-max-age", "v1")] == "fail"
    assert verdicts["asgi"] == verdicts["wsgi"]
    assert verdicts["url"] == verdicts["wsgi"]
    assert verdicts["command"] == verdicts["wsgi"]
