"""Bounded reuse of sealing keys: one pair of salts and derived keys for many seals.

Every Fe26.2 token carries its own salts, so a reader derives whatever keys a
token names; nothing obliges a sealer to pick new salts for every token.  An
8192-iteration seal spends two PBKDF2 derivations on salts nobody asked for;
reusing one pair for a bounded time and number of seals (the IV stays fresh
every time) makes sealing as cheap as AES plus HMAC.  SECURITY.md ("Key
reuse") justifies the default bounds.
"""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, NamedTuple, Optional

from . import _codec
from ._errors import IronConfigError
from ._keys import KeyCache, fingerprint
from ._options import KeyOptions, SealOptions
from ._passwords import Password, check_length

#: One minute and 65,536 seals: see SECURITY.md, "Key reuse".
DEFAULT_MAX_AGE_S = 60.0
DEFAULT_MAX_USES = 65_536
#: Distinct (password, options) pairs one pool tracks; more means configs are built dynamically.
MAX_SLOTS = 64
#: ``needs_rotation`` answers yes this early so async callers rotate off the event loop first.
HEADROOM = 0.02


@dataclass(frozen=True)
class KeyReuse:
    """How long (seconds) and for how many seals one pair of derived keys may seal."""

    max_age_s: float = DEFAULT_MAX_AGE_S
    max_uses: int = DEFAULT_MAX_USES

    def __post_init__(self) -> None:
        age = self.max_age_s
        if isinstance(age, bool) or not isinstance(age, (int, float)) or not math.isfinite(age) or age <= 0:
            raise IronConfigError(f"key reuse max_age_s must be a positive number of seconds, got {age!r}")
        uses = self.max_uses
        if isinstance(uses, bool) or not isinstance(uses, int) or uses < 1:
            raise IronConfigError(f"key reuse max_uses must be an integer >= 1, got {uses!r}")


#: The reference's default: reuse on, within the bounds above.
DEFAULT_KEY_REUSE = KeyReuse()


class SealKeys(NamedTuple):
    encryption_key: bytes
    encryption_salt: str
    integrity_key: bytes
    integrity_salt: str


_SlotKey = tuple[bytes, bytes, str, KeyOptions, KeyOptions]


class _Slot:
    __slots__ = ("born", "keys", "uses")

    def __init__(self, keys: SealKeys, born: float) -> None:
        self.keys = keys
        self.born = born
        self.uses = 0

    def usable(self, now: float, policy: KeyReuse, share: float = 1.0) -> bool:
        # A clock that went backwards (now < born) also retires the slot.
        return self.uses < policy.max_uses * share and 0 <= now - self.born < policy.max_age_s * share


def reusable(pw: Password) -> bool:
    """Raw-bytes keys are used as they are: nothing is derived, so nothing is worth reusing."""
    return isinstance(pw.encryption, str) and isinstance(pw.integrity, str)


