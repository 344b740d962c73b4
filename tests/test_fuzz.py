"""Hostile input never breaks the session layer: property tests over every parser of untrusted bytes.

``iron.unseal``, the Cookie-header parser, the chunk reassembly and the session
loader see arbitrary text and bytes (decoded as latin-1, as servers decode
header bytes): non-UTF-8, NUL, huge values, many ``*``, many cookies, duplicate
names, quotes, ``%``-escapes and CR/LF attempts.  The only outcomes allowed are
the valid value or iron's typed :class:`~h3session.iron.IronTokenError`; the
session layer turns every failure into a fresh session and never raises.

Most inputs are spelled from one drawn byte string by small grammars (the way
a coverage fuzzer's data provider works): one draw per example keeps hypothesis
fast enough for ``nox -s fuzz`` (``H3_FUZZ_EXAMPLES``, 200,000 by default) while
it still mutates and shrinks the bytes.  The normal run uses the small
``h3session-fuzz-normal`` profile.  The module prints the example count.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Callable, TypeVar
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _reliability import OLD_PASSWORD, PASSWORD, check_set_cookie, report
from h3session import SessionConfig, SessionContext, iron
from h3session.asgi import context_from_scope
from h3session.cookies import parse_cookie_header, read_chunked
from h3session.engine import Session, get_session, needs_derivation, open_session
from h3session.wsgi import context_from_environ

# On a failure hypothesis imports libcst to suggest a patch; with some mypy_extensions versions that import
# warns, and filterwarnings=error turns the warning into an INTERNALERROR that hides the failing example.
with warnings.catch_warnings(), contextlib.suppress(ImportError):
    warnings.simplefilter("ignore", DeprecationWarning)
    import hypothesis.extra._patching  # noqa: F401

NOW = 1_795_751_712_798
KNOWN_ID = "ffeefbfd-12e1-4db8-b511-375c1b14cfcc"
KNOWN_DATA = {"count": 41, "name": "Zoë 🍪"}
KNOWN = {"id": KNOWN_ID, "createdAt": NOW - 1000, "data": KNOWN_DATA}
ROTATION = {"2": PASSWORD, "1": OLD_PASSWORD}

# --- profiles ---------------------------------------------------------------------------------

#: Relative share of the examples each property gets (the v2 ones may derive 8192-iteration keys).
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
    "loader_payloads": 1,
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

# --- grammars over drawn bytes -------------------------------------------------------------------

HEX = "0123456789abcdef"
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
NASTY = ["", "*", "**", ";", "=", '"', "%", "%2A", "%2a", "%zz", "%00", "%0D%0A", "%E0%A4%A", "\x00", "\r\n", "\r"]
NASTY += ["\n", " ", "\t", "\xff", "é", "🍪", "\ufeff", "\u2028", "\ud800", "__chunked__", "__chunked__2", "Fe26.2"]
NASTY += ["Fe26.1", "h3=", "h3.1=", "\\", ",", "=" * 2, "Set-Cookie: evil=1"]
COOKIE_NAMES = ["h3", "h3", "h3", "H3", "h3.1", "h3.2", "h3.0", " h3", "h3 ", "", "=", "a", "x-h3-session", "h3\x00"]
SEPARATORS = ["; ", ";", " ; ", ",", "\t;", ";;", "\r\n", "; \x00", "&"]


class Script:
    """Reads a byte string as a stream of small choices; past its end every choice is 0."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def more(self) -> bool:
        return self.at < len(self.data)

    def byte(self) -> int:
        value = self.data[self.at] if self.at < len(self.data) else 0
        self.at += 1
        return value

    def number(self) -> int:
        return self.byte() << 8 | self.byte()

    def pick(self, options: Sequence[str]) -> str:
        return options[self.byte() % len(options)]

    def run(self, alphabet: str) -> str:
        return "".join(alphabet[self.byte() % len(alphabet)] for _ in range(self.byte() % 72))


def _hostile_piece(real: str, script: Script) -> str:
    """One piece of a hostile token: real parts, stars, salts, base64url, digits, raw characters."""
    parts = real.split("*")
    op = script.byte() % 11
    if op == 0:
        return script.pick(NASTY)
    if op == 1:
        return script.pick(parts)
    if op == 2:
        return "*"
    if op == 3:
        return chr(script.byte())  # latin-1: what a server hands over
    if op == 4:
        return script.run(HEX)
    if op == 5:
        return script.run(B64URL + "=")
    if op == 6:
        count = script.number() % 6000
        return "1" * count if count > 300 else str(count)  # past 4300 digits int() refuses
    if op == 7:
        return real[: script.number() % (len(real) + 1)]
    if op == 8:
        return real[script.number() % (len(real) + 1) :]
    if op == 9:
        return chr(script.number())  # any UTF-16 code unit, lone surrogates included
    return "Fe26.2*"


