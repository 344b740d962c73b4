"""The session layer's exception tree.

Misuse (bad configuration, a missing middleware) fails loudly and early with a
:class:`ConfigError`; untrusted input never raises here: an invalid token is a
fresh session.  A session too large to store is an error, never a silently
dropped cookie.
"""

from __future__ import annotations

from .iron import IronError


class H3SessionError(Exception):
    """Root of the session layer's errors (iron's own errors root at :class:`IronError`)."""


class ConfigError(H3SessionError, ValueError):
    """A configuration h3 would reject, or would accept and then misbehave with."""


class CookieError(H3SessionError, ValueError):
    """A cookie name, value or attribute that cannot be serialized."""


class CookieTooLargeError(CookieError):
    """The sealed session does not fit in the cookies a browser keeps."""


class MiddlewareMissingError(H3SessionError, RuntimeError):
    """``use_session`` was called on a request that no session middleware has seen."""


__all__ = [
    "ConfigError",
    "CookieError",
    "CookieTooLargeError",
    "H3SessionError",
    "IronError",
    "MiddlewareMissingError",
]
