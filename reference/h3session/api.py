"""h3's session functions, taking any request the middleware has seen.

``request`` is a WSGI environ, an ASGI scope, a framework request carrying one,
or a :class:`SessionContext`.  ``config`` defaults to the middleware's.
"""

from __future__ import annotations

from typing import Any, Optional

from . import _offload, engine
from ._request import find_context
from .config import SessionConfig
from .engine import Session, SessionContext, SessionManager, Update
from .errors import ConfigError


def _bind(request: Any, config: Optional[SessionConfig]) -> tuple[SessionContext, SessionConfig]:
    ctx = find_context(request)
    chosen = config or ctx.default_config
    if chosen is None:
        raise ConfigError("no session config: pass one, or give the middleware a default config")
    return ctx, chosen


def use_session(request: Any, config: Optional[SessionConfig] = None) -> SessionManager:
    """The session manager (``id``, ``data``, ``update()``, ``clear()``), as h3's ``useSession``."""
    ctx, chosen = _bind(request, config)
    return engine.open_session(ctx, chosen)


async def use_session_async(request: Any, config: Optional[SessionConfig] = None) -> SessionManager:
    """``use_session`` for async code: a cold PBKDF2 derivation runs off the event loop."""
    ctx, chosen = _bind(request, config)
    if chosen.name in ctx.sessions or not engine.needs_derivation(ctx, chosen):
        return engine.open_session(ctx, chosen)
    return await _offload.run(engine.open_session_in_worker, ctx, chosen)


def get_session(request: Any, config: Optional[SessionConfig] = None) -> Session:
    ctx, chosen = _bind(request, config)
    return engine.get_session(ctx, chosen)


def update_session(request: Any, config: Optional[SessionConfig] = None, update: Update = None) -> Session:
    ctx, chosen = _bind(request, config)
    return engine.update_session(ctx, chosen, update)


def clear_session(request: Any, config: Optional[SessionConfig] = None) -> None:
    ctx, chosen = _bind(request, config)
    engine.clear_session(ctx, chosen)


def seal_session(request: Any, config: Optional[SessionConfig] = None) -> str:
    ctx, chosen = _bind(request, config)
    return engine.seal_session(ctx, chosen)


def unseal_session(request: Any, config: Optional[SessionConfig], token: str) -> dict[str, Any]:
    """Open ``token`` with h3's checks; raises the iron or expiry error instead of starting afresh."""
    ctx, chosen = _bind(request, config)
    return engine.unseal_session(ctx, chosen, token)[0]
