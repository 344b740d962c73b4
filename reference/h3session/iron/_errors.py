"""One exception tree for iron.

Untrusted input (a token from a cookie or a header) fails with a subclass of
:class:`IronTokenError`, whose message is iron's own wording and never contains
a secret; callers that must not leak an oracle catch the base class.  Caller
mistakes (a short password, unknown algorithm) raise :class:`IronConfigError`,
which is also a :class:`ValueError`.
"""

from __future__ import annotations


class IronError(Exception):
    """Root of every iron failure."""

    reason: str

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IronTokenError(IronError):
    """The token cannot be trusted: every failure to unseal is one of these."""


class PartCountError(IronTokenError):
    """The token does not have the eight `*`-separated parts of Fe26.2."""


class PrefixError(IronTokenError):
    """The token is not Fe26.2 (another version, or not iron at all)."""


class ExpirationFormatError(IronTokenError):
    """The expiration part is not a whole number of milliseconds."""


class ExpiredError(IronTokenError):
    """The token's own expiration (minus the allowed clock skew) has passed."""


class UnknownPasswordError(IronTokenError):
    """The token names a password id that the caller did not supply."""


class MacError(IronTokenError):
    """The HMAC does not match: tampered, or sealed with another password or iteration count."""


class DecryptError(IronTokenError):
    """The MAC matched but decryption or JSON parsing failed (only a key holder can cause this)."""


class IronConfigError(IronError, ValueError):
    """The caller misused iron: bad options or an unusable password."""


class PasswordTooShortError(IronConfigError):
    """A string password shorter than the configured minimum (32 by default)."""


class PasswordIdError(IronConfigError):
    """A password id that is not ``^[A-Za-z0-9_]+$``, as iron requires."""
