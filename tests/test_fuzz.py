"""Hostile input never breaks the session layer: property tests over every parser of untrusted bytes.

``iron.unseal``, the Cookie-header parser, the chunk reassembly and the session
loader see arbitrary text and bytes (decoded as latin-1, as servers decode
header bytes): non-UTF-8, NUL, huge values, many ``*``, many cookies, duplicate
names, quotes, ``%``-escapes and CR/LF attempts.  The only outcomes allowed are
the valid value or iron's typed :class:`~h3session.iron.IronTokenError`; the
session layer turns every failure into a fresh session and never raises.

The normal run uses the small ``h3session-fuzz-normal`` profile.  ``nox -s fuzz``
sets ``H3_FUZZ_EXAMPLES`` (200,000 by default) and the module prints the total.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import string
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any, Callable, TypeVar
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _reliability import OLD_PASSWORD, PASSWORD, check_set_cookie, report
from h3session import SessionConfig, SessionContext, iron
from h3session.asgi import context_from_scope
from h3session.cookies import parse_cookie_header, read_chunked
from h3session.engine import Session, get_session, open_session
from h3session.wsgi import context_from_environ

NOW = 1_795_751_712_798
KNOWN_ID = "ffeefbfd-12e1-4db8-b511-375c1b14cfcc"
KNOWN_DATA = {"count": 41, "name": "Zoë 🍪"}
KNOWN = {"id": KNOWN_ID, "createdAt": NOW - 1000, "data": KNOWN_DATA}
ROTATION = {"2": PASSWORD, "1": OLD_PASSWORD}

# --- profiles ---------------------------------------------------------------------------------

#: Relative share of the examples each property gets (the v2 ones derive 8192-iteration keys).
WEIGHTS = {
    "unseal_v1": 6,
    "unseal_v2": 1,
    "unseal_rotation": 2,
    "parse_cookie_header": 6,
    "parse_roundtrip": 3,
    "read_chunked": 4,
    "loader_v1": 5,
    "loader_v2": 2,
    "loader_raw_bytes": 4,
    "loader_payloads": 3,
}
FULL_TOTAL = int(os.environ.get("H3_FUZZ_EXAMPLES") or 0)
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("h3session-fuzz-normal", max_examples=25, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "h3session-fuzz-full",
    max_examples=max(1, math.ceil(FULL_TOTAL / sum(WEIGHTS.values()))),
    deadline=None,
    suppress_health_check=_SLOW_OK,
    database=None,  # 200,000 passing examples are nothing worth keeping
)
PROFILE = settings.get_profile("h3session-fuzz-full" if FULL_TOTAL else "h3session-fuzz-normal")
EXAMPLES: Counter[str] = Counter()

F = TypeVar("F", bound=Callable[..., Any])


def fuzz(name: str) -> Callable[[F], F]:
    """The profile's settings, scaled by the property's weight."""
    return settings(PROFILE, max_examples=PROFILE.max_examples * WEIGHTS[name])


@pytest.fixture(scope="module", autouse=True)
def _report_examples(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    total = sum(EXAMPLES.values())
    detail = ", ".join(f"{name}={EXAMPLES[name]}" for name in WEIGHTS)
    report(request.config, f"\nfuzz: {total} examples over {len(EXAMPLES)} properties ({detail})")
    if FULL_TOTAL and set(EXAMPLES) == set(WEIGHTS):
        assert total >= FULL_TOTAL, f"only {total} of the {FULL_TOTAL} examples ran"


# --- real tokens --------------------------------------------------------------------------------

V1 = iron.PRESET_V1
V2 = iron.PRESET_V2
TOKEN_V1 = iron.seal(KNOWN, PASSWORD, V1, now=NOW)
TOKEN_V2 = iron.seal(KNOWN, PASSWORD, V2, now=NOW)
TOKEN_ROTATED = iron.seal(KNOWN, {"id": "1", "secret": OLD_PASSWORD}, V1, now=NOW)
TOKEN_TTL = iron.seal(KNOWN, PASSWORD, V1.with_ttl(3_600_000), now=NOW)

# --- strategies ---------------------------------------------------------------------------------

HEX = "0123456789abcdef"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
NASTY = ["", "*", "**", ";", "=", '"', "%", "%2A", "%zz", "%00", "\x00", "\r\n", "\r", "\n", " ", "\t", "\xff", "é"]
NASTY += ["🍪", "\ufeff", "\u2028", "__chunked__", "__chunked__2", "Fe26.2", "Fe26.1", "h3=", "h3.1=", "\\", ","]

def _spell(alphabet: str, data: bytes) -> str:
    """Bytes as text over ``alphabet``: one cheap draw instead of one draw per character."""
    return "".join(alphabet[byte % len(alphabet)] for byte in data)


def spelled(alphabet: str, max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.binary(min_size=min_size, max_size=max_size).map(functools.partial(_spell, alphabet))


def _latin1(data: bytes) -> str:
    return data.decode("latin-1")


def _utf16(data: bytes) -> str:
    return data[: len(data) // 2 * 2].decode("utf-16-le", "surrogatepass")  # lone surrogates too


def _utf8_escaped(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _repeat(unit: str, times: int) -> str:
    return unit * times


def _ones(count: int) -> str:
    return "1" * count


latin1 = st.binary(max_size=300).map(_latin1)
# Arbitrary text, surrogates included: any code unit (UTF-16), raw bytes, a little of everything.
any_text = st.one_of(
    st.binary(max_size=400).map(_utf16),
    st.binary(max_size=300).map(_utf8_escaped),
    st.text(st.characters(exclude_categories=()), max_size=24),
    spelled(string.printable + "éß🍪\u2028\ufeff", 200),
)
nasty = st.sampled_from(NASTY)
huge = st.builds(_repeat, st.sampled_from(["*", "A", "1", "%", ";", "h3=x;", "\x00", "é"]), st.integers(1000, 20_000))
many_stars = spelled("**" + B64URL[:6] + HEX[:4], 400, min_size=7)
# Plausible part contents: hex salts, base64url, digits, expirations longer than int() accepts.
_PLAUSIBLE = (
    spelled(HEX, 70),
    spelled(B64URL + "=", 60),
    spelled("0123456789", 20),
    st.integers(400, 6000).map(_ones),
    nasty,
    latin1,
)
_PIECE = st.one_of(nasty, spelled(B64URL + HEX + "*.", 3, min_size=1))
_EDIT = st.tuples(st.integers(0, 400), st.sampled_from(["sub", "ins", "del", "cut", "dup"]), _PIECE)


def token_like(real: str) -> st.SearchStrategy[str]:
    """Tokens of 7, 8 or 9 parts mixing the real token's parts with plausible and hostile ones."""
    parts = real.split("*")
    choices = [st.one_of(st.just(part), *_PLAUSIBLE) for part in parts]

    @st.composite
    def build(draw: st.DrawFn) -> str:
        count = draw(st.sampled_from([8, 8, 8, 7, 9]))
        chosen = [draw(choices[i % 8]) for i in range(count)]
        if count == 8 and draw(st.booleans()):
            chosen[0] = "Fe26.2"
        return "*".join(chosen)

    return build()


