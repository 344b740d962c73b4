"""FastAPI glue: the session as a dependency.

Importing this module needs FastAPI; ``import h3session`` never does.  The app still
needs :class:`h3session.asgi.SessionMiddleware` (``app.add_middleware(SessionMiddleware)``),
which carries the cookies to the response, error responses included::

    Session = Annotated[SessionManager, Depends(session_dependency(config))]

    @app.get("/")
    async def index(session: Session) -> str: ...

``config`` may also be a dependency that returns a :class:`SessionConfig` (settings loaded
at startup, or swapped in tests through ``app.dependency_overrides``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Callable, Optional, Union

from fastapi import Depends
from starlette.requests import HTTPConnection

from .api import use_session_async
from .config import SessionConfig
from .engine import SessionManager

__all__ = ["session_dependency"]

ConfigSource = Union[SessionConfig, Callable[..., Any], None]


def session_dependency(config: ConfigSource = None) -> Callable[..., Awaitable[SessionManager]]:
    """A dependency giving ``use_session`` of the request (``None``: the middleware's config).

    Cold key derivations run off the event loop, as with :func:`use_session_async`.
    """
    if config is None or isinstance(config, SessionConfig):
        fixed: Optional[SessionConfig] = config

        async def fixed_session(connection: HTTPConnection) -> SessionManager:
            return await use_session_async(connection, fixed)

        return fixed_session
    provider: Callable[..., Any] = config

    async def provided_session(
        connection: HTTPConnection,
        resolved: SessionConfig = Depends(provider),  # noqa: B008
    ) -> SessionManager:
        return await use_session_async(connection, resolved)

    return provided_session
