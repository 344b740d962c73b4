"""Fe26.2 seal and unseal, byte-compatible with iron-webcrypto, @hapi/iron and h3.

Token: ``Fe26.2*{id}*{encSalt}*{iv}*{ciphertext}*{expiration}*{hmacSalt}*{hmac}``.
Checks run in iron-webcrypto's order (h3-behavior item 17): part count,
prefix, expiration format, expiry, password lookup, then the MAC, which is
verified in constant time before anything is decrypted.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Optional

from .._jsonjs import parse as js_parse
from .._jsonjs import stringify as js_stringify
from . import _codec
from ._errors import (
    DecryptError,
    ExpirationFormatError,
    ExpiredError,
    IronConfigError,
    MacError,
    PartCountError,
    PrefixError,
)
from ._keys import KeyCache, default_cache
from ._options import KeyOptions, OptionsInput, SealOptions, resolve_options
from ._passwords import Password, PasswordInput, Secret, check_key, for_seal, for_unseal
from ._reuse import ReusePool, maybe_take

MAC_PREFIX = "Fe26.2"
_DIGITS = re.compile(r"[0-9]+")
#: More significant digits than any clock needs; CPython refuses int() past 4300 digits (a ValueError).
_MAX_EXPIRATION_DIGITS = 600


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class SealParts:
    """The random parts of a seal, fixed only by tests that need byte-exact vectors."""

    encryption_salt: Optional[str] = None
    hmac_salt: Optional[str] = None
    iv: Optional[bytes] = None


def derive(
    secret: Secret, key_options: KeyOptions, salt: Optional[str], cache: KeyCache, *, remember: bool = True
) -> tuple[bytes, str]:
    """The key and the salt text for one key; raw-bytes secrets are used as the key itself.

    ``remember=False`` looks the cache up without filling it: the integrity key of
    an unverified token is kept only once its MAC checks out, so forged tokens
    with random salts cannot flush the cache.
    """
    check_key(secret, key_options)
    if isinstance(secret, bytes):
        return secret, ""
    if salt is None:
        salt = _codec.random_salt(key_options.salt_bits)
    return cache.derive(secret, salt, key_options.iterations, key_options.key_bytes, remember=remember), salt


def seal(
    obj: Any,
    password: PasswordInput,
    options: OptionsInput = None,
    *,
    now: Optional[int] = None,
    cache: Optional[KeyCache] = None,
    reuse: Optional[ReusePool] = None,
    _parts: SealParts = SealParts(),
) -> str:
    """Seal ``obj`` (anything JSON.stringify accepts) into an Fe26.2 token.

    ``options`` defaults to the h3 v2 preset (8192 iterations); ``now`` is
    milliseconds since the epoch and only matters when a ttl is set.  With a
    ``reuse`` pool the salts and keys come from the pool (fresh IV every time).
    """
    opts = resolve_options(options)
    pw = for_seal(password)
    return seal_with(js_stringify(obj), pw, opts, now=now, cache=cache, reuse=reuse, parts=_parts)


def seal_with(
    plaintext: str,
    pw: Password,
    opts: SealOptions,
    *,
    now: Optional[int] = None,
    cache: Optional[KeyCache] = None,
    reuse: Optional[ReusePool] = None,
    parts: SealParts = SealParts(),
) -> str:
    """Seal already-serialized JSON text with a normalized password and resolved options."""
    cache = cache if cache is not None else default_cache
    moment = (now_ms() if now is None else now) + opts.localtime_offset_msec
    # Fixed salts (byte-exact vectors) always win over the pool.
    reused = maybe_take(reuse, pw, opts, cache) if parts.encryption_salt is None and parts.hmac_salt is None else None
    if reused is not None:
        enc_key, enc_salt, mac_key, mac_salt = reused
    else:
        enc_key, enc_salt = derive(pw.encryption, opts.encryption, parts.encryption_salt, cache)
        mac_key, mac_salt = derive(pw.integrity, opts.integrity, parts.hmac_salt, cache)
    iv = parts.iv if parts.iv is not None else _codec.random_iv()
    ciphertext = _codec.encrypt(opts.encryption.algorithm, enc_key, iv, plaintext.encode("utf-8"))
    expiration = str(moment + opts.ttl) if opts.ttl else ""
    base = f"{MAC_PREFIX}*{pw.id}*{enc_salt}*{_codec.b64url_encode(iv)}*{_codec.b64url_encode(ciphertext)}*{expiration}"
    return f"{base}*{mac_salt}*{_codec.mac(mac_key, base)}"


def unseal(
    token: str,
    password: PasswordInput,
    options: OptionsInput = None,
    *,
    now: Optional[int] = None,
    cache: Optional[KeyCache] = None,
) -> Any:
    """Open an Fe26.2 token; every untrusted-input failure is an :class:`IronTokenError`."""
    opts = resolve_options(options)
    cache = cache if cache is not None else default_cache
    moment = (now_ms() if now is None else now) + opts.localtime_offset_msec
    if not password:
        raise IronConfigError("Empty password")
    parts = token.split("*")
    if len(parts) != 8:
        raise PartCountError("Incorrect number of sealed components")
    prefix, password_id, enc_salt, iv_b64, ciphertext_b64, expiration, mac_salt, mac = parts
    if prefix != MAC_PREFIX:
        raise PrefixError("Wrong mac prefix")
    if expiration:
        if not _DIGITS.fullmatch(expiration):
            raise ExpirationFormatError("Invalid expiration")
        if _expires_by(expiration, moment - opts.timestamp_skew_sec * 1000):
            raise ExpiredError("Expired seal")
    pw = for_unseal(password, password_id)
    base = f"{prefix}*{password_id}*{enc_salt}*{iv_b64}*{ciphertext_b64}*{expiration}"
    mac_key, _ = derive(pw.integrity, opts.integrity, mac_salt, cache, remember=False)
    if not base.isascii() or not _codec.same_mac(_codec.mac(mac_key, base), mac):
        raise MacError("Bad hmac value")
    if isinstance(pw.integrity, str):
        cache.remember(pw.integrity, mac_salt, opts.integrity.iterations, opts.integrity.key_bytes, mac_key)
    enc_key, _ = derive(pw.encryption, opts.encryption, enc_salt, cache)
    plaintext = _codec.decrypt(
        opts.encryption.algorithm, enc_key, _codec.b64url_decode(iv_b64), _codec.b64url_decode(ciphertext_b64)
    )
    return _parse_plaintext(plaintext)


def _expires_by(expiration: str, limit: int) -> bool:
    """``parseInt(expiration) <= limit`` for an all-digit string of any length.

    JavaScript reads an absurdly long expiration as a huge number (or Infinity): not expired.
    """
    digits = expiration.lstrip("0")
    if len(digits) > _MAX_EXPIRATION_DIGITS:
        return False
    return int(digits or "0") <= limit


def _parse_plaintext(plaintext: bytes) -> Any:
    # iron-webcrypto decodes with a lenient TextDecoder (BOM dropped, bad bytes replaced)
    # and maps an empty plaintext to null (item 17).
    text = plaintext.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        return None
    try:
        return js_parse(text)
    except ValueError:
        raise DecryptError("Invalid JSON in sealed data") from None
