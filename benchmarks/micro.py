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

from ._stats import Case, Figure, Results, round_robin

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"  # noqa: S105 (the h3 docs example password)
SESSION: dict[str, Any] = {"id": str(uuid.uuid4()), "createdAt": 1_700_000_000_000, "data": {"count": 42}}
PLAINTEXT = json.dumps(SESSION, separators=(",", ":")).encode()
ITERATIONS = (1, 8192)
FLOOR = "1 floor"


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


def pbkdf2_cases() -> list[Case]:
    cases = []
    for n in ITERATIONS:
        unit, calls = ("us", 2000) if n == 1 else ("ms", 30)
        for name, make in (("cryptography", _crypto_kdf), ("hashlib", _hashlib_kdf)):
            label = f"PBKDF2-HMAC-SHA1 {n} it, 32 B ({name})"
            cases.append(Case(FLOOR, f"pbkdf2-{name}-{n}", label, unit, make(n), calls))
    return cases


def gil_figures(results: Results) -> None:
    for name, make in (("cryptography", _crypto_kdf), ("hashlib", _hashlib_kdf)):
        share = _gil_share(make(8192))
        label = f"Python progress beside a {name} 8192-it derivation thread (wall clock)"
        results.add(Figure(FLOOR, f"gil-{name}", label, "x", [share]))


def floor_cases(results: Results) -> list[Case]:
    """Section 1: the primitives alone, and seal/unseal composed from nothing else."""
    fastest: dict[int, Callable[[], bytes]] = {}
    for n in ITERATIONS:
        timed = {name: results.figures[f"pbkdf2-{name}-{n}"] for name in ("cryptography", "hashlib")}
        winner = min(timed, key=lambda name: timed[name].median)
        timed[winner].note = "faster: the floor uses it"
        fastest[n] = (_crypto_kdf if winner == "cryptography" else _hashlib_kdf)(n)

    key, mac_key = os.urandom(32), os.urandom(32)
    encrypt = _aes_encrypt(key)
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    decrypt = _aes_decrypt(key, iv, encryptor.update(_padded()) + encryptor.finalize())
    base = ("Fe26.2**" + "a" * 64 + "*" + "b" * 22 + "*" + "c" * 150 + "*").encode()
    mac = _hmac(mac_key, base)
    expected = mac()
    cases = [
        Case(FLOOR, "aes-encrypt", f"AES-256-CBC encrypt {len(PLAINTEXT)} B (+ IV)", "us", encrypt, 5000),
        Case(FLOOR, "aes-decrypt", "AES-256-CBC decrypt", "us", decrypt, 5000),
        Case(FLOOR, "hmac", f"HMAC-SHA256 over {len(base)} B", "us", mac, 5000),
    ]
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

        cases.append(Case(FLOOR, f"floor-seal-{n}", f"floor: seal, {n} it", unit, floor_seal, calls))
        cases.append(Case(FLOOR, f"floor-unseal-{n}", f"floor: unseal, {n} it", unit, floor_unseal, calls))

    def floor_warm() -> bytes:
        hmac.compare_digest(mac(), expected)
        return decrypt()

    cases.append(Case(FLOOR, "floor-warm", "floor: unseal with both keys known", "us", floor_warm, 5000))
    return cases


def _padded() -> bytes:
    padder = padding.PKCS7(128).padder()
    return padder.update(PLAINTEXT) + padder.finalize()


def reference_cases(repeats: int) -> list[Case]:
    """Section 2: h3session's seal, cold unseal and warm unseal at 1 and 8192 iterations."""
    return [case for n in ITERATIONS for case in _reference_at(n, repeats)]


def _reference_at(n: int, repeats: int) -> list[Case]:
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

    return [
        Case(section, f"h3s-seal-{n}", f"seal, {n} it (new salts)", unit, cold_seal, calls),
        Case(section, f"h3s-unseal-cold-{n}", f"cold unseal, {n} it", unit, cold_unseal, calls),
        Case(section, f"h3s-unseal-warm-{n}", f"warm unseal, {n} it (keys cached)", "us", warm_unseal, 3000),
        Case(section, f"h3s-seal-reused-{n}", f"seal, {n} it (reused keys)", "us", reused_seal, 3000),
    ]


def itsdangerous_cases() -> list[Case]:
    """Section 4: the signed (not encrypted) cookies of Flask and Starlette, through the calls they make."""
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
    # starlette.middleware.sessions: base64(JSON) signed by a TimestampSigner, max_age 14 days.
    signer = TimestampSigner(PASSWORD)

    def starlette_sign() -> bytes:
        return signer.sign(base64.b64encode(json.dumps(data).encode("utf-8")))

    starlette_token = starlette_sign()

    def starlette_unsign() -> Any:
        return json.loads(base64.b64decode(signer.unsign(starlette_token, max_age=14 * 86400)))

    return [
        Case(section, "flask-sign", "Flask session: dumps", "us", lambda: serializer.dumps(data), 5000),
        Case(
            section,
            "flask-unsign",
            "Flask session: loads",
            "us",
            lambda: serializer.loads(flask_token, max_age=31 * 86400),
            5000,
        ),
        Case(section, "starlette-sign", "Starlette session: sign", "us", starlette_sign, 5000),
        Case(section, "starlette-unsign", "Starlette session: unsign", "us", starlette_unsign, 5000),
    ]


def all_figures(results: Results, repeats: int) -> None:
    """Sections 1, 2 and 4, measured round-robin so that the ratios between them are same-moment ratios."""
    round_robin(results, pbkdf2_cases(), repeats)
    gil_figures(results)
    cases = floor_cases(results) + reference_cases(repeats) + itsdangerous_cases()
    round_robin(results, cases, repeats)
