"""Tokens cross between ``h3session.iron`` and the real Node libraries in both directions.

Node side: iron-webcrypto 1.2.1 (h3 v1's), iron-webcrypto 2.0.0, @hapi/iron 7.0.1 and h3 v1/v2's
own ``sealSession``/``unsealSession`` (v2 bundles its own iron). Every test batches its Node
calls into one process (``h3adapters.node.run_batch``); the objects come from a seeded generator
that favours what breaks serializers: astral and lone-surrogate strings, control characters,
integer-like keys, JS number formatting edges, deep nesting and 10 KB values.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from h3adapters import node
from h3session import iron

pytestmark = pytest.mark.node

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
OTHER_PASSWORD = "another-password-that-is-long-enough-0123"
ITERATIONS = {"v1": 1, "v2": 8192}  # h3-behavior.md section 3
ALGORITHMS = ("aes-256-cbc", "aes-128-ctr")
LIBS = ("iron-webcrypto", "iron-webcrypto2", "hapi", "h3v1", "h3v2")
OBJECTS_PER_CASE = 200
CASES = [(profile, algorithm) for profile in ITERATIONS for algorithm in ALGORITHMS]


@pytest.fixture(scope="module", autouse=True)
def _node_modules() -> None:
    node.ensure_node_modules()  # raises (never skips) when Node is missing


def options_for(profile: str, algorithm: str = "aes-256-cbc") -> dict[str, Any]:
    """The same camelCase options for both sides, so neither relies on the other's defaults."""
    n = ITERATIONS[profile]
    return {"encryption": {"algorithm": algorithm, "iterations": n}, "integrity": {"iterations": n}}


def libs_for(profile: str, index: int) -> Sequence[str]:
    # One iteration is cheap: every library sees every token. At 8192 they take turns.
    return LIBS if profile == "v1" else (LIBS[index % len(LIBS)],)


# --- the generator --------------------------------------------------------------------------

_ALPHABETS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ",
    "äöüßéèçñøåÆŒ€£¥©®°±µ",
    "日本語漢字中文한국어русскийΕλληνικάעבריתالعربية",
    "🍪🎉👍🏽🇯🇵👨‍👩‍👧𝄞\U0001d54f😀",  # astral characters, a skin tone, a flag, a ZWJ family
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f",
    "\"\\/'<>&*;=%+",
    "\u2028\u2029\ufeff\u200b\ufffd",
)
_FLOATS = (
    1.5e-6, 1e-7, 1e21, 1e20, 1.0, -0.0, 0.1, 0.1 + 0.2, -1.5, 5e-324,
    1.7976931348623157e308, 123456789.125, 2.0**53, 1e-6, 9007199254740993.0,
)  # fmt: skip
_INT_KEYS = ("0", "1", "2", "10", "42", "007", "-1", "1.5", "4294967294", "4294967295")


def _string(rng: random.Random, max_len: int = 24) -> str:
    chars = [rng.choice(rng.choice(_ALPHABETS)) for _ in range(rng.randint(0, max_len))]
    if rng.random() < 0.15:
        # A lone surrogate, fenced by ASCII so it can never pair up with a neighbour: JSON
        # carries it as a \udXXX escape in both directions.
        chars.insert(rng.randint(0, len(chars)), f"<{chr(rng.randint(0xD800, 0xDFFF))}>")
    return "".join(chars)


def _number(rng: random.Random) -> float | int:
    pick = rng.random()
    if pick < 0.3:
        return rng.randint(-(2**53), 2**53)  # exact in a double, so JavaScript keeps it
    if pick < 0.6:
        return rng.choice(_FLOATS)
    return rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30)


def _key(rng: random.Random) -> str:
    return rng.choice(_INT_KEYS) if rng.random() < 0.25 else _string(rng, 12)


