"""Where ASGI code runs cold PBKDF2 derivations: a small pool of low-priority threads.

Off the event loop, because an 8192-iteration derivation takes milliseconds
(issue 5); in a pool of its own, so that a flood of never-seen or forged
tokens queues there instead of taking every thread and core from the requests
whose keys are cached.  On Linux the pool's threads also run at a lower
priority (``nice`` +10), so when the CPU is short the event loop goes first.
Worker threads derive with ``hashlib``, which releases the GIL (iron/_keys.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

T = TypeVar("T")
#: Enough to use every core of a small machine; more would only compete with the loop.
MAX_WORKERS = max(1, min(4, os.cpu_count() or 1))
NICE = 10

_executor: Optional[ThreadPoolExecutor] = None
_owner_pid = 0
_lock = threading.Lock()


def _lower_priority() -> None:
    # Linux gives each thread its own nice value; elsewhere this is a no-op.
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


def executor() -> ThreadPoolExecutor:
    """The pool, created on first use and again in a forked child (a parent's threads do not survive fork)."""
    global _executor, _owner_pid
    with _lock:
        if _executor is None or _owner_pid != os.getpid():
            _executor = ThreadPoolExecutor(MAX_WORKERS, "h3session-kdf", initializer=_lower_priority)
            _owner_pid = os.getpid()
        return _executor


async def run(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` in the derivation pool, awaited without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(executor(), func, *args)