def _edit(token: str, at: int, kind: str, piece: str) -> str:
    at = min(at, len(token))
    if kind == "sub":
        return token[:at] + piece + token[at + 1 :]
    if kind == "ins":
        return token[:at] + piece + token[at:]
    if kind == "del":
        return token[:at] + token[at + 1 :]
    if kind == "cut":
        return token[:at]
    return token[:at] + token


def mutated(real: str) -> st.SearchStrategy[str]:
    """The real token after one to four edits: substitutions, insertions, deletions, cuts, splices."""

    def apply(edits: list[tuple[int, str, str]]) -> str:
        token = real
        for at, kind, piece in edits:
            token = _edit(token, at, kind, piece)
        return token

    return st.lists(_EDIT, min_size=1, max_size=4).map(apply)


def tokens(real: str) -> st.SearchStrategy[str]:
    return st.one_of(any_text, latin1, nasty, huge, many_stars, token_like(real), mutated(real))


# v2 derives an 8192-iteration key for every new MAC salt: keep the real salt in most v2 examples.
tokens_v2 = st.one_of(mutated(TOKEN_V2), token_like(TOKEN_V2), nasty, many_stars, any_text)

# --- unseal ---------------------------------------------------------------------------------


def _unseal_outcome(token: str, password: iron.PasswordInput, options: iron.SealOptions, valid: str) -> None:
    try:
        value = iron.unseal(token, password, options, now=NOW)
    except iron.IronTokenError as error:
        assert not isinstance(error, iron.DecryptError), f"a forged token passed the MAC: {token!r}"
        assert error.reason and PASSWORD not in error.reason
        return
    assert token == valid, f"unseal accepted a token that is not the sealed one: {token!r}"
    assert value == KNOWN