def _value(rng: random.Random, depth: int) -> Any:
    kinds = ["str", "num", "bool", "null"] + (["list", "dict"] * 2 if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == "str":
        return "x" * 10240 if rng.random() < 0.01 else _string(rng)
    if kind == "num":
        return _number(rng)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "list":
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return _object(rng, depth + 1)


def _object(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    return {_key(rng): _value(rng, depth) for _ in range(rng.randint(0, 6))}


def random_objects(seed: str, count: int) -> list[dict[str, Any]]:
    """Session-like objects (always a dict at the top, as h3's sealSession needs)."""
    rng = random.Random(seed)
    objects: list[dict[str, Any]] = [
        {},
        {"id": "", "createdAt": 0, "data": {}},
        {"big": "x" * 10240},
    ]
    while len(objects) < count:
        obj = _object(rng)
        if rng.random() < 0.3:  # the shape h3 seals
            obj = {"id": _string(rng, 36), "createdAt": rng.randint(0, 2**41), "data": obj}
        objects.append(obj)
    return objects


# --- helpers --------------------------------------------------------------------------------


def values(results: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> list[Any]:
    failed = [(label, r["error"]) for label, r in zip(labels, results) if not r["ok"]]
    assert not failed, failed[:5]
    return [r["value"] for r in results]


def same_json(a: Any, b: Any) -> bool:
    """Equal as JavaScript sees JSON: every number is a double (1e18 and 10**18 are one value,
    and JS prints an integral float without a fraction), but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same_json, a, b))
    return type(a) is type(b) and bool(a == b)


def assert_same(got: Sequence[Any], expected: Sequence[Any], labels: Sequence[str]) -> None:
    wrong = [label for label, g, e in zip(labels, got, expected) if not same_json(g, e)]
    assert not wrong, f"{len(wrong)} differ, first: {wrong[:5]}"


# --- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("profile", "algorithm"), CASES)
def test_node_seals_python_unseals(profile: str, algorithm: str) -> None:
    opts = options_for(profile, algorithm)
    objects = random_objects(f"node->python {profile} {algorithm}", OBJECTS_PER_CASE)
    ops: list[dict[str, Any]] = []
    expected: list[Any] = []
    labels: list[str] = []
    for i, obj in enumerate(objects):
        for lib in libs_for(profile, i):
            ops.append({"op": "seal", "lib": lib, "object": obj, "password": PASSWORD, "options": opts})
            expected.append(obj)
            labels.append(f"{lib} #{i}")
    tokens = values(node.run_batch(ops), labels)
    assert_same([iron.unseal(t, PASSWORD, opts) for t in tokens], expected, labels)


@pytest.mark.parametrize(("profile", "algorithm"), CASES)
def test_python_seals_node_unseals(profile: str, algorithm: str) -> None:
    opts = options_for(profile, algorithm)
    objects = random_objects(f"python->node {profile} {algorithm}", OBJECTS_PER_CASE)
    ops: list[dict[str, Any]] = []
    expected: list[Any] = []
    labels: list[str] = []
    for i, obj in enumerate(objects):
        token = iron.seal(obj, PASSWORD, opts)
        for lib in libs_for(profile, i):
            ops.append({"op": "unseal", "lib": lib, "token": token, "password": PASSWORD, "options": opts})
            expected.append(obj)
            labels.append(f"{lib} #{i}")
    assert_same(values(node.run_batch(ops), labels), expected, labels)


@pytest.mark.parametrize(("profile", "algorithm"), CASES)
def test_fixed_parts_give_byte_identical_tokens(profile: str, algorithm: str) -> None:
    # The same salts, IV and clock must give the same token: this pins the JSON text
    # (JSON.stringify's exact output) and every byte of the format, not just decryptability.
    rng = random.Random(f"byte-exact {profile} {algorithm}")
    objects = random_objects(f"byte-exact {profile} {algorithm}", 40)
    ops: list[dict[str, Any]] = []
    tokens: list[str] = []
    labels: list[str] = []
    for i, obj in enumerate(objects):
        enc_salt = rng.randbytes(32).hex()
        mac_salt = rng.randbytes(32).hex()
        iv = rng.randbytes(16)
        opts = options_for(profile, algorithm)
        now: int | None = None
        if i % 4 == 0:  # a ttl makes the expiration part depend on the clock too
            opts["ttl"], now = 3_600_000, 1_700_000_000_000 + i
        parts = iron.SealParts(encryption_salt=enc_salt, hmac_salt=mac_salt, iv=iv)
        token = iron.seal(obj, PASSWORD, opts, now=now, _parts=parts)
        node_opts = {
            **opts,
            "encryption": {**opts["encryption"], "salt": enc_salt, "iv": _b64url(iv)},
            "integrity": {**opts["integrity"], "salt": mac_salt},
        }
        for lib in libs_for(profile, i):
            op = {
                "op": "seal",
                "lib": lib,
                "object": obj,
                "password": PASSWORD,
                "options": node_opts,
            }
            ops.append({**op, "now": now} if now is not None else op)
            tokens.append(token)
            labels.append(f"{lib} #{i}")
    assert_same(values(node.run_batch(ops), labels), tokens, labels)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@pytest.mark.parametrize("profile", ITERATIONS)
def test_rotation_maps_open_tokens_of_every_id(profile: str) -> None:
    opts = options_for(profile)
    rotation = {"k1": PASSWORD, "k2": OTHER_PASSWORD, "default": OTHER_PASSWORD}
    split = {"id": "k3", "encryption": PASSWORD, "integrity": OTHER_PASSWORD}
    rotation_split = {**rotation, "k3": {"encryption": PASSWORD, "integrity": OTHER_PASSWORD}}
    sealing: list[tuple[iron.PasswordInput, dict[str, Any]]] = [
        ({"id": "k1", "secret": PASSWORD}, rotation),
        ({"id": "k2", "secret": OTHER_PASSWORD}, rotation),
        (OTHER_PASSWORD, rotation),  # no id: the map's "default" entry opens it
        (split, rotation_split),
    ]
    obj = {"rotated": True, "emoji": "🍪"}

    # Python seals, every Node library opens with the map.
    ops: list[dict[str, Any]] = []
    labels: list[str] = []
    for n, (password, unseal_with) in enumerate(sealing):
        token = iron.seal(obj, password, opts)
        for lib in LIBS:
            ops.append(
                {
                    "op": "unseal",
                    "lib": lib,
                    "token": token,
                    "password": unseal_with,
                    "options": opts,
                }
            )
            labels.append(f"python seal {n} -> {lib}")
    assert_same(values(node.run_batch(ops), labels), [obj] * len(ops), labels)

    # Every Node library seals, Python opens with the map.
    ops = []
    labels = []
    maps: list[Any] = []
    for n, (password, unseal_with) in enumerate(sealing):
        for lib in LIBS:
            ops.append({"op": "seal", "lib": lib, "object": obj, "password": password, "options": opts})
            labels.append(f"{lib} seal {n} -> python")
            maps.append(unseal_with)
    tokens = values(node.run_batch(ops), labels)
    got = [iron.unseal(t, m, opts) for t, m in zip(tokens, maps)]
    assert_same(got, [obj] * len(ops), labels)


@pytest.mark.parametrize("profile", ITERATIONS)
def test_unknown_password_id_fails_the_same_way(profile: str) -> None:
    opts = options_for(profile)
    token = iron.seal({"a": 1}, {"id": "gone", "secret": PASSWORD}, opts)
    ops = [{"op": "unseal", "lib": lib, "token": token, "password": {"k1": PASSWORD}, "options": opts} for lib in LIBS]
    for result in node.run_batch(ops):
        assert result == {"ok": False, "error": "Cannot find password: gone"}
    with pytest.raises(iron.UnknownPasswordError, match="Cannot find password: gone"):
        iron.unseal(token, {"k1": PASSWORD}, opts)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_raw_key_passwords_cross_both_ways(algorithm: str) -> None:
    key_bytes = 32 if algorithm == "aes-256-cbc" else 16
    enc_key, mac_key = bytes(range(key_bytes)), bytes(range(100, 132))
    password = {"id": "raw", "encryption": enc_key, "integrity": mac_key}
    node_password = {
        "id": "raw",
        "encryption": {"$bytes": enc_key.hex()},
        "integrity": {"$bytes": mac_key.hex()},
    }
    opts = options_for("v1", algorithm)
    obj = {"raw": "key"}
    token = iron.seal(obj, password, opts)
    assert token.startswith("Fe26.2*raw**")  # raw keys carry no salt
    libs = ("iron-webcrypto", "iron-webcrypto2", "hapi")
    rotation = {"raw": {k: v for k, v in node_password.items() if k != "id"}}  # iron's unseal form
    ops: list[dict[str, Any]] = [
        {"op": "unseal", "lib": lib, "token": token, "password": rotation, "options": opts} for lib in libs
    ]
    ops += [{"op": "seal", "lib": lib, "object": obj, "password": node_password, "options": opts} for lib in libs]
    results = values(node.run_batch(ops), [str(op) for op in ops])
    assert results[:3] == [obj] * 3
    assert [iron.unseal(t, password, opts) for t in results[3:]] == [obj] * 3


def test_top_level_non_objects_cross_plain_iron() -> None:
    # h3 only ever seals session objects; iron itself seals any JSON value.
    opts = options_for("v1")
    samples: list[Any] = [None, 0, "", "text", [], [1, "two", None], 1.5e-6, 1e21, True]
    libs = ("iron-webcrypto", "iron-webcrypto2", "hapi")
    ops = [
        {
            "op": "unseal",
            "lib": lib,
            "token": iron.seal(v, PASSWORD, opts),
            "password": PASSWORD,
            "options": opts,
        }
        for v in samples
        for lib in libs
    ]
    ops += [
        {"op": "seal", "lib": lib, "object": v, "password": PASSWORD, "options": opts} for v in samples for lib in libs
    ]
    labels = [f"{op['op']} {op['lib']} {op.get('object', '')!r}" for op in ops]
    results = values(node.run_batch(ops), labels)
    n = len(samples) * len(libs)
    expected = [v for v in samples for _ in libs]
    assert_same(results[:n], expected, labels[:n])
    assert_same([iron.unseal(t, PASSWORD, opts) for t in results[n:]], expected, labels[n:])


def test_h3_defaults_match_the_python_presets() -> None:
    # No options on the Node side: h3's own defaults against preset("v1") / preset("v2").
    session: dict[str, Any] = {"id": "3f1c", "createdAt": 1_700_000_000_000, "data": {"count": 1}}
    v1_token = iron.seal(session, PASSWORD, iron.preset("v1"))
    v2_token = iron.seal(session, PASSWORD, iron.preset("v2"))
    ops: list[dict[str, Any]] = [
        {"op": "unseal", "lib": "h3v1", "token": v1_token, "password": PASSWORD},
        {"op": "unseal", "lib": "h3v2", "token": v2_token, "password": PASSWORD},
        # v2 retries a Bad hmac value at 1 iteration (h3-behavior 4.1); v1 never goes up.
        {"op": "unseal", "lib": "h3v2", "token": v1_token, "password": PASSWORD},
        {"op": "unseal", "lib": "h3v1", "token": v2_token, "password": PASSWORD},
        {"op": "h3-seal-session", "lib": "h3v1", "session": session, "password": PASSWORD},
        {"op": "h3-seal-session", "lib": "h3v2", "session": session, "password": PASSWORD},
    ]
    r = node.run_batch(ops)
    assert [x.get("value") for x in r[:3]] == [session] * 3
    assert r[3] == {"ok": False, "error": "Bad hmac value"}
    assert iron.unseal(r[4]["value"], PASSWORD, iron.preset("v1")) == session
    assert iron.unseal(r[5]["value"], PASSWORD, iron.preset("v2")) == session
    with pytest.raises(iron.MacError):
        iron.unseal(r[5]["value"], PASSWORD, iron.preset("v1"))
