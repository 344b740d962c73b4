"""Falcon glue: a middleware component that makes ``use_session(req)`` work in responders.

Importing this module needs Falcon; ``import h3session`` never does.  One component
serves both Falcon apps::

    app = falcon.App(middleware=[H3SessionMiddleware(config)])        # WSGI
    app = falcon.asgi.App(middleware=[H3SessionMiddleware(config)])   # ASGI

    async def on_get(self, req, resp):
        session = await use_session_async(req)                       # or use_session(req)

Falcon renders an unhandled error as its 500 before ``process_response`` runs, so error
responses carry the session cookies too (h3-behavior item 20).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Callable, Optional

from falcon import Request, Response

from ._request import CONTEXT_KEY
from .asgi import context_from_scope
from .config import SessionConfig
from .engine import SessionContext
from .wsgi import attach_context

__all__ = ["H3SessionMiddleware"]


def _carrier(req: Any) -> MutableMapping[str, Any]:
    # falcon.asgi.Request keeps the ASGI scope; falcon.Request (WSGI) the environ.
    scope = getattr(req, "scope", None)
    return scope if isinstance(scope, MutableMapping) else req.env


class H3SessionMiddleware:
    """Attach a session context in ``process_request``; add its Set-Cookie lines in ``process_response``."""

    def __init__(self, config: Optional[SessionConfig] = None, *, now: Optional[Callable[[], int]] = None) -> None:
        self.config = config
        self.now = now

    def process_request(self, req: Request, resp: Response) -> None:
        attach_context(req.env, self.config, now=self.now)

    async def process_request_async(self, req: Any, resp: Any) -> None:
        req.scope[CONTEXT_KEY] = context_from_scope(req.scope, self.config, self.now)

    def process_response(self, req: Request, resp: Response, resource: object, req_succeeded: bool) -> None:
        ctx = _carrier(req).get(CONTEXT_KEY)
        # Absent when an earlier component failed before ours ran; then there is no session.
        if isinstance(ctx, SessionContext):
            for line in ctx.set_cookie_lines():
                resp.append_header("set-cookie", line)

    async def process_response_async(self, req: Any, resp: Any, resource: object, req_succeeded: bool) -> None:
        self.process_response(req, resp, resource, req_succeeded)