def assemble(real: str, data: bytes) -> str:
    """A token-shaped (or not) string built piece by piece around ``real``."""
    script = Script(data)
    pieces = []
    while script.more():
        pieces.append(_hostile_piece(real, script))
    return "".join(pieces)


def shaped(real: str, data: bytes) -> str:
    """Eight parts (now and then seven or nine), each the real one or a hostile piece without ``*``.

    These get past the part count and the prefix to the expiration, password and MAC checks.
    """
    script = Script(data)
    parts = real.split("*")
    count = (8, 8, 8, 8, 8, 7, 9)[script.byte() % 7]
    chosen = []
    for index in range(count):
        keep = index < len(parts) and script.byte() % 3 != 2
        chosen.append(parts[index] if keep else _hostile_piece(real, script).replace("*", ""))
    return "*".join(chosen)


def mutate(real: str, data: bytes) -> str:
    """``real`` after a few edits: substitute, insert, delete, cut, splice, swap two parts."""
    script = Script(data)
    token = real
    while script.more():
        at = script.number() % (len(token) + 1)
        kind = script.byte() % 6
        piece = script.pick([*NASTY, *B64URL, *HEX, "*"])
        if kind == 0:
            token = token[:at] + piece + token[at + 1 :]
        elif kind == 1:
            token = token[:at] + piece + token[at:]
        elif kind == 2:
            token = token[:at] + token[at + 1 :]
        elif kind == 3:
            token = token[:at]
        elif kind == 4:
            token = token[:at] + token
        else:
            parts = token.split("*")
            i, j = script.byte() % len(parts), script.byte() % len(parts)
            parts[i], parts[j] = parts[j], parts[i]
            token = "*".join(parts)
    return token


def _latin1(data: bytes) -> str:
    return data.decode("latin-1")


