"""The password forms iron accepts, normalised to one shape.

Sealing takes one password; unsealing may take a rotation map ``{id: secret}``
so that tokens sealed under an older id keep opening (iron's own rotation).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from ._errors import IronConfigError, PasswordIdError, PasswordTooShortError, UnknownPasswordError
from ._options import KeyOptions

Secret = Union[str, bytes]
#: str | bytes | {"id", "secret"} | {"id", "encryption", "integrity"} | {id: secret | {...}} | Password
PasswordInput = Union[str, bytes, Mapping[str, Any], "Password"]

# JavaScript's \w is ASCII-only; Python's is not, hence the explicit class.
_ID_PATTERN = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Password:
    """One password: an id (empty for none) and a secret per key."""

    id: str
    encryption: Secret = field(repr=False)
    integrity: Secret = field(repr=False)


def _is_single(mapping: Mapping[str, Any]) -> bool:
    return "secret" in mapping or ("encryption" in mapping and "integrity" in mapping)


def _check_secret(secret: object) -> Secret:
    if isinstance(secret, (str, bytes)) and len(secret) > 0:
        return secret
    if isinstance(secret, (bytearray, memoryview)) and len(secret) > 0:
        return bytes(secret)
    raise IronConfigError(
        "Empty password" if isinstance(secret, (str, bytes)) else "a password secret must be str or bytes"
    )


def _single(mapping: Mapping[str, Any], default_id: str = "") -> Password:
    pid = mapping.get("id", default_id)
    pid = "" if pid is None else str(pid)
    if pid and not _ID_PATTERN.fullmatch(pid):
        raise PasswordIdError("Invalid password id: ids must match ^[A-Za-z0-9_]+$")
    if "secret" in mapping:
        secret = _check_secret(mapping["secret"])
        return Password(pid, secret, secret)
    return Password(pid, _check_secret(mapping["encryption"]), _check_secret(mapping["integrity"]))


def for_seal(password: PasswordInput) -> Password:
    """The single password a seal uses."""
    if isinstance(password, Password):
        return password
    if isinstance(password, Mapping):
        if not _is_single(password):
            raise IronConfigError(
                "seal takes one password: a secret, {'id', 'secret'} or {'id', 'encryption', 'integrity'}; "
                "a rotation map is for unseal"
            )
        return _single(password)
    secret = _check_secret(password)
    return Password("", secret, secret)


def for_unseal(password: PasswordInput, token_id: str) -> Password:
    """The password that opens a token carrying ``token_id`` (iron reports a missing one as 'default')."""
    lookup = token_id or "default"
    if isinstance(password, Password):
        if (password.id or "default") != lookup:
            raise UnknownPasswordError(f"Cannot find password: {lookup}")
        return password
    if not isinstance(password, Mapping):
        secret = _check_secret(password)
        return Password(token_id, secret, secret)
    if _is_single(password):
        pid = str(password.get("id") or "")
        if (pid or "default") != lookup:
            raise UnknownPasswordError(f"Cannot find password: {lookup}")
        return _single(password)
    if lookup not in password:
        raise UnknownPasswordError(f"Cannot find password: {lookup}")
    entry = password[lookup]
    if isinstance(entry, Mapping):
        return _single({**entry, "id": token_id})
    secret = _check_secret(entry)
    return Password(token_id, secret, secret)


def check_length(secret: Secret, min_length: int, key_bytes: int) -> None:
    """Iron's length rules: strings by UTF-16 code units (JS ``.length``), raw keys by byte size."""
    if isinstance(secret, str):
        if js_length(secret) < min_length:
            raise PasswordTooShortError(f"Password string too short (min {min_length} characters required)")
    elif len(secret) < key_bytes:
        raise PasswordTooShortError("Key buffer (password) too small")


def check_key(secret: Secret, key: KeyOptions) -> None:
    """Everything a key derivation refuses: iron's length rules, and a raw AES key of the wrong size."""
    check_length(secret, key.min_password_length, key.key_bytes)
    if isinstance(secret, bytes) and key.algorithm != "sha256" and len(secret) != key.key_bytes:
        raise IronConfigError(f"a raw {key.algorithm} key must be exactly {key.key_bytes} bytes")


def js_length(text: str) -> int:
    """``text.length`` in JavaScript: astral characters count twice (h3-behavior item 16)."""
    if text.isascii():  # the usual password; this runs on every seal and unseal
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