@fuzz("unseal_v1")
@given(tokens(TOKEN_V1))
@example(TOKEN_V1)
@example("Fe26.2**a*b*c*" + "1" * 5000 + "*d*e")
@example("*" * 50_000)
def test_unseal_returns_the_value_or_a_typed_token_error(token: str) -> None:
    EXAMPLES["unseal_v1"] += 1
    _unseal_outcome(token, PASSWORD, V1, TOKEN_V1)
    _unseal_outcome(token, PASSWORD, V1.with_ttl(3_600_000), TOKEN_V1)


@fuzz("unseal_v2")
@given(tokens_v2)
def test_unseal_v2_preset_returns_the_value_or_a_typed_token_error(token: str) -> None:
    EXAMPLES["unseal_v2"] += 1
    _unseal_outcome(token, PASSWORD, V2, TOKEN_V2)


@fuzz("unseal_rotation")
@given(st.one_of(tokens(TOKEN_ROTATED), tokens(TOKEN_TTL)))
def test_unseal_with_a_rotation_map_returns_the_value_or_a_typed_token_error(token: str) -> None:
    EXAMPLES["unseal_rotation"] += 1
    _unseal_outcome(token, ROTATION, V1, TOKEN_ROTATED)


# --- the Cookie header --------------------------------------------------------------------------

cookie_names = st.one_of(st.sampled_from(["h3", "H3", "h3.1", "h3.2", " h3", "h3 ", "", "=", "a"]), latin1, nasty)
cookie_values = st.one_of(tokens(TOKEN_V1), st.just('"' + TOKEN_V1 + '"'), st.just(TOKEN_V1.replace("*", "%2A")))
separators = st.sampled_from(["; ", ";", " ; ", ",", "\t;", ";;", "\r\n", "; \x00"])


_PAIRS = st.lists(st.tuples(cookie_names, st.sampled_from(["=", "", "=="]), cookie_values), max_size=12)


def _join_pairs(separator: str, pairs: list[tuple[str, str, str]]) -> str:
    return separator.join(name + eq + value for name, eq, value in pairs)


def _many(count: int) -> str:
    return "; ".join(f"c{i}=v{i}" for i in range(count))


def cookie_headers() -> st.SearchStrategy[str]:
    """Cookie headers: hostile pairs joined by hostile separators, raw bytes, huge runs, any text."""
    return st.one_of(st.builds(_join_pairs, separators, _PAIRS), latin1, huge, any_text)


@fuzz("parse_cookie_header")
@given(st.one_of(cookie_headers(), st.integers(1, 3000).map(_many)), st.sampled_from(["v1", "v2"]))
def test_cookie_header_parser_is_total(header: str, profile: str) -> None:
    EXAMPLES["parse_cookie_header"] += 1
    cookies = parse_cookie_header(header, profile)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())
    assert all(";" not in name for name in cookies), "a name spans a separator"


plain_names = spelled(string.ascii_letters + string.digits + "_-.", 10, min_size=1)
plain_values = spelled(B64URL + "*.!~'()", 40)


@fuzz("parse_roundtrip")
@given(st.lists(st.tuples(plain_names, plain_values), max_size=20), st.sampled_from(["v1", "v2"]))
def test_cookie_header_parser_keeps_the_first_of_each_name(pairs: list[tuple[str, str]], profile: str) -> None:
    EXAMPLES["parse_roundtrip"] += 1
    expected: dict[str, str] = {}
    for name, value in pairs:
        expected.setdefault(name, value)
    assert parse_cookie_header("; ".join(f"{n}={v}" for n, v in pairs), profile) == expected


# --- chunk reassembly ---------------------------------------------------------------------------

def _marker(count: int) -> str:
    return f"__chunked__{count}"


def _nines(count: int) -> str:
    return "__chunked__" + "9" * count


chunk_markers = st.one_of(
    st.integers(-5, 120).map(_marker),
    st.sampled_from(["__chunked__", "__chunked__abc", "__chunked__ 3", "__chunked__+2", "__chunked__3x", "__chunked__0x2"]),
    st.integers(5, 6000).map(_nines),
    cookie_values,
)
_CHUNK_VALUES = st.one_of(plain_values, nasty, st.just(""))


_CHUNK_NUMBERS = st.lists(st.integers(-1, 105), max_size=12)
_PARSE_INT = re.compile(r"[ \t\n\r\v\f]*([+-]?[0-9]+)")


