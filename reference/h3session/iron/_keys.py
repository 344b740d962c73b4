"""PBKDF2 key derivation with a bounded, thread-safe cache of derived keys.

An 8192-iteration derivation costs milliseconds, and a browser sends the same
cookie on every request, so the keys of a token are worth remembering.  The
cache key is everything that determines the derived bytes: a keyed BLAKE2b
fingerprint of the secret (so the password is not stored a second time and a
different password can never hit), the salt text, the iteration count and the
key length.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from typing import Literal, Optional

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ._passwords import Secret

#: Big enough for two keys of several thousand live sessions, small in memory (~1.5 MB).
DEFAULT_CACHE_SIZE = 8192

_FINGERPRINT_KEY = secrets.token_bytes(32)


def fingerprint(secret: Secret) -> bytes:
    """A per-process keyed digest that identifies a secret without keeping it."""
    data = secret.encode("utf-8", "surrogatepass") if isinstance(secret, str) else secret
    return hashlib.blake2b(data, key=_FINGERPRINT_KEY, digest_size=16).digest()


#: Which PBKDF2 runs above one iteration; benchmarks switch it to compare (BENCHMARKS.md).
Backend = Literal["cryptography", "hashlib"]
backend: Backend = "cryptography"


def pbkdf2_sha1(secret: Secret, salt: str, iterations: int, length: int) -> bytes:
    """PBKDF2-HMAC-SHA1 over the UTF-8 password and the salt's *text*, as iron does.

    Decided by measurement (BENCHMARKS.md): ``cryptography`` derives 8192
    iterations ~1.7x faster than ``hashlib``.  ``hashlib`` releases the GIL
    and ``cryptography`` does not, yet on two cores the faster one still gave
    the better event-loop p99 with never-seen tokens mixed in, because there
    was no idle core for a slower, GIL-free derivation to use.
    """
    password = secret.encode("utf-8", "surrogatepass") if isinstance(secret, str) else secret
    salt_bytes = salt.encode("utf-8", "surrogatepass")
    # One round is a single HMAC: hashlib avoids the object set-up cost that dominates there.
    if iterations == 1 or backend == "hashlib":
        return hashlib.pbkdf2_hmac("sha1", password, salt_bytes, iterations, length)
    kdf = PBKDF2HMAC(algorithm=hashes.SHA1(), length=length, salt=salt_bytes, iterations=iterations)  # noqa: S303
    return kdf.derive(password)


class KeyCache:
    """An LRU of derived keys; ``maxsize=0`` turns it off."""

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if maxsize < 0:
            raise ValueError("maxsize must be >= 0")
        self.maxsize = maxsize
        self._keys: OrderedDict[tuple[bytes, str, int, int], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def derive(self, secret: Secret, salt: str, iterations: int, length: int, *, remember: bool = True) -> bytes:
        if self.maxsize == 0:
            return pbkdf2_sha1(secret, salt, iterations, length)
        cache_key = (fingerprint(secret), salt, iterations, length)
        found = self.get(cache_key)
        if found is not None:
            return found
        key = pbkdf2_sha1(secret, salt, iterations, length)
        if remember:
            self._put(cache_key, key)
        return key

    def remember(self, secret: Secret, salt: str, iterations: int, length: int, key: bytes) -> None:
        """Store a key derived elsewhere (after its token was verified)."""
        if self.maxsize:
            self._put((fingerprint(secret), salt, iterations, length), key)

    def contains(self, secret: Secret, salt: str, iterations: int, length: int) -> bool:
        """Whether ``derive`` would return without running PBKDF2."""
        if self.maxsize == 0:
            return False
        with self._lock:
            return (fingerprint(secret), salt, iterations, length) in self._keys

    def get(self, cache_key: tuple[bytes, str, int, int]) -> Optional[bytes]:
        with self._lock:
            key = self._keys.get(cache_key)
            if key is None:
                self.misses += 1
                return None
            self._keys.move_to_end(cache_key)
            self.hits += 1
            return key

    def _put(self, cache_key: tuple[bytes, str, int, int], key: bytes) -> None:
        with self._lock:
            self._keys[cache_key] = key
            self._keys.move_to_end(cache_key)
            while len(self._keys) > self.maxsize:
                self._keys.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._keys)


#: The process-wide cache used when a caller passes none.
default_cache = KeyCache()
#: A cache that never remembers: for callers that opt out.
no_cache = KeyCache(0)