class ReusePool:
    """Thread-safe: the sealing keys in use for each (password, options), rotated within ``policy``.

    ``clock`` (monotonic seconds) is injectable so tests never sleep.
    """

    def __init__(
        self,
        policy: KeyReuse = DEFAULT_KEY_REUSE,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_slots: int = MAX_SLOTS,
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._max_slots = max_slots
        self._slots: OrderedDict[_SlotKey, _Slot] = OrderedDict()
        self._lock = threading.Lock()
        self.rotations = 0
        _POOLS.add(self)

    def take(self, pw: Password, opts: SealOptions, cache: KeyCache) -> SealKeys:
        """The keys for one seal: the current pair if within bounds, else a freshly derived pair."""
        slot_key = _slot_key(pw, opts)
        with self._lock:
            slot = self._slots.get(slot_key)
            if slot is not None and slot.usable(self._clock(), self.policy):
                slot.uses += 1
                return slot.keys
        # Derive outside the lock: threads that seal meanwhile are not held up for milliseconds.
        return self._install(slot_key, pw, opts, cache, uses=1).keys

    def needs_rotation(self, pw: Password, opts: SealOptions) -> bool:
        """Whether a seal soon would derive (no pair yet, or the pair is near either bound)."""
        if not reusable(pw):
            return False
        with self._lock:
            slot = self._slots.get(_slot_key(pw, opts))
            return slot is None or not slot.usable(self._clock(), self.policy, 1.0 - HEADROOM)

    def prepare(self, pw: Password, opts: SealOptions, cache: KeyCache) -> None:
        """Rotate now if :meth:`needs_rotation`; meant for a worker thread, ahead of the seal."""
        if self.needs_rotation(pw, opts):
            self._install(_slot_key(pw, opts), pw, opts, cache, uses=0)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()

    def _install(self, slot_key: _SlotKey, pw: Password, opts: SealOptions, cache: KeyCache, *, uses: int) -> _Slot:
        keys = _fresh_keys(pw, opts, cache)
        slot = _Slot(keys, self._clock())
        slot.uses = uses
        with self._lock:
            self._slots[slot_key] = slot
            self._slots.move_to_end(slot_key)
            while len(self._slots) > self._max_slots:
                self._slots.popitem(last=False)
            self.rotations += 1
        return slot


def _slot_key(pw: Password, opts: SealOptions) -> _SlotKey:
    # The fingerprints name the secrets without storing them again (as KeyCache does).  A config
    # passes the same Password on every request: remember its key by identity, weakly.
    last = _last_key
    if last is not None and last[0]() is pw and last[1]() is opts:
        return last[2]
    key = (fingerprint(pw.encryption), fingerprint(pw.integrity), pw.id, opts.encryption, opts.integrity)
    _remember_key(pw, opts, key)
    return key


_last_key: Optional[tuple[weakref.ref[Password], weakref.ref[SealOptions], _SlotKey]] = None


def _remember_key(pw: Password, opts: SealOptions, key: _SlotKey) -> None:
    global _last_key
    _last_key = (weakref.ref(pw), weakref.ref(opts), key)  # one assignment: threads see old or new


def _derive(secret: str, key: KeyOptions, cache: KeyCache) -> tuple[bytes, str]:
    check_length(secret, key.min_password_length, key.key_bytes)
    salt = _codec.random_salt(key.salt_bits)
    # Remembered in the cache: the tokens sealed with these keys come straight back as cookies.
    return cache.derive(secret, salt, key.iterations, key.key_bytes), salt


def _fresh_keys(pw: Password, opts: SealOptions, cache: KeyCache) -> SealKeys:
    assert isinstance(pw.encryption, str), "see reusable()"
    assert isinstance(pw.integrity, str), "see reusable()"
    enc_key, enc_salt = _derive(pw.encryption, opts.encryption, cache)
    mac_key, mac_salt = _derive(pw.integrity, opts.integrity, cache)
    return SealKeys(enc_key, enc_salt, mac_key, mac_salt)


_POOLS: weakref.WeakSet[ReusePool] = weakref.WeakSet()
_SHARED: dict[KeyReuse, ReusePool] = {}
_SHARED_LOCK = threading.Lock()


def shared_pool(policy: KeyReuse) -> ReusePool:
    """The process-wide pool for ``policy``: configs rebuilt per request still share their keys."""
    with _SHARED_LOCK:
        pool = _SHARED.get(policy)
        if pool is None:
            pool = _SHARED[policy] = ReusePool(policy)
        return pool


def _forget_after_fork() -> None:
    # A forked worker (gunicorn --preload) starts its own pairs rather than sharing its parent's;
    # new locks, since a lock another thread held at fork time would stay held in the child.
    global _SHARED_LOCK
    _SHARED_LOCK = threading.Lock()
    for pool in list(_POOLS):
        pool._slots.clear()
        pool._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def maybe_take(reuse: Optional[ReusePool], pw: Password, opts: SealOptions, cache: KeyCache) -> Optional[SealKeys]:
    """The pool's keys when reuse applies to this password, else ``None`` (derive per seal)."""
    if reuse is None or not reusable(pw):
        return None
    return reuse.take(pw, opts, cache)
