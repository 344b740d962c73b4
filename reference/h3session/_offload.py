"""Where ASGI code runs cold PBKDF2 derivations: a small pool of threads of its own.

Off the event loop, because an 8192-iteration derivation takes milliseconds
(issue 5).  In a pool of its own and a small one, because the derivation holds
the GIL (``cryptography`` is the faster PBKDF2 here, BENCHMARKS.md): each
extra thread deriving at once would take another share of the GIL from the
event loop, so a flood of never-seen or forged tokens queues here instead of
starving the requests whose keys are cached.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

T = TypeVar("T")
#: One thread derives while the other runs the Python around a derivation.
MAX_WORKERS = 2

_executor: Optional[ThreadPoolExecutor] = None
_owner_pid = 0
_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """The pool, created on first use and again in a forked child (a parent's threads do not survive fork)."""
    global _executor, _owner_pid
    with _lock:
        if _executor is None or _owner_pid != os.getpid():
            _executor = ThreadPoolExecutor(MAX_WORKERS, "h3session-kdf")
            _owner_pid = os.getpid()
        return _executor


def _after_fork() -> None:
    global _lock
    _lock = threading.Lock()  # a lock another thread held at fork time would stay held in the child


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


async def run(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` in the derivation pool, awaited without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(executor(), func, *args)