@st.composite
def chunk_jars(draw: st.DrawFn) -> dict[str, str]:
    jar = {"h3": draw(chunk_markers)}
    for number in draw(_CHUNK_NUMBERS):
        jar[f"h3.{number}"] = draw(_CHUNK_VALUES)
    return jar


@fuzz("read_chunked")
@given(chunk_jars())
def test_chunk_reassembly_is_total_and_exact(jar: dict[str, str]) -> None:
    EXAMPLES["read_chunked"] += 1
    value = read_chunked(jar, "h3")
    main = jar["h3"]
    if not main.startswith("__chunked__"):
        assert value == main
        return
    match = _PARSE_INT.match(main, len("__chunked__"))
    count = int(match.group(1)) if match and len(match.group(1)) < 6 else -1  # parseInt, bounded
    complete = 1 <= count <= 100 and all(jar.get(f"h3.{n}") for n in range(1, count + 1))
    if not complete:
        assert value is None
        return
    assert value == "".join(jar[f"h3.{n}"] for n in range(1, count + 1))


# --- the session loader ---------------------------------------------------------------------------


def _config(profile: str, **changes: Any) -> SessionConfig:
    return SessionConfig(password=PASSWORD, profile=profile, key_cache=iron.KeyCache(256), **changes)  # type: ignore[arg-type]


CONFIGS = {
    "v1": _config("v1"),
    "v1-max-age": _config("v1", max_age=3600),
    "v2": _config("v2"),
    "v2-idle": _config("v2", idle_timeout=600, max_age=86_400),
    "v2-strict": _config("v2", legacy_seal_fallback=False, cookie=False),
}


def _offered(text: str, *valid: str) -> bool:
    """Whether ``text`` could carry a valid token (a superset: present, %-escaped, quoted or chunked)."""
    return any(token in text or token in unquote(text) for token in valid)


def _check_loaded(session: Session, valid_offered: bool) -> None:
    assert session.id, "a session always has an id"
    if session.id == KNOWN_ID:
        assert valid_offered, "a session appeared from input that held no valid token"
        assert session.data == KNOWN_DATA
    else:
        assert session.data == {}, f"fresh session with data {session.data!r}"
        assert session.created_at == NOW


def _load(headers: Mapping[str, str], config: SessionConfig, valid_offered: bool) -> None:
    """get_session, then use_session's open + update + Set-Cookie: none may raise."""
    ctx = SessionContext.from_headers(headers, now=lambda: NOW)
    _check_loaded(get_session(ctx, config), valid_offered)
    manager = open_session(ctx, config)
    manager.update({"seen": True})
    for line in ctx.set_cookie_lines():
        check_set_cookie(line, config.name)


def _as_cookie(token: str) -> str:
    return "h3=" + token


_V1_COOKIES = st.one_of(cookie_headers(), tokens(TOKEN_V1).map(_as_cookie))
_V1_TOKENS = tokens(TOKEN_V1)


@st.composite
def v1_headers(draw: st.DrawFn) -> dict[str, str]:
    headers = {"cookie": draw(_V1_COOKIES)}
    if draw(st.booleans()):
        headers["x-h3-session"] = draw(_V1_TOKENS)
    return headers


@fuzz("loader_v1")
@given(v1_headers(), st.sampled_from(["v1", "v1-max-age"]))
def test_session_loader_v1_yields_a_session_and_never_raises(headers: dict[str, str], which: str) -> None:
    EXAMPLES["loader_v1"] += 1
    _load(headers, CONFIGS[which], _offered(" ".join(headers.values()), TOKEN_V1))


_V2_TOKENS = st.one_of(tokens_v2, st.just(TOKEN_V2), tokens(TOKEN_V1))
_FORMS = st.sampled_from(["plain", "plain", "chunked", "header"])
_COOKIE_HEADERS = cookie_headers()
_PIECES = st.integers(1, 6)
_CLAIMED = st.one_of(st.none(), st.integers(-1, 8))
_SHUFFLE = st.randoms(use_true_random=False)


def _chunked(draw: st.DrawFn, token: str) -> str:
    """``token`` as v2 chunk cookies, sometimes with a wrong count, in any order."""
    size = max(1, math.ceil(len(token) / draw(_PIECES)))
    chunks = [token[i : i + size] for i in range(0, len(token), size)]
    claimed = draw(_CLAIMED)
    cookies = [f"h3=__chunked__{len(chunks) if claimed is None else claimed}"]
    cookies += [f"h3.{n}={chunk}" for n, chunk in enumerate(chunks, start=1)]
    draw(_SHUFFLE).shuffle(cookies)
    return "; ".join(cookies)


