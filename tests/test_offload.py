"""Cold derivations for async callers run in a small pool of threads of their own, never on the loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from h3session import SessionConfig, SessionContext, _offload, iron, use_session_async

PASSWORD = "a-password-of-at-least-thirty-two-characters"


def where() -> tuple[str, int]:
    return threading.current_thread().name, threading.get_ident()


def test_work_runs_in_the_pool_not_on_the_loop() -> None:
    name, ident = asyncio.run(_offload.run(where))
    assert name.startswith("h3session-kdf")
    assert ident != threading.get_ident()


def test_a_forked_child_gets_a_pool_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _offload.executor()
    monkeypatch.setattr(_offload, "_owner_pid", -1)  # what a child sees: a pool created by another pid
    assert _offload.executor() is not first
    assert _offload.executor() is _offload.executor()


def test_a_cold_session_opens_in_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    config = SessionConfig(PASSWORD, key_cache=iron.KeyCache(16), key_reuse=False)
    token = iron.seal({"id": "s", "createdAt": iron.now_ms(), "data": {"n": 1}}, PASSWORD, cache=iron.KeyCache(0))
    threads: list[str] = []
    real_open = _offload.run

    async def spy(func: object, *args: object) -> object:
        threads.append("pool")
        return await real_open(func, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_offload, "run", spy)
    ctx = SessionContext.from_headers({"cookie": f"h3={token}"})
    session = asyncio.run(use_session_async(ctx, config))
    assert session.data == {"n": 1}
    assert threads == ["pool"]
    # Now the keys are cached: the same cookie again opens right on the loop.
    again = asyncio.run(use_session_async(SessionContext.from_headers({"cookie": f"h3={token}"}), config))
    assert again.data == {"n": 1}
    assert threads == ["pool"]