def _utf16(data: bytes) -> str:
    return data[: len(data) // 2 * 2].decode("utf-16-le", "surrogatepass")


def _utf8_escaped(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _repeat(unit: str, times: int) -> str:
    return unit * times


latin1 = st.binary(max_size=300).map(_latin1)
any_text = st.text(st.characters(exclude_categories=()), max_size=40)  # lone surrogates included
_HUGE_UNITS = ["*", "A", "1", "%", ";", "h3=x;", "\x00", "é", "%2A", "Fe26.2*"]
huge = st.builds(_repeat, st.sampled_from(_HUGE_UNITS), st.integers(1000, 30_000))


def hostile(real: str, data: bytes) -> str:
    """The first byte picks a grammar: shaped (40%), mutated (20%), assembled, raw text, huge."""
    grammar, rest = (data[0] % 10, data[1:]) if data else (0, b"")
    if grammar < 4:
        return shaped(real, rest)
    if grammar < 6:
        return mutate(real, rest)
    if grammar == 6:
        return assemble(real, rest)
    if grammar == 7:
        return _latin1(rest)
    if grammar == 8:
        return _utf16(rest) if len(rest) % 3 else _utf8_escaped(rest)
    script = Script(rest)
    return script.pick(_HUGE_UNITS) * (1000 + script.number() % 30_000)


def tokens(real: str) -> st.SearchStrategy[str]:
    """Hostile stand-ins for ``real``: shaped, mutated, assembled, raw text, huge.

    One strategy, not a ``one_of``: hypothesis picks ``one_of`` branches evenly, the grammar
    byte in :func:`hostile` keeps most examples token-shaped.
    """
    return st.binary(max_size=160).map(functools.partial(hostile, real))


def cookie_header(real: str, data: bytes) -> str:
    """A Cookie header of hostile pairs: odd names, duplicates, quotes, escapes, chunk markers."""
    script = Script(data)
    separator = script.pick(SEPARATORS)
    pairs = []
    while script.more():
        name = script.pick(COOKIE_NAMES) if script.byte() % 8 else script.run("abc=; \x00\xe9")
        equals = script.pick(["=", "=", "=", "", "==", " = "])
        form = script.byte() % 9
        if form == 0:
            value = real
        elif form == 1:
            value = f'"{real}"'
        elif form == 2:
            value = real.replace("*", "%2A")
        elif form == 3:
            value = f"__chunked__{script.byte() % 8}"
        elif form == 4:
            value = script.run("%0123456789ABCDEFabcdefz")
        else:
            value = "".join(_hostile_piece(real, script) for _ in range(script.byte() % 4))
        pairs.append(name + equals + value)
    return separator.join(pairs)


def _many(count: int) -> str:
    return "; ".join(f"c{i}=v{i}" for i in range(count))


def cookie_headers(real: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.binary(max_size=200).map(functools.partial(cookie_header, real)),
        latin1,
        any_text,
        huge,
        st.integers(1, 3000).map(_many),
    )


# --- unseal ---------------------------------------------------------------------------------


def _unseal_outcome(token: str, password: iron.PasswordInput, options: iron.SealOptions, valid: str) -> None:
    try:
        value = iron.unseal(token, password, options, now=NOW)
    except iron.IronTokenError as error:
        refused: iron.IronTokenError = error
    else:
        assert token == valid, f"unseal accepted a token that is not the sealed one: {token!r}"
        assert value == KNOWN
        return
    assert not isinstance(refused, iron.DecryptError), f"a forged token passed the MAC: {token!r}"
    assert refused.reason
    assert PASSWORD not in refused.reason


@fuzz("unseal_v1")
@given(tokens(TOKEN_V1))
@example(TOKEN_V1)
@example("Fe26.2**a*b*c*" + "1" * 5000 + "*d*e")
@example("*" * 50_000)
def test_unseal_returns_the_value_or_a_typed_token_error(token: str) -> None:
    EXAMPLES["unseal_v1"] += 1
    _unseal_outcome(token, PASSWORD, V1, TOKEN_V1)
    _unseal_outcome(token, PASSWORD, V1.with_ttl(3_600_000), TOKEN_V1)


# v2 derives an 8192-iteration key per new MAC salt; shaped and mutated tokens mostly keep the real one.
tokens_v2 = tokens(TOKEN_V2)


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


@fuzz("parse_cookie_header")
@given(cookie_headers(TOKEN_V1), st.sampled_from(["v1", "v2"]))
def test_cookie_header_parser_is_total(header: str, profile: str) -> None:
    EXAMPLES["parse_cookie_header"] += 1
    cookies = parse_cookie_header(header, profile)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())
    assert all(";" not in name for name in cookies), "a name spans a separator"


def plain_pairs(data: bytes) -> list[tuple[str, str]]:
    """Cookie pairs in a safe alphabet, with few distinct names so duplicates are common."""
    script = Script(data)
    pairs = []
    while script.more():
        name = script.pick(["a", "b", "h3", "h3.1", "A", "a_b", "x-y"]) + script.run("abc")[:2]
        pairs.append((name, script.run(B64URL + "*.!~'()")))
    return pairs


@fuzz("parse_roundtrip")
@given(st.binary(max_size=200).map(plain_pairs), st.sampled_from(["v1", "v2"]))
def test_cookie_header_parser_keeps_the_first_of_each_name(pairs: list[tuple[str, str]], profile: str) -> None:
    EXAMPLES["parse_roundtrip"] += 1
    expected: dict[str, str] = {}
    for name, value in pairs:
        expected.setdefault(name, value)
    assert parse_cookie_header("; ".join(f"{n}={v}" for n, v in pairs), profile) == expected


# --- chunk reassembly ---------------------------------------------------------------------------

_MARKERS = ["__chunked__", "__chunked__abc", "__chunked__ 3", "__chunked__+2", "__chunked__3x", "__chunked__0x2"]
_PARSE_INT = re.compile(r"[ \t\n\r\v\f]*([+-]?[0-9]+)")


def chunk_jar(data: bytes) -> dict[str, str]:
    """A request's cookies around a chunked ``h3``: odd counts, gaps, empty and hostile chunks."""
    script = Script(data)
    form = script.byte() % 5
    if form == 0:
        main = f"__chunked__{script.byte() % 126 - 5}"
    elif form == 1:
        main = script.pick(_MARKERS)
    elif form == 2:
        main = "__chunked__" + "9" * (script.number() % 6000)
    elif form == 3:
        main = f"__chunked__{script.byte() % 6}"
    else:
        main = assemble(TOKEN_V1, script.data[script.at : script.at + 20])
        script.at += 20
    jar = {"h3": main}
    while script.more():
        number = script.byte() % 107 - 1 if script.byte() % 4 == 0 else script.byte() % 7
        jar[f"h3.{number}"] = script.pick(["", *NASTY]) if script.byte() % 5 == 0 else script.run(B64URL + "*")
    return jar


@fuzz("read_chunked")
@given(st.binary(max_size=120).map(chunk_jar))
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
    """ASGI's derivation probe, get_session, then use_session's open + update + Set-Cookie: none may raise."""
    ctx = SessionContext.from_headers(headers, now=lambda: NOW)
    assert needs_derivation(ctx, config) in (True, False)
    _check_loaded(get_session(ctx, config), valid_offered)
    manager = open_session(ctx, config)
    manager.update({"seen": True})
    for line in ctx.set_cookie_lines():
        check_set_cookie(line, config.name)


def _as_cookie(token: str) -> str:
    return "h3=" + token


_V1_COOKIES = st.one_of(cookie_headers(TOKEN_V1), tokens(TOKEN_V1).map(_as_cookie))
_V1_HEADER = st.one_of(st.none(), tokens(TOKEN_V1))


@fuzz("loader_v1")
@given(_V1_COOKIES, _V1_HEADER, st.sampled_from(["v1", "v1-max-age"]))
def test_session_loader_v1_yields_a_session_and_never_raises(cookie: str, header: Any, which: str) -> None:
    EXAMPLES["loader_v1"] += 1
    headers = {"cookie": cookie} if header is None else {"cookie": cookie, "x-h3-session": header}
    _load(headers, CONFIGS[which], _offered(" ".join(headers.values()), TOKEN_V1))


def chunked_cookie(token: str, data: bytes) -> str:
    """``token`` as v2 chunk cookies, sometimes with a wrong count, in a drawn order."""
    script = Script(data)
    size = max(1, math.ceil(len(token) / (1 + script.byte() % 6)))
    chunks = [token[i : i + size] for i in range(0, len(token), size)]
    count = len(chunks) if script.byte() % 3 else script.byte() % 10 - 1
    cookies = [f"h3=__chunked__{count}"] + [f"h3.{n}={chunk}" for n, chunk in enumerate(chunks, start=1)]
    for i in range(len(cookies) - 1, 0, -1):
        j = script.byte() % (i + 1)
        cookies[i], cookies[j] = cookies[j], cookies[i]
    return "; ".join(cookies)


_V2_COOKIES = st.one_of(
    tokens_v2.map(_as_cookie),
    st.just(_as_cookie(TOKEN_V2)),
    tokens(TOKEN_V1).map(_as_cookie),
    cookie_headers(TOKEN_V2),
    st.binary(max_size=12).map(functools.partial(chunked_cookie, TOKEN_V2)),
    st.binary(max_size=12).map(functools.partial(chunked_cookie, TOKEN_V1)),
)


@fuzz("loader_v2")
@given(_V2_COOKIES, st.one_of(st.none(), tokens_v2), st.sampled_from(["v2", "v2-idle", "v2-strict"]))
def test_session_loader_v2_yields_a_session_and_never_raises(cookie: str, header: Any, which: str) -> None:
    EXAMPLES["loader_v2"] += 1
    headers = {"cookie": cookie} if header is None else {"cookie": cookie, "x-h3-session": header}
    valid = (TOKEN_V2,) if which == "v2-strict" else (TOKEN_V2, TOKEN_V1)  # v1 seals via the fallback (item 1)
    offered = _offered(" ".join(headers.values()), *valid) or "h3.1=" in cookie
    _load(headers, CONFIGS[which], offered)


def _to_bytes(text: str) -> bytes:
    return text.encode("latin-1", "replace")


_RAW_NAMES = st.sampled_from([b"cookie", b"Cookie", b"x-h3-session", b"X-H3-Session"])
_RAW_VALUES = st.one_of(
    st.binary(max_size=400), tokens(TOKEN_V1).map(_to_bytes), cookie_headers(TOKEN_V1).map(_to_bytes)
)


@fuzz("loader_raw_bytes")
@given(st.lists(st.tuples(_RAW_NAMES, _RAW_VALUES), max_size=4))
def test_loader_from_raw_header_bytes_never_raises(raw: list[tuple[bytes, bytes]]) -> None:
    """Bytes as servers hand them over: the ASGI scope's raw pairs and the WSGI environ's latin-1 strings."""
    EXAMPLES["loader_raw_bytes"] += 1
    config = CONFIGS["v1"]
    offered = _offered(" ".join(value.decode("latin-1") for _, value in raw), TOKEN_V1)
    ctx = context_from_scope({"type": "http", "headers": [(k.lower(), v) for k, v in raw]}, config, lambda: NOW)
    _check_loaded(get_session(ctx, config), offered)
    environ: dict[str, Any] = {}
    for name, value in raw:
        environ.setdefault("HTTP_" + name.decode("latin-1").upper().replace("-", "_"), value.decode("latin-1"))
    wsgi_ctx = context_from_environ(environ, config, lambda: NOW)
    _check_loaded(get_session(wsgi_ctx, config), offered)


# --- payloads only a key holder can seal ------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
_CREATED = st.one_of(st.integers(0, NOW), st.just(NOW - 1000), json_values)
_FIELDS = (
    ("id", st.one_of(st.just(KNOWN_ID), json_values)),
    ("createdAt", _CREATED),
    ("data", st.one_of(st.just(KNOWN_DATA), json_values)),
    ("lastSeenAt", _CREATED),
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
@example({"id": KNOWN_ID, "createdAt": 253_402_297_200_000}, "v1-max-age")  # Expires in the year 10000
@example({"id": KNOWN_ID, "createdAt": 1e300}, "v1-max-age")  # once an OverflowError in gmtime
@example({"id": KNOWN_ID, "createdAt": NOW, "lastSeenAt": -1e300}, "v2-idle")
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