@st.composite
def v2_headers(draw: st.DrawFn) -> dict[str, str]:
    token = draw(_V2_TOKENS)
    form = draw(_FORMS)
    cookie = _chunked(draw, token) if form == "chunked" else draw(_COOKIE_HEADERS) if form == "header" else "h3=" + token
    headers = {"cookie": cookie}
    if draw(st.booleans()):
        headers["x-h3-session"] = draw(tokens_v2)
    return headers


@fuzz("loader_v2")
@given(v2_headers(), st.sampled_from(["v2", "v2-idle", "v2-strict"]))
def test_session_loader_v2_yields_a_session_and_never_raises(headers: dict[str, str], which: str) -> None:
    EXAMPLES["loader_v2"] += 1
    valid = (TOKEN_V2,) if which == "v2-strict" else (TOKEN_V2, TOKEN_V1)  # v1 seals via the fallback (item 1)
    offered = _offered(" ".join(headers.values()), *valid) or "h3.1=" in headers["cookie"]
    _load(headers, CONFIGS[which], offered)


def _to_bytes(text: str) -> bytes:
    return text.encode("latin-1", "replace")


raw_values = st.one_of(st.binary(max_size=400), tokens(TOKEN_V1).map(_to_bytes))


@fuzz("loader_raw_bytes")
@given(st.lists(st.tuples(st.sampled_from([b"cookie", b"Cookie", b"x-h3-session", b"X-H3-Session"]), raw_values), max_size=4))
def test_loader_from_raw_header_bytes_never_raises(raw: list[tuple[bytes, bytes]]) -> None:
    """Bytes as servers hand them over: the ASGI scope's raw pairs and the WSGI environ's latin-1 strings."""
    EXAMPLES["loader_raw_bytes"] += 1
    config = CONFIGS["v1"]
    offered = _offered(" ".join(value.decode("latin-1") for _, value in raw), TOKEN_V1)
    ctx = context_from_scope({"type": "http", "headers": [(k.lower(), v) for k, v in raw]}, config, lambda: NOW)
    _check_loaded(get_session(ctx, config), offered)
    environ: dict[str, Any] = {}
    for name, value in raw:
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        environ.setdefault(key, value.decode("latin-1"))
    wsgi_ctx = context_from_environ(environ, config, lambda: NOW)  # type: ignore[arg-type]
    _check_loaded(get_session(wsgi_ctx, config), offered)


# --- payloads only a key holder can seal ------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
created = st.one_of(st.integers(0, NOW), st.just(NOW - 1000), json_values)


_FIELDS = (
    ("id", st.one_of(st.just(KNOWN_ID), json_values)),
    ("createdAt", created),
    ("data", st.one_of(st.just(KNOWN_DATA), json_values)),
    ("lastSeenAt", created),
)
_EXTRA = st.dictionaries(st.text(max_size=6), json_values, max_size=3)


@st.composite
def odd_payloads(draw: st.DrawFn) -> Any:
    """Whatever JSON a key holder could seal: h3 Object.assign-s it onto a session (row g3, item 14)."""
    if draw(st.booleans()):
        return draw(json_values)
    payload: dict[str, Any] = {}
    for key, value in _FIELDS:
        if draw(st.booleans()):
            payload[key] = draw(value)
    payload.update(draw(_EXTRA))
    return payload


@fuzz("loader_payloads")
@given(odd_payloads(), st.sampled_from(["v1", "v1-max-age", "v2-idle"]))
def test_odd_sealed_payloads_give_a_session_and_never_raise(payload: Any, which: str) -> None:
    EXAMPLES["loader_payloads"] += 1
    config = CONFIGS[which]
    token = iron.seal(payload, PASSWORD, V1, now=NOW)
    ctx = SessionContext.from_headers({"cookie": "h3=" + token}, now=lambda: NOW)
    session = get_session(ctx, config)
    assert session.id
    assert isinstance(session.data, dict)
    manager = open_session(ctx, config)
    manager.update({"seen": True})
    for line in ctx.set_cookie_lines():
        check_set_cookie(line, config.name)
    json.dumps(manager.to_dict(), default=str)
