"""WSGI shell: attach a session context to each request, append its Set-Cookie lines.

An exception that escapes the application still gets a 500 response carrying
the session cookies, as h3 v2 stages them onto error responses (item 20);
frameworks that render their own error pages pass through ``start_response``
and get the cookies the same way.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable, Optional

from ._request import CONTEXT_KEY
from .config import SessionConfig
from .engine import SessionContext

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger("h3session")
_ERROR_BODY = b"Internal Server Error"


def context_from_environ(
    environ: WSGIEnvironment, config: Optional[SessionConfig] = None, now: Optional[Callable[[], int]] = None
) -> SessionContext:
    """A :class:`SessionContext` reading the environ's ``HTTP_*`` headers."""

    def header(name: str) -> Optional[str]:
        value = environ.get("HTTP_" + name.upper().replace("-", "_"))
        return value if isinstance(value, str) else None

    return SessionContext(environ.get("HTTP_COOKIE"), header, now=now, default_config=config)


def attach_context(
    environ: WSGIEnvironment,
    config: Optional[SessionConfig] = None,
    *,
    now: Optional[Callable[[], int]] = None,
) -> SessionContext:
    """Give one request its session context, for glue that cannot wrap the WSGI app.

    Framework middleware (Django's, a Falcon component) calls this with the request's
    environ (``request.META``, ``req.env``) before the view runs, then copies
    ``ctx.set_cookie_lines()`` onto the framework's response, error responses included.
    """
    ctx = context_from_environ(environ, config, now)
    environ[CONTEXT_KEY] = ctx
    return ctx


class SessionMiddleware:
    """Wrap a WSGI app so ``use_session(environ_or_request, config)`` works inside it."""

    def __init__(
        self,
        app: WSGIApplication,
        config: Optional[SessionConfig] = None,
        *,
        now: Optional[Callable[[], int]] = None,
        catch_errors: bool = True,
    ) -> None:
        self.app = app
        self.config = config
        self.now = now
        self.catch_errors = catch_errors

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        ctx = attach_context(environ, self.config, now=self.now)
        started = False

        def start_with_cookies(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal started
            started = True
            cookies = [("Set-Cookie", line) for line in ctx.set_cookie_lines()]
            return start_response(status, [*headers, *cookies], exc_info)

        try:
            return self.app(environ, start_with_cookies)
        except Exception:
            if started or not self.catch_errors:
                raise
            logger.exception("unhandled error in %s; sent 500 with the session cookies", environ.get("PATH_INFO", "/"))
            headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(_ERROR_BODY))),
                *(("Set-Cookie", line) for line in ctx.set_cookie_lines()),
            ]
            start_response("500 Internal Server Error", headers, sys.exc_info())
            return [_ERROR_BODY]
