"""h3-compatible sealed cookie sessions for WSGI and ASGI.

A session is h3's ``{id, createdAt, data}``, sealed with iron (Fe26.2) into a
cookie that a Nuxt/h3 app with the same password, name and profile can read,
and vice versa.  Start with :func:`use_session` inside
:class:`h3session.wsgi.SessionMiddleware` or :class:`h3session.asgi.SessionMiddleware`.
"""

from __future__ import annotations

from .api import (
    clear_session,
    get_session,
    seal_session,
    unseal_session,
    update_session,
    use_session,
    use_session_async,
)
from .config import CookieOptions, Profile, SessionConfig
from .engine import Session, SessionContext, SessionExpiredError, SessionManager
from .errors import (
    ConfigError,
    CookieError,
    CookieTooLargeError,
    H3SessionError,
    IronError,
    MiddlewareMissingError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "CookieError",
    "CookieOptions",
    "CookieTooLargeError",
    "H3SessionError",
    "IronError",
    "MiddlewareMissingError",
    "Profile",
    "Session",
    "SessionConfig",
    "SessionContext",
    "SessionExpiredError",
    "SessionManager",
    "__version__",
    "clear_session",
    "get_session",
    "seal_session",
    "unseal_session",
    "update_session",
    "use_session",
    "use_session_async",
]
