"""Sections 1, 2 and 4: the crypto floor, h3session's iron, and itsdangerous as Flask and Starlette use it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from typing import Any, Callable

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from h3session import iron

from ._stats import Figure, Results, per_call

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"  # noqa: S105 (the h3 docs example password)
SESSION: dict[str, Any] = {"id": str(uuid.uuid4()), "createdAt": 1_700_000_000_000, "data": {"count": 42}}
PLAINTEXT = json.dumps(SESSION, separators=(",", ":")).encode()
ITERATIONS = (1, 8192)


def _crypto_kdf(n: int) -> Callable[[], bytes]:
    password, salt = PASSWORD.encode(), os.urandom(32).hex().encode()
    return lambda: PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt, iterations=n).derive(password)  # noqa: S303


def _hashlib_kdf(n: int) -> Callable[[], bytes]:
    password, salt = PASSWORD.encode(), os.urandom(32).hex().encode()
    return lambda: hashlib.pbkdf2_hmac("sha1", password, salt, n, 32)


def _aes_encrypt(key: bytes) -> Callable[[], bytes]:
    def run() -> bytes:
        padder = padding.PKCS7(128).padder()
        data = padder.update(PLAINTEXT) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(os.urandom(16))).encryptor()
        return encryptor.update(data) + encryptor.finalize()

    return run


def _aes_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> Callable[[], bytes]:
    def run() -> bytes:
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()

    return run


def _hmac(key: bytes, text: bytes) -> Callable[[], bytes]:
    return lambda: hmac.new(key, text, hashlib.sha256).digest()


def _gil_share(kdf: Callable[[], bytes], seconds: float = 0.4) -> float:
    """How much a Python loop on this thread still gets done while another thread derives keys (1.0 = all)."""

    def spin() -> int:
        count, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            count += 1
        return count

    alone = spin()
    stop = threading.Event()

    def derive_forever() -> None:
        while not stop.is_set():
            kdf()

    worker = threading.Thread(target=derive_forever)
    worker.start()
    try:
        shared = spin()
    finally:
        stop.set()
        worker.join()
    return shared / alone


def floor(results: Results, repeats: int) -> None:
    """Section 1: the primitives alone, and seal/unseal composed from nothing else."""
    section = "1 floor"
    fastest: dict[int, Callable[[], bytes]] = {}
    for n in ITERATIONS:
        calls = 2000 if n == 1 else 30
        unit = "us" if n == 1 else "ms"
        timed = {}
        for name, make in (("cryptography", _crypto_kdf), ("hashlib", _hashlib_kdf)):
            kdf = make(n)
            label = f"PBKDF2-HMAC-SHA1 {n} it, 32 B ({name})"
            figure = results.add(
                Figure(section, f"pbkdf2-{name}-{n}", label, unit, per_call(kdf, calls, repeats, unit))
            )
            timed[name] = (figure.median, kdf)
        winner = min(timed, key=lambda name: timed[name][0])
        fastest[n] = timed[winner][1]
        results.figures[f"pbkdf2-{winner}-{n}"].note = "faster: the floor uses it"
    for name, make in (("cryptography", _crypto_kdf), ("hashlib", _hashlib_kdf)):
        share = _gil_share(make(8192))
        results.add(
            Figure(section, f"gil-{name}", f"Python progress beside a {name} 8192-it derivation thread", "x", [share])
        )

    key, mac_key = os.urandom(32), os.urandom(32)
    encrypt = _aes_encrypt(key)
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    decrypt = _aes_decrypt(key, iv, encryptor.update(_padded()) + encryptor.finalize())
    base = ("Fe26.2**" + "a" * 64 + "*" + "b" * 22 + "*" + "c" * 150 + "*").encode()
    mac = _hmac(mac_key, base)
    expected = mac()
    for key_, label, fn in (
        ("aes-encrypt", f"AES-256-CBC encrypt {len(PLAINTEXT)} B (+ IV)", encrypt),
        ("aes-decrypt", "AES-256-CBC decrypt", decrypt),
        ("hmac", f"HMAC-SHA256 over {len(base)} B", mac),
    ):
        results.add(Figure(section, key_, label, "us", per_call(fn, 5000, repeats)))

    for n in ITERATIONS:
        kdf, unit = fastest[n], "us" if n == 1 else "ms"
        calls = 2000 if n == 1 else 15

        def floor_seal(kdf: Callable[[], bytes] = kdf) -> bytes:
            kdf(), kdf(), os.urandom(32), os.urandom(32)
            encrypt()
            return mac()

        def floor_unseal(kdf: Callable[[], bytes] = kdf) -> bytes:
            kdf()
            hmac.compare_digest(mac(), expected)
            kdf()
            return decrypt()

        results.add(
            Figure(section, f"floor-seal-{n}", f"floor: seal, {n} it", unit, per_call(floor_seal, calls, repeats, unit))
        )
        results.add(
            Figure(
                section,
                f"floor-unseal-{n}",
                f"floor: unseal, {n} it",
                unit,
                per_call(floor_unseal, calls, repeats, unit),
            )
        )

    def floor_warm() -> bytes:
        hmac.compare_digest(mac(), expected)
        return decrypt()

    results.add(
        Figure(section, "floor-warm", "floor: unseal with both keys known", "us", per_call(floor_warm, 5000, repeats))
    )


def _padded() -> bytes:
    padder = padding.PKCS7(128).padder()
    return padder.update(PLAINTEXT) + padder.finalize()


def reference(results: Results, repeats: int) -> None:
    """Section 2: h3session's seal, cold unseal and warm unseal at 1 and 8192 iterations."""
    for n in ITERATIONS:
        _reference_at(results, n, repeats)


