"""Iron tokens for scenarios: forge any JSON, tamper one named part, decode what an app sets.

Only `h3session.iron` is used from the reference: the kit judges implementations as black boxes.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import quote as percent_encode

from h3session.iron import IronError, KeyOptions, SealOptions, preset, resolve_options, seal, unseal

from .timespec import TimeSpecError, parse_relative

__all__ = [
    "CHUNK_PREFIX",
    "ITERATIONS",
    "Decoded",
    "TamperError",
    "chunk",
    "decode",
    "forge",
    "join_chunks",
    "resolve_times",
    "tamper",
    "wrap",
]

ITERATIONS = {"v1": 1, "v2": 8192}
CHUNK_PREFIX = "__chunked__"
_B64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
_HEX = "0123456789abcdef"
_PART_INDEX = {
    "prefix": 0,
    "pwid": 1,
    "enc-salt": 2,
    "iv": 3,
    "ciphertext": 4,
    "expiration": 5,
    "hmac-salt": 6,
    "mac": 7,
    "mac-first-char": 7,
    "mac-last-char": 7,
}
# Decoding inspects what an app set; expiry is a separate expectation, so never reject on it.
_NO_EXPIRY_SKEW_SEC = 10**10


class TamperError(ValueError):
    """The token cannot be tampered as asked (it is not an 8-part Fe26 token)."""


def _options(iterations: int, algorithm: str, ttl: int = 0, skew: int = 60) -> SealOptions:
    # min_password_length 0: the kit must be able to forge with whatever a scenario gives.
    return SealOptions(
        encryption=KeyOptions(algorithm=algorithm, iterations=iterations, min_password_length=0),  # type: ignore[arg-type]
        integrity=KeyOptions(algorithm="sha256", iterations=iterations, min_password_length=0),
        ttl=ttl,
        timestamp_skew_sec=skew,
    )


def resolve_times(payload: Any, now_ms: int) -> Any:
    """In a forged table, top-level createdAt / lastSeenAt written as "now-8d" become epoch ms."""
    if not isinstance(payload, dict):
        return payload
    resolved = dict(payload)
    for key in ("createdAt", "lastSeenAt"):
        value = resolved.get(key)
        # Any other string is kept: a literal odd payload (h3-behavior g3).
        if isinstance(value, str):
            with contextlib.suppress(TimeSpecError):
                resolved[key] = parse_relative(value).at(now_ms)
    return resolved


def forge(
    payload: Any,
    password: str,
    *,
    iterations: int,
    now_ms: int,
    algorithm: str = "aes-256-cbc",
    ttl_ms: Optional[int] = None,
    expiration_ms: Optional[int] = None,
) -> str:
    """Seal `payload` like an h3 app would; `expiration_ms` sets iron's expiration exactly."""
    if expiration_ms is not None:
        # iron writes expiration = now + ttl; a 1 ms ttl sealed 1 ms before gives the exact value.
        return seal(payload, password, _options(iterations, algorithm, ttl=1), now=expiration_ms - 1)
    return seal(payload, password, _options(iterations, algorithm, ttl=ttl_ms or 0), now=now_ms)


def _flip(text: str, index: int, alphabet: str) -> str:
    char = text[index]
    if char not in alphabet:
        replacement = "A" if char != "A" else "B"
    elif alphabet is _HEX:
        replacement = _HEX[_HEX.index(char) ^ 8]
    else:
        # XOR 32 changes the top bit of the sextet, which every base64 position carries
        # (the last character of a 43-char MAC only has meaningful top bits).
        replacement = alphabet[alphabet.index(char) ^ 32]
    return text[:index] + replacement + text[index + 1 :]


def tamper(token: str, part: str, now_ms: int) -> str:
    """Change exactly the named part of an Fe26 token (see SCENARIOS.md, "Tampering")."""
    parts = token.split("*")
    if part == "parts-7":
        return "*".join(parts[:-1])
    if part == "parts-9":
        return token + "*x"
    if len(parts) != 8:
        raise TamperError(f"cannot tamper {part!r}: the token has {len(parts)} parts, not 8")
    index = _PART_INDEX[part]
    value = parts[index]
    if part == "prefix":
        value = "Fe26.1"
    elif part == "pwid":
        value = value + "kit"
    elif part == "expiration":
        value = str(int(value) + 1000) if value.isdigit() else str(now_ms + 3_600_000)
    elif not value:
        raise TamperError(f"cannot tamper {part!r}: that part is empty")
    else:
        alphabet = _HEX if part in ("enc-salt", "hmac-salt") else _B64URL
        position = {"mac-first-char": 0, "mac-last-char": len(value) - 1}.get(part, len(value) // 2)
        value = _flip(value, position, alphabet)
    parts[index] = value
    return "*".join(parts)


def wrap(value: str, *, urlencode: bool, quote: bool) -> str:
    """The urlencode and quote modifiers: every byte but A-Z a-z 0-9 - _ . ~ is %-encoded."""
    if urlencode:
        value = percent_encode(value, safe="")
    return f'"{value}"' if quote else value


def chunk(name: str, token: str, size: int) -> list[tuple[str, str]]:
    """h3 v2's chunked form: NAME=__chunked__N, then NAME.1 .. NAME.N of `size` characters."""
    pieces = [token[i : i + size] for i in range(0, len(token), size)] or [""]
    return [(name, f"{CHUNK_PREFIX}{len(pieces)}")] + [(f"{name}.{i}", piece) for i, piece in enumerate(pieces, 1)]


def join_chunks(name: str, values: Mapping[str, str]) -> Optional[str]:
    """The token stored under `name`, chunks joined; None when it or a chunk is missing."""
    value = values.get(name)
    if value is None or not value.startswith(CHUNK_PREFIX):
        return value
    count = value[len(CHUNK_PREFIX) :]
    if not count.isdigit():
        return None
    pieces = [values.get(f"{name}.{i}") for i in range(1, int(count) + 1)]
    return None if any(p is None for p in pieces) else "".join(p for p in pieces if p)


@dataclass(frozen=True)
class Decoded:
    """What the kit learned from a token: the session object, or why it does not unseal."""

    token: str
    value: Any = None
    ok: bool = False
    iterations: Optional[int] = None
    expiration: Optional[int] = None
    error: Optional[str] = None
    key_order: tuple[str, ...] = field(default=())


def _configured(seal_config: Any, profile: str) -> SealOptions:
    """The app's own seal options when its config has usable ones, else the profile preset."""
    base = preset(profile)
    if isinstance(seal_config, Mapping):
        keys = {k: v for k, v in seal_config.items() if k in ("encryption", "integrity")}
        try:
            return resolve_options(keys, base)
        except (IronError, TypeError):
            return base
    return base


def decode(token: str, password: Any, profile: str, seal_config: Any = None) -> Decoded:
    """Unseal with the config password: the configured iterations first, then the other preset's."""
    parts = token.split("*")
    expiration = int(parts[5]) if len(parts) == 8 and parts[5].isdigit() else None
    configured = _configured(seal_config, profile)
    tried = [configured.encryption.iterations, ITERATIONS[profile], *ITERATIONS.values()]
    error = "not tried"
    for iterations in dict.fromkeys(tried):
        options = _options(iterations, configured.encryption.algorithm, skew=_NO_EXPIRY_SKEW_SEC)
        try:
            value = unseal(token, password, options)
        except IronError as exc:
            error = exc.reason
            continue
        order = tuple(value) if isinstance(value, dict) else ()
        return Decoded(token, value, True, iterations, expiration, None, order)
    return Decoded(token, expiration=expiration, error=error)
