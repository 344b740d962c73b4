"""Iron Fe26.2 sealing, byte-compatible with iron-webcrypto, @hapi/iron and h3.

``seal(obj, password)`` and ``unseal(token, password)`` default to the h3 v2
preset (PBKDF2 with 8192 iterations); ``PRESET_V1`` is what h3 v1 and iron
itself use.  Options may be typed (:class:`SealOptions`) or iron's camelCase
mapping, deep-merged over the preset.
"""

from __future__ import annotations

from ._errors import (
    DecryptError,
    ExpirationFormatError,
    ExpiredError,
    IronConfigError,
    IronError,
    IronTokenError,
    MacError,
    PartCountError,
    PasswordIdError,
    PasswordTooShortError,
    PrefixError,
    UnknownPasswordError,
)
from ._keys import DEFAULT_CACHE_SIZE, KeyCache, default_cache, no_cache
from ._options import (
    IRON_DEFAULTS,
    PRESET_V1,
    PRESET_V2,
    KeyOptions,
    OptionsInput,
    SealOptions,
    preset,
    resolve_options,
)
from ._passwords import Password, PasswordInput, js_length
from ._reuse import DEFAULT_KEY_REUSE, DEFAULT_MAX_AGE_S, DEFAULT_MAX_USES, KeyReuse, ReusePool, shared_pool
from ._seal import MAC_PREFIX, SealParts, now_ms, seal, unseal

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "DEFAULT_KEY_REUSE",
    "DEFAULT_MAX_AGE_S",
    "DEFAULT_MAX_USES",
    "IRON_DEFAULTS",
    "MAC_PREFIX",
    "PRESET_V1",
    "PRESET_V2",
    "DecryptError",
    "ExpirationFormatError",
    "ExpiredError",
    "IronConfigError",
    "IronError",
    "IronTokenError",
    "KeyCache",
    "KeyOptions",
    "KeyReuse",
    "MacError",
    "OptionsInput",
    "PartCountError",
    "Password",
    "PasswordIdError",
    "PasswordInput",
    "PasswordTooShortError",
    "PrefixError",
    "ReusePool",
    "SealOptions",
    "SealParts",
    "UnknownPasswordError",
    "default_cache",
    "js_length",
    "no_cache",
    "now_ms",
    "preset",
    "resolve_options",
    "seal",
    "shared_pool",
    "unseal",
]
