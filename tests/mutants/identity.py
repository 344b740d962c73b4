"""Mutants that lose the session's identity or its data (h3-behavior a2, b2, s4.2, s4.5)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Callable

from h3session import SessionConfig, engine

from ._mutant import Mutant, Patch


def _fresh_id(original: Callable[..., Any]) -> Callable[..., Any]:
    def unseal_session(ctx: engine.SessionContext, config: SessionConfig, token: str) -> Any:
        payload, legacy = original(ctx, config, token)
        return {**payload, "id": str(uuid.uuid4())}, legacy  # the bug: a new id on every load

    return unseal_session


def _replace_data(original: Callable[..., Any]) -> Callable[..., Any]:
    def update_session(ctx: engine.SessionContext, config: SessionConfig, update: Any = None) -> Any:
        if isinstance(update, Mapping) and update:
            session = ctx.sessions.get(config.name) or engine.get_session(ctx, config)
            session.data.clear()  # the bug: update() replaces the data instead of merging
        return original(ctx, config, update)

    return update_session


def _lazy_new_session(original: Callable[..., Any]) -> Callable[..., Any]:
    def open_session(ctx: engine.SessionContext, config: SessionConfig) -> engine.SessionManager:
        engine.get_session(ctx, config)  # the bug: a new session is sealed only once updated
        return engine.SessionManager(ctx, config)

    return open_session


NEW_ID_EVERY_REQUEST = Mutant(
    "new-id-every-request",
    "every request that loads a session gives it a new id",
    patches=(Patch(engine, "unseal_session", _fresh_id),),
)
UPDATE_REPLACES = Mutant(
    "update-replaces",
    "update() replaces the data instead of merging into it",
    patches=(Patch(engine, "update_session", _replace_data),),
)
NEW_SESSION_NOT_SEALED = Mutant(
    "new-session-not-sealed",
    "v2: a new session gets no Set-Cookie unless the handler updates it",
    patches=(Patch(engine, "open_session", _lazy_new_session),),
)

MUTANTS = (NEW_ID_EVERY_REQUEST, UPDATE_REPLACES, NEW_SESSION_NOT_SEALED)
