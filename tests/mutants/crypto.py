"""Mutants that open tokens they should refuse, or seal them wrongly (h3-behavior e1-e3, i1, s4.1)."""

from __future__ import annotations

from typing import Any, Callable

from h3session import H3SessionError, SessionConfig, engine, iron
from h3session.iron import _codec, _seal

from ._mutant import Mutant, Patch, option

DOCS_PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
_ONE_ITERATION = {
    "encryption": {"saltBits": 256, "algorithm": "aes-256-cbc", "iterations": 1, "minPasswordlength": 32},
    "integrity": {"saltBits": 256, "algorithm": "sha256", "iterations": 1, "minPasswordlength": 32},
}


def _accept_any_mac(original: Callable[[str, str], bool]) -> Callable[[str, str], bool]:
    def same_mac(expected: str, given: str) -> bool:
        return True  # the bug: the comparison is computed nowhere

    return same_mac


def _docs_password_fallback(original: Callable[..., Any]) -> Callable[..., Any]:
    def unseal_session(ctx: engine.SessionContext, config: SessionConfig, token: str) -> Any:
        try:
            return original(ctx, config, token)
        except (iron.IronError, H3SessionError):
            # the bug: a development fallback left in, trying the docs' example password
            return original(ctx, config.replace(password=DOCS_PASSWORD), token)

    return unseal_session


def _truncated_password(original: Callable[..., Any]) -> Callable[..., Any]:
    def derive(secret: Any, key_options: Any, salt: Any, cache: Any, *, remember: bool = True) -> Any:
        if isinstance(secret, str):
            secret = secret[:32]  # the bug: only the first 32 characters make the key
        return original(secret, key_options, salt, cache, remember=remember)

    return derive


MAC_NOT_CHECKED = Mutant(
    "mac-not-checked",
    "the HMAC of a token is computed but its comparison never fails",
    patches=(Patch(_codec, "same_mac", _accept_any_mac),),
)
FOREIGN_PASSWORD_ACCEPTED = Mutant(
    "foreign-password-accepted",
    "a token the configured password cannot open is retried with the docs password",
    patches=(Patch(engine, "unseal_session", _docs_password_fallback),),
)
PASSWORD_TRUNCATED = Mutant(
    "password-truncated",
    "keys are derived from the first 32 characters of the password only",
    patches=(Patch(_seal, "derive", _truncated_password),),
)
NO_LEGACY_FALLBACK = Mutant(
    "no-legacy-fallback",
    "v2 does not retry a bad MAC with 1 iteration, so v1 cookies are lost",
    options=option("legacySealFallback", False, ("v2",)),
)
V2_ONE_ITERATION = Mutant(
    "v2-one-iteration",
    "v2 seals with iron's own default of 1 PBKDF2 iteration instead of 8192",
    options=option("seal", _ONE_ITERATION, ("v2",)),
)

MUTANTS = (MAC_NOT_CHECKED, FOREIGN_PASSWORD_ACCEPTED, PASSWORD_TRUNCATED, NO_LEGACY_FALLBACK, V2_ONE_ITERATION)
