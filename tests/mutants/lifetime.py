"""Mutants that get the session's lifetime wrong (h3-behavior f1, f1b, g1, g2, s4.7, s4.8)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from h3session import SessionConfig, engine, iron

from ._mutant import Mutant, Patch

Unseal = Callable[..., Any]


def _expires_from_now(original: Callable[..., Optional[int]]) -> Callable[..., Optional[int]]:
    def expires(session: engine.Session, config: SessionConfig) -> Optional[int]:
        if config.max_age:
            return iron.now_ms() + int(config.max_age * 1000)  # the bug: sliding instead of createdAt + maxAge
        return original(session, config)

    return expires


def _no_age_check(original: Unseal) -> Unseal:
    def unseal_session(ctx: engine.SessionContext, config: SessionConfig, token: str) -> Any:
        return original(ctx, config.replace(max_age=None), token)

    return unseal_session


def _no_clock(original: Unseal) -> Unseal:
    def unseal(token: str, password: Any, options: Any = None, *, now: Optional[int] = None, cache: Any = None) -> Any:
        return original(token, password, options, now=0, cache=cache)  # the bug: expiration never compared

    return unseal


EXPIRES_FROM_NOW = Mutant(
    "expires-from-now",
    "Expires is now + maxAge on every write instead of createdAt + maxAge",
    patches=(Patch(engine, "_expires", _expires_from_now),),
)
MAX_AGE_NOT_ENFORCED = Mutant(
    "max-age-not-enforced",
    "maxAge sets Expires and the seal ttl, but createdAt is never checked",
    patches=(Patch(engine, "unseal_session", _no_age_check),),
)
EXPIRED_SEAL_ACCEPTED = Mutant(
    "expired-seal-accepted",
    "the iron expiration of a token is never compared with the clock",
    patches=(Patch(iron, "unseal", _no_clock),),
)

MUTANTS = (EXPIRES_FROM_NOW, MAX_AGE_NOT_ENFORCED, EXPIRED_SEAL_ACCEPTED)
