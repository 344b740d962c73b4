"""Iron's SealOptions as typed, frozen values, plus the presets h3 uses.

Options arrive either typed or as iron's own camelCase mapping, so a JavaScript
config can be pasted verbatim.  Mappings are *deep*-merged over a base preset:
h3 merges shallowly and then fails every request when only ``iterations`` is
given (h3-behavior row i5); a deep merge is the sane reading of the same input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Union

from ._errors import IronConfigError

Algorithm = Literal["aes-256-cbc", "aes-128-ctr", "sha256"]

#: Key size in bytes for each algorithm iron knows (all use a 128-bit IV where one applies).
KEY_BYTES: Mapping[str, int] = {"aes-256-cbc": 32, "aes-128-ctr": 16, "sha256": 32}
ENCRYPTION_ALGORITHMS = ("aes-256-cbc", "aes-128-ctr")
INTEGRITY_ALGORITHMS = ("sha256",)


@dataclass(frozen=True)
class KeyOptions:
    """How one key (encryption or integrity) is derived from a password."""

    algorithm: Algorithm
    salt_bits: int = 256
    iterations: int = 1
    min_password_length: int = 32

    @property
    def key_bytes(self) -> int:
        return KEY_BYTES[self.algorithm]

    def to_iron(self) -> dict[str, Any]:
        return {
            "saltBits": self.salt_bits,
            "algorithm": self.algorithm,
            "iterations": self.iterations,
            "minPasswordlength": self.min_password_length,
        }


@dataclass(frozen=True)
class SealOptions:
    """Iron's SealOptions; ``ttl`` and the skew are in iron's units (ms and seconds)."""

    encryption: KeyOptions
    integrity: KeyOptions
    ttl: int = 0
    timestamp_skew_sec: int = 60
    localtime_offset_msec: int = 0

    def __post_init__(self) -> None:
        _check_key(self.encryption, ENCRYPTION_ALGORITHMS, "encryption")
        _check_key(self.integrity, INTEGRITY_ALGORITHMS, "integrity")
        for field, value in (
            ("ttl", self.ttl),
            ("timestampSkewSec", self.timestamp_skew_sec),
            ("localtimeOffsetMsec", self.localtime_offset_msec),
        ):
            if not _is_int(value):
                raise IronConfigError(f"{field} must be an integer, got {type(value).__name__}")
        if self.ttl < 0 or self.timestamp_skew_sec < 0:
            raise IronConfigError("ttl and timestampSkewSec must not be negative")

    def with_iterations(self, iterations: int) -> SealOptions:
        """The same options with both keys derived ``iterations`` times (legacy fallback)."""
        return dataclasses.replace(
            self,
            encryption=dataclasses.replace(self.encryption, iterations=iterations),
            integrity=dataclasses.replace(self.integrity, iterations=iterations),
        )

    def with_ttl(self, ttl: int) -> SealOptions:
        return dataclasses.replace(self, ttl=ttl)

    def to_iron(self) -> dict[str, Any]:
        """Iron's camelCase mapping, as JavaScript would spell it."""
        return {
            "encryption": self.encryption.to_iron(),
            "integrity": self.integrity.to_iron(),
            "ttl": self.ttl,
            "timestampSkewSec": self.timestamp_skew_sec,
            "localtimeOffsetMsec": self.localtime_offset_msec,
        }


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_key(key: KeyOptions, allowed: tuple[str, ...], which: str) -> None:
    if key.algorithm not in allowed:
        raise IronConfigError(f"Unknown {which} algorithm: {key.algorithm!r} (use one of {allowed})")
    for field, value, low in (
        ("saltBits", key.salt_bits, 1),
        ("iterations", key.iterations, 1),
        ("minPasswordlength", key.min_password_length, 0),
    ):
        if not _is_int(value) or value < low:
            raise IronConfigError(f"{which}.{field} must be an integer >= {low}, got {value!r}")


#: iron-webcrypto's and @hapi/iron's own defaults; also exactly what h3 v1 seals with.
PRESET_V1 = SealOptions(
    encryption=KeyOptions(algorithm="aes-256-cbc", iterations=1),
    integrity=KeyOptions(algorithm="sha256", iterations=1),
)
IRON_DEFAULTS = PRESET_V1
#: h3 v2 bundles the same algorithm with 8192 PBKDF2 iterations (h3-behavior section 0).
PRESET_V2 = PRESET_V1.with_iterations(8192)

_PRESETS: Mapping[str, SealOptions] = {"v1": PRESET_V1, "v2": PRESET_V2}

OptionsInput = Union[SealOptions, Mapping[str, Any], None]

_TOP_KEYS = {
    "ttl": "ttl",
    "timestampSkewSec": "timestamp_skew_sec",
    "localtimeOffsetMsec": "localtime_offset_msec",
}
_KEY_KEYS = {
    "saltBits": "salt_bits",
    "algorithm": "algorithm",
    "iterations": "iterations",
    "minPasswordlength": "min_password_length",
}


def preset(profile: str) -> SealOptions:
    """The seal options h3 ``profile`` ("v1" or "v2") uses."""
    try:
        return _PRESETS[profile]
    except KeyError:
        raise IronConfigError(f"unknown profile {profile!r}: use 'v1' or 'v2'") from None


def resolve_options(options: OptionsInput, base: SealOptions = PRESET_V2) -> SealOptions:
    """Typed options as given, a camelCase mapping deep-merged over ``base``, or ``base``."""
    if options is None:
        return base
    if isinstance(options, SealOptions):
        return options
    if not isinstance(options, Mapping):
        raise IronConfigError(f"seal options must be SealOptions or a mapping, not {type(options).__name__}")
    changes: dict[str, Any] = {}
    for key, value in options.items():
        if key in ("encryption", "integrity"):
            changes[key] = _merge_key(getattr(base, key), value, key)
        elif key in _TOP_KEYS:
            changes[_TOP_KEYS[key]] = value
        else:
            raise IronConfigError(
                f"unknown seal option {key!r} (iron's names: {sorted([*_TOP_KEYS, 'encryption', 'integrity'])})"
            )
    return dataclasses.replace(base, **changes)


def _merge_key(base: KeyOptions, value: object, which: str) -> KeyOptions:
    if isinstance(value, KeyOptions):
        return value
    if not isinstance(value, Mapping):
        raise IronConfigError(f"seal option {which!r} must be a mapping")
    changes: dict[str, Any] = {}
    for key, item in value.items():
        if key not in _KEY_KEYS:
            raise IronConfigError(f"unknown seal option {which}.{key} (iron's names: {sorted(_KEY_KEYS)})")
        changes[_KEY_KEYS[key]] = item
    return dataclasses.replace(base, **changes)
