"""The contract app as a bare ASGI callable inside ``h3session.asgi.SessionMiddleware``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from h3conformance.adapter import Adapter
from h3session import SessionManager, use_session, use_session_async
from h3session.asgi import ASGIApp, Receive, Scope, Send, SessionMiddleware

from ._contract import ROUTES, configs, respond


def app_factory(options: Mapping[str, Any]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        # Open the sessions the route uses off the event loop first; the routes then run synchronously.
        first, second = configs(options)
        wanted = (first, second) if scope["path"] == "/multi" else (first,) if scope["path"] in ROUTES else ()
        opened: dict[str, SessionManager] = {}
        for config in wanted:
            opened[config.name] = await use_session_async(scope, config)
        status, content_type, text = respond(
            scope["method"], scope["path"], body, lambda c: opened.get(c.name) or use_session(scope, c), options
        )
        payload = text.encode("utf-8")
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return SessionMiddleware(app)


_EXPECTATIONS = Path(__file__).with_name("expectations") / "reference.toml"
ADAPTER = Adapter(
    "asgi",
    "asgi",
    app_factory,
    expectations=_EXPECTATIONS,
    description="a bare ASGI app inside h3session.asgi.SessionMiddleware",
)
