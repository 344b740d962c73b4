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

import json
import math
import os
import re
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

any_text = st.text(st.characters(exclude_categories=()), max_size=200)  # lone surrogates included
latin1 = st.binary(max_size=300).map(lambda data: data.decode("latin-1"))
nasty = st.sampled_from(NASTY)
huge = st.builds(lambda unit, n: unit * n, st.sampled_from(["*", "A", "1", "%", ";", "h3=x;", "\x00", "é"]),
                 st.integers(1000, 60_000))  # fmt: skip
many_stars = st.lists(st.text(B64URL + HEX, max_size=4), min_size=7, max_size=60).map("*".join)


def _part(real: str) -> st.SearchStrategy[str]:
    """One token part: usually plausible (real, hex, base64url, digits), sometimes hostile."""
    return st.one_of(
        st.just(real),
        st.text(HEX, min_size=0, max_size=70),
        st.text(B64URL + "=", max_size=60),
        st.text("0123456789", max_size=20),
        st.integers(400, 6000).map(lambda n: "1" * n),  # expirations longer than int() accepts
        nasty,
        latin1,
    )


def token_like(real: str) -> st.SearchStrategy[str]:
    """Tokens of 7, 8 or 9 parts mixing the real token's parts with plausible and hostile ones."""
    parts = real.split("*")

    @st.composite
    def build(draw: st.DrawFn) -> str:
        count = draw(st.sampled_from([8, 8, 8, 7, 9]))
        chosen = [draw(_part(parts[i % 8])) for i in range(count)]
        if count == 8 and draw(st.booleans()):
            chosen[0] = "Fe26.2"
        return "*".join(chosen)

    return build()


def mutated(real: str) -> st.SearchStrategy[str]:
    """The real token after a few edits: substitutions, insertions, deletions, splices."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        token = real
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(token)))
            kind = draw(st.sampled_from(["sub", "ins", "del", "cut", "dup"]))
            piece = draw(st.one_of(nasty, st.text(B64URL + HEX + "*.", min_size=1, max_size=3)))
            if kind == "sub":
                token = token[:at] + piece + token[at + 1 :]
            elif kind == "ins":
                token = token[:at] + piece + token[at:]
            elif kind == "del":
                token = token[:at] + token[at + 1 :]
            elif kind == "cut":
                token = token[:at]
            else:
                token = token[:at] + token
        return token

    return build()


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


@st.composite
def cookie_headers(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(cookie_names, st.sampled_from(["=", "", "=="]), cookie_values), max_size=12))
    joined = draw(separators).join(name + eq + value for name, eq, value in pairs)
    return draw(st.one_of(st.just(joined), latin1, huge, any_text))


def _many(name: str, count: int) -> str:
    return "; ".join(f"{name}{i}=v{i}" for i in range(count))


@fuzz("parse_cookie_header")
@given(st.one_of(cookie_headers(), st.integers(1, 3000).map(lambda n: _many("c", n))), st.sampled_from(["v1", "v2"]))
def test_cookie_header_parser_is_total(header: str, profile: str) -> None:
    EXAMPLES["parse_cookie_header"] += 1
    cookies = parse_cookie_header(header, profile)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())
    assert all(";" not in name for name in cookies), "a name spans a separator"


plain_names = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", min_size=1, max_size=10)
plain_values = st.text(B64URL + HEX + "*.!~'()", max_size=40)


@fuzz("parse_roundtrip")
@given(st.lists(st.tuples(plain_names, plain_values), max_size=20), st.sampled_from(["v1", "v2"]))
def test_cookie_header_parser_keeps_the_first_of_each_name(pairs: list[tuple[str, str]], profile: str) -> None:
    EXAMPLES["parse_roundtrip"] += 1
    expected: dict[str, str] = {}
    for name, value in pairs:
        expected.setdefault(name, value)
    assert parse_cookie_header("; ".join(f"{n}={v}" for n, v in pairs), profile) == expected


# --- chunk reassembly ---------------------------------------------------------------------------

chunk_markers = st.one_of(
    st.integers(-5, 120).map(lambda n: f"__chunked__{n}"),
    st.sampled_from(["__chunked__", "__chunked__abc", "__chunked__ 3", "__chunked__+2", "__chunked__3x", "__chunked__0x2"]),
    st.integers(5, 6000).map(lambda n: "__chunked__" + "9" * n),
    cookie_values,
)


_PARSE_INT = re.compile(r"[ \t\n\r\v\f]*([+-]?[0-9]+)")


@st.composite
def chunk_jars(draw: st.DrawFn) -> dict[str, str]:
    jar = {"h3": draw(chunk_markers)}
    for number in draw(st.lists(st.integers(-1, 105), max_size=12)):
        jar[f"h3.{number}"] = draw(st.one_of(plain_values, nasty, st.just("")))
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


@st.composite
def v1_headers(draw: st.DrawFn) -> dict[str, str]:
    headers = {"cookie": draw(st.one_of(cookie_headers(), tokens(TOKEN_V1).map(lambda t: "h3=" + t)))}
    if draw(st.booleans()):
        headers["x-h3-session"] = draw(tokens(TOKEN_V1))
    return headers


@fuzz("loader_v1")
@given(v1_headers(), st.sampled_from(["v1", "v1-max-age"]))
def test_session_loader_v1_yields_a_session_and_never_raises(headers: dict[str, str], which: str) -> None:
    EXAMPLES["loader_v1"] += 1
    _load(headers, CONFIGS[which], _offered(" ".join(headers.values()), TOKEN_V1))


@st.composite
def v2_headers(draw: st.DrawFn) -> dict[str, str]:
    token = draw(st.one_of(tokens_v2, st.just(TOKEN_V2), tokens(TOKEN_V1)))
    headers = {"cookie": draw(st.one_of(st.just("h3=" + token), cookie_headers(), chunked_cookie(token)))}
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


def chunked_cookie(token: str) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        pieces = max(1, draw(st.integers(1, 6)))
        size = max(1, math.ceil(len(token) / pieces))
        chunks = [token[i : i + size] for i in range(0, len(token), size)]
        count = draw(st.one_of(st.just(len(chunks)), st.integers(-1, 8)))
        cookies = [f"h3=__chunked__{count}"] + [f"h3.{n}={c}" for n, c in enumerate(chunks, start=1)]
        order = draw(st.permutations(cookies))
        return "; ".join(order)

    return build()


raw_values = st.one_of(st.binary(max_size=400), st.builds(lambda t: t.encode("latin-1", "replace"), tokens(TOKEN_V1)))


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


@st.composite
def odd_payloads(draw: st.DrawFn) -> Any:
    """Whatever JSON a key holder could seal: h3 Object.assign-s it onto a session (row g3, item 14)."""
    if draw(st.booleans()):
        return draw(json_values)
    payload: dict[str, Any] = {}
    for key, value in (("id", st.one_of(st.just(KNOWN_ID), json_values)), ("createdAt", created),
                       ("data", st.one_of(st.just(KNOWN_DATA), json_values)), ("lastSeenAt", created)):  # fmt: skip
        if draw(st.booleans()):
            payload[key] = draw(value)
    payload.update(draw(st.dictionaries(st.text(max_size=6), json_values, max_size=3)))
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
