"""Find the per-request :class:`SessionContext` on whatever request object a framework hands out.

The middleware stores the context in the WSGI environ or the ASGI scope under
:data:`CONTEXT_KEY`; every framework's request object carries one of those.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from .engine import SessionContext
from .errors import MiddlewareMissingError

CONTEXT_KEY = "h3session.context"
# environ: Flask/Werkzeug, Bottle, Pyramid, Django (WSGI); META: Django; env: Falcon (WSGI);
# scope: Starlette, FastAPI, Quart, Litestar, Django (ASGI), Falcon (ASGI).
_CARRIERS = ("environ", "scope", "META", "env")


def find_context(request: Any) -> SessionContext:
    """The context the session middleware attached to ``request``."""
    if isinstance(request, SessionContext):
        return request
    if isinstance(request, MutableMapping):
        found = request.get(CONTEXT_KEY)
        if isinstance(found, SessionContext):
            return found
    else:
        for attribute in _CARRIERS:
            carrier = getattr(request, attribute, None)
            if isinstance(carrier, MutableMapping):
                found = carrier.get(CONTEXT_KEY)
                if isinstance(found, SessionContext):
                    return found
    raise MiddlewareMissingError(
        "no h3session context on this request: wrap the application in "
        "h3session.wsgi.SessionMiddleware (WSGI) or h3session.asgi.SessionMiddleware (ASGI)"
    )
