"""ASGI shell: attach a session context to each HTTP request, append its Set-Cookie lines.

Headers are read from the scope as the server received them; several
``Cookie`` lines are joined with ``; `` as Node joins them (row j5).  An
exception before the response starts becomes a 500 carrying the session
cookies (item 20).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, MutableMapping
from typing import Any, Callable, Optional

from ._request import CONTEXT_KEY
from .config import SessionConfig
from .engine import SessionContext

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("h3session")
_ERROR_BODY = b"Internal Server Error"


def context_from_scope(
    scope: Scope, config: Optional[SessionConfig] = None, now: Optional[Callable[[], int]] = None
) -> SessionContext:
    """A :class:`SessionContext` over the scope's raw header list."""
    cookies: list[str] = []
    others: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name == "cookie":
            cookies.append(value)
        else:
            others[name] = f"{others[name]}, {value}" if name in others else value
    return SessionContext("; ".join(cookies), others.get, now=now, default_config=config)


class SessionMiddleware:
    """Wrap an ASGI app so ``use_session(scope_or_request, config)`` works inside it."""

    def __init__(
        self,
        app: ASGIApp,
        config: Optional[SessionConfig] = None,
        *,
        now: Optional[Callable[[], int]] = None,
        catch_errors: bool = True,
    ) -> None:
        self.app = app
        self.config = config
        self.now = now
        self.catch_errors = catch_errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        ctx = context_from_scope(scope, self.config, self.now)
        scope[CONTEXT_KEY] = ctx
        started = False

        async def send_with_cookies(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                lines = ctx.set_cookie_lines()
                if lines:
                    headers = list(message.get("headers", ()))
                    headers.extend((b"set-cookie", line.encode("latin-1")) for line in lines)
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookies)
        except Exception:
            if started or not self.catch_errors or scope["type"] != "http":
                raise
            logger.exception("unhandled error in %s; sent 500 with the session cookies", scope.get("path", "/"))
            headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(_ERROR_BODY)).encode()),
                *((b"set-cookie", line.encode("latin-1")) for line in ctx.set_cookie_lines()),
            ]
            await send({"type": "http.response.start", "status": 500, "headers": headers})
            await send({"type": "http.response.body", "body": _ERROR_BODY})