def _reference_at(results: Results, n: int, repeats: int) -> None:
    section = "2 h3session"
    options = iron.preset("v1" if n == 1 else "v2")
    unit, calls = ("us", 2000) if n == 1 else ("ms", 15)
    # A new cache per cold call: the miss, the derivation and the store are all timed.
    caches = [iron.KeyCache() for _ in range(calls * (repeats + 1) * 2 + 2)]

    def cold_seal() -> str:
        return iron.seal(SESSION, PASSWORD, options, cache=caches.pop())

    pool = iron.ReusePool(iron.KeyReuse(max_age_s=3600, max_uses=10**9))

    def reused_seal() -> str:
        return iron.seal(SESSION, PASSWORD, options, reuse=pool)

    token = iron.seal(SESSION, PASSWORD, options, cache=iron.KeyCache(0))
    warm = iron.KeyCache()

    def cold_unseal() -> Any:
        return iron.unseal(token, PASSWORD, options, cache=caches.pop())

    def warm_unseal() -> Any:
        return iron.unseal(token, PASSWORD, options, cache=warm)

    for key, label, fn, fn_unit, fn_calls in (
        (f"h3s-seal-{n}", f"seal, {n} it (new salts)", cold_seal, unit, calls),
        (f"h3s-unseal-cold-{n}", f"cold unseal, {n} it", cold_unseal, unit, calls),
        (f"h3s-unseal-warm-{n}", f"warm unseal, {n} it (keys cached)", warm_unseal, "us", 3000),
        (f"h3s-seal-reused-{n}", f"seal, {n} it (reused keys)", reused_seal, "us", 3000),
    ):
        results.add(Figure(section, key, label, fn_unit, per_call(fn, fn_calls, repeats, fn_unit)))


def itsdangerous_figures(results: Results, repeats: int) -> None:
    """Section 4: the signed (not encrypted) cookies of Flask and Starlette, through the same calls they make."""
    section = "4 itsdangerous"
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import TimestampSigner

    app = Flask("bench")
    app.secret_key = PASSWORD
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    data = dict(SESSION["data"])
    flask_token = serializer.dumps(data)
    results.add(
        Figure(
            section, "flask-sign", "Flask session: dumps", "us", per_call(lambda: serializer.dumps(data), 5000, repeats)
        )
    )
    results.add(
        Figure(
            section,
            "flask-unsign",
            "Flask session: loads",
            "us",
            per_call(lambda: serializer.loads(flask_token, max_age=31 * 86400), 5000, repeats),
        )
    )
    # starlette.middleware.sessions: base64(JSON) signed by a TimestampSigner, max_age 14 days.
    signer = TimestampSigner(PASSWORD)

    def starlette_sign() -> bytes:
        return signer.sign(base64.b64encode(json.dumps(data).encode("utf-8")))

    starlette_token = starlette_sign()

    def starlette_unsign() -> Any:
        return json.loads(base64.b64decode(signer.unsign(starlette_token, max_age=14 * 86400)))

    results.add(
        Figure(section, "starlette-sign", "Starlette session: sign", "us", per_call(starlette_sign, 5000, repeats))
    )
    results.add(
        Figure(
            section, "starlette-unsign", "Starlette session: unsign", "us", per_call(starlette_unsign, 5000, repeats)
        )
    )


def all_figures(results: Results, repeats: int) -> None:
    """Sections 1, 2 and 4."""
    floor(results, repeats)
    reference(results, repeats)
    itsdangerous_figures(results, repeats)
