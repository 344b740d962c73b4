"""A tiny stand-in for an h3 contract app, to test the kit without the reference.

It keeps a counter session in an iron cookie the way h3 does for the simple cases (first cookie
wins, a bad token starts over, v2 adds SameSite=Lax). It is deliberately NOT complete: no
header sessions, no maxAge, no chunking.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Callable, Literal
from wsgiref.simple_server import WSGIRequestHandler, make_server

from h3conformance.adapter import Adapter
from h3session.iron import IronError, preset, seal, unseal

Headers = list[tuple[str, str]]


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip() == name:
            return value.strip()
    return None


def handle(
    config: dict[str, Any], method: str, path: str, cookie_header: str, body: bytes
) -> tuple[int, Headers, bytes]:
    """The contract routes over a minimal cookie session."""
    name = config.get("name", "h3")
    options = preset(config.get("profile", "v2"))
    token = _cookie(cookie_header, name)
    session = None
    if token:
        try:
            session = unseal(token, config["password"], options)
        except IronError:
            session = None
    if not isinstance(session, dict) or not session.get("id"):
        session = {"id": str(uuid.uuid4()), "createdAt": time.time_ns() // 1_000_000, "data": {}}
    attrs = "; Path=/; HttpOnly; Secure" + ("; SameSite=Lax" if config.get("profile") == "v2" else "")
    text = "text/plain"
    if (method, path) == ("GET", "/"):
        session["data"]["count"] = session["data"].get("count", 0) + 1
        out = f"Hello world! You have visited this page {session['data']['count']} times."
    elif (method, path) == ("GET", "/data"):
        out, text = json.dumps(session), "application/json"
    elif (method, path) == ("POST", "/update"):
        session["data"].update(json.loads(body or b"{}"))
        out, text = json.dumps(session["data"]), "application/json"
    elif (method, path) == ("GET", "/clear"):
        return 200, [("Content-Type", text), ("Set-Cookie", f"{name}={attrs}")], b"Session cleared"
    else:
        return 404, [("Content-Type", text)], b"Not found"
    headers = [("Content-Type", text), ("Set-Cookie", f"{name}={seal(session, config['password'], options)}{attrs}")]
    return 200, headers, out.encode()


def wsgi_app(config: dict[str, Any]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        status, headers, out = handle(
            config, environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_COOKIE", ""), body
        )
        start_response(f"{status} {'OK' if status == 200 else 'Not Found'}", headers)
        return [out]

    return app


def asgi_app(config: dict[str, Any]) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        cookies = "; ".join(v.decode("latin-1") for k, v in scope["headers"] if k == b"cookie")
        status, headers, out = handle(config, scope["method"], scope["path"], cookies, body)
        await asyncio.sleep(0)
        raw = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": out})

    return app


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(config: dict[str, Any], port: int) -> None:
    with make_server("127.0.0.1", port, wsgi_app(config), handler_class=_Quiet) as server:
        server.serve_forever()


# Adapters for the kit's CLI and plugin tests ("--adapter kit_fakes:FAKE_WSGI").
def _adapter(
    name: str, kind: Literal["wsgi", "asgi"], factory: Callable[[dict[str, Any]], Any], expectations: str | None = None
) -> Adapter:
    path = Path(__file__).with_name("fixtures") / expectations if expectations else None
    return Adapter(name, kind, factory, expectations=path, description="the kit's test fake")


FAKE_WSGI = _adapter("fake-wsgi", "wsgi", wsgi_app)
FAKE_ASGI = _adapter("fake-asgi", "asgi", asgi_app)
FAKE_WSGI_KNOWN_BUGS = _adapter("fake-wsgi-known", "wsgi", wsgi_app, "fake-expectations.toml")


if __name__ == "__main__":  # the "command" form: H3_SESSION_CONFIG and PORT from the environment
    serve(json.loads(os.environ["H3_SESSION_CONFIG"]), int(os.environ["PORT"]))
