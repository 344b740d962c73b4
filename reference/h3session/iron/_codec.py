"""The byte-level pieces of Fe26.2: base64url, random salts and IVs, AES, HMAC."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ._errors import DecryptError

_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url; iron-webcrypto tolerates ``=`` padding, so we do too (item 17)."""
    if not _B64URL.fullmatch(text):
        raise DecryptError("Invalid base64url encoding")
    text = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise DecryptError("Invalid base64url encoding") from None


def random_salt(bits: int) -> str:
    """Lowercase hex of ``ceil(bits / 8)`` random bytes, as iron builds salts."""
    return os.urandom((bits + 7) // 8).hex()


def random_iv() -> bytes:
    return os.urandom(16)


def encrypt(algorithm: str, key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    if algorithm == "aes-256-cbc":
        padder = padding.PKCS7(128).padder()
        data = padder.update(plaintext) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    else:  # aes-128-ctr: WebCrypto's counter of length 128 is the whole IV block
        data = plaintext
        encryptor = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def decrypt(algorithm: str, key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    if len(iv) != 16:
        raise DecryptError("Invalid IV length")
    try:
        if algorithm == "aes-256-cbc":
            decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
            padded = decryptor.update(ciphertext) + decryptor.finalize()
            unpadder = padding.PKCS7(128).unpadder()
            return unpadder.update(padded) + unpadder.finalize()
        decryptor = Cipher(algorithms.AES(key), modes.CTR(iv)).decryptor()
        return decryptor.update(ciphertext) + decryptor.finalize()
    except ValueError:
        raise DecryptError("Decryption failed") from None


def mac(key: bytes, text: str) -> str:
    return b64url_encode(hmac.new(key, text.encode("ascii", "surrogateescape"), hashlib.sha256).digest())


def same_mac(expected: str, given: str) -> bool:
    """Constant-time comparison of two base64url MACs (``given`` is attacker-controlled)."""
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "surrogatepass"))
