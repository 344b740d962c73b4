"""Django glue: a middleware that makes ``use_session(request)`` work in views.

Importing this module needs Django; ``import h3session`` never does.  Add it to
``MIDDLEWARE`` and, optionally, give a default session in settings::

    MIDDLEWARE = ["h3session.django.H3SessionMiddleware", ...]
    H3SESSION = {"password": "...", "name": "h3"}  # h3 option names, or a SessionConfig

    def index(request):
        session = use_session(request)  # or use_session(request, another_config)

The middleware works under WSGI and ASGI.  Django turns a view's exception into
its 500 response before the middleware sees it, so error responses carry the
session cookies too (h3-behavior item 20).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, MutableMapping
from http.cookies import Morsel
from typing import Any, Callable, Optional, Union

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase

from ._request import CONTEXT_KEY
from .asgi import context_from_scope
from .config import SessionConfig
from .engine import SessionContext
from .errors import ConfigError
from .wsgi import attach_context

__all__ = ["H3SessionMiddleware", "settings_config"]

GetResponse = Callable[[HttpRequest], Any]


def settings_config() -> Optional[SessionConfig]:
    """``settings.H3SESSION`` as a config: a SessionConfig, h3's option mapping, or unset."""
    value: Union[SessionConfig, Mapping[str, Any], None] = getattr(settings, "H3SESSION", None)
    if value is None or isinstance(value, SessionConfig):
        return value
    try:
        return SessionConfig.from_h3(value)
    except ConfigError as error:
        raise ImproperlyConfigured(f"settings.H3SESSION: {error}") from error


class _RawMorsel(Morsel[str]):
    """A Set-Cookie line Django writes out verbatim.

    ``response.cookies`` is the only way to send several Set-Cookie lines from Django,
    and re-serialising through :class:`Morsel` would lose h3's attribute order,
    ``Priority`` and ``Partitioned``; Django calls ``output(header="")`` for each morsel.
    """

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line

    def OutputString(self, attrs: Any = None) -> str:  # Morsel's own method name
        return self.line

    def output(self, attrs: Any = None, header: str = "Set-Cookie:") -> str:
        return f"{header} {self.line}" if header else self.line


def _write_cookies(ctx: SessionContext, response: HttpResponseBase) -> None:
    for index, line in enumerate(ctx.set_cookie_lines()):
        name = line.split("=", 1)[0]
        # Keyed by name so a session cookie replaces one the view set; two of ours both stay.
        key = f"{name}\x00{index}" if isinstance(response.cookies.get(name), _RawMorsel) else name
        response.cookies[key] = _RawMorsel(line)


class H3SessionMiddleware:
    """Attach a session context to each request and write its Set-Cookie lines to the response."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.config = settings_config()
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def _attach(self, request: HttpRequest) -> SessionContext:
        scope = getattr(request, "scope", None)
        if not isinstance(scope, MutableMapping):
            return attach_context(request.META, self.config)
        # ASGI: read the raw header lines; Django's META joins several Cookie lines with ","
        # where Node joins them with "; " (row j5), which would hide every cookie after the first.
        ctx = scope[CONTEXT_KEY] = context_from_scope(scope, self.config)
        return ctx

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        ctx = self._attach(request)
        response: HttpResponseBase = self.get_response(request)
        _write_cookies(ctx, response)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        ctx = self._attach(request)
        pending: Awaitable[HttpResponseBase] = self.get_response(request)
        response = await pending
        _write_cookies(ctx, response)
        return response
