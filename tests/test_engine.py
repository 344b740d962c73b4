"""``h3session.engine``: one test per behaviour row of h3-behavior.md that concerns the session core.

Each test is named after its row (a1 ... j10) and runs in every profile where the row
applies.  Requests are plain header mappings with a fixed clock; the contract routes
(``/``, ``/clear``, ``/data``, ``/update``) are replayed by :func:`visit`.  Tokens differ
on every seal, so Set-Cookie lines are compared attribute by attribute and their tokens
are unsealed.  Where the reference deliberately differs from h3 (rows f2, f5 v1, g3 string
and array payloads, i5, j9, h1 v1), the docstring says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

import pytest

from h3session import ConfigError, CookieTooLargeError, SessionConfig, iron
from h3session.cookies import http_date
from h3session.engine import (
    SessionContext,
    SessionExpiredError,
    get_session,
    open_session,
    seal_session,
    unseal_session,
    update_session,
)

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
OTHER_PASSWORD = "another-password-that-is-long-enough-1234"
NOW = 1_795_751_712_798
DAY = 86_400_000
WEEK_S = 604_800
DEFAULT_ATTRS = {"v1": "Path=/; HttpOnly; Secure", "v2": "Path=/; HttpOnly; Secure; SameSite=Lax"}
CLEARED = {"v1": "h3=; Path=/; HttpOnly; Secure", "v2": "h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"}
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
DOCS_OPTIONS = {
    "name": "my-session",
    "cookie": {"httpOnly": True, "secure": True, "sameSite": "strict"},
    "maxAge": WEEK_S,
}


@pytest.fixture(params=["v1", "v2"])
def profile(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def make(profile: str, **options: Any) -> SessionConfig:
    return SessionConfig.from_h3({"password": PASSWORD, "profile": profile, **options})


@dataclass
class Reply:
    body: Any
    lines: list[str]
    ctx: SessionContext

    def line(self, name: str = "h3") -> str:
        found = [line for line in self.lines if line.startswith(f"{name}=")]
        assert len(found) == 1, self.lines
        return found[0]

    def token(self, name: str = "h3") -> str:
        return self.line(name).split(";", 1)[0][len(name) + 1 :]

    def attrs(self, name: str = "h3") -> str:
        return self.line(name).split("; ", 1)[1]

    def names(self) -> list[str]:
        return [line.split("=", 1)[0] for line in self.lines]


def visit(
    config: SessionConfig,
    path: str = "/",
    *,
    cookie: Optional[str] = None,
    headers: Optional[dict[str, str]] = None,
    body: Optional[dict[str, Any]] = None,
    now: int = NOW,
) -> Reply:
    """The contract app's route ``path`` on one request; returns the body and the Set-Cookie lines."""
    request = dict(headers or {})
    if cookie is not None:
        request["cookie"] = cookie
    ctx = SessionContext.from_headers(request, now=lambda: now)
    session = open_session(ctx, config)
    out: Any
    if path == "/":
        session.update({"count": (session.data.get("count") or 0) + 1})
        out = f"Hello world! You have visited this page {session.data['count']} times."
    elif path == "/clear":
        session.clear()
        out = "Session cleared"
    elif path == "/data":
        out = session.to_dict()
    elif path == "/update":
        session.update(body)
        out = dict(session.data)
    else:
        raise AssertionError(path)
    return Reply(out, ctx.set_cookie_lines(), ctx)


def times(n: int) -> str:
    return f"Hello world! You have visited this page {n} times."


def opened(config: SessionConfig, token: str, now: int = NOW) -> Any:
    return iron.unseal(token, PASSWORD, config.seal_options, now=now)


def forge(payload: Any, profile: str = "v2", *, now: int = NOW, ttl: int = 0, password: str = PASSWORD) -> str:
    """A token sealed with plain iron (same password) rather than through a session."""
    return iron.seal(payload, password, iron.preset(profile).with_ttl(ttl), now=now)


def expiring_at(payload: Any, profile: str, expiration: int) -> str:
    return forge(payload, profile, now=expiration - 1, ttl=1)


def session_token(profile: str, count: int = 1, **extra: Any) -> tuple[str, dict[str, Any]]:
    payload = {"id": f"s-{count}-{profile}", "createdAt": NOW - 1000, "data": {"count": count, **extra}}
    return forge(payload, profile), payload


# --- a: the visit counter ---------------------------------------------------------------------------


def test_a1_first_visit_sets_one_cookie_with_the_profile_defaults(profile: str) -> None:
    config = make(profile)
    reply = visit(config)
    assert reply.body == times(1)
    assert reply.names() == ["h3"]
    assert reply.attrs() == DEFAULT_ATTRS[profile]
    assert len(reply.token()) == 334
    assert reply.token().startswith("Fe26.2**")
    session = opened(config, reply.token())
    assert list(session) == ["id", "createdAt", "data"]
    assert UUID4.fullmatch(session["id"])
    assert session["createdAt"] == NOW
    assert session["data"] == {"count": 1}


def test_a1_tokens_use_the_profile_iteration_count(profile: str) -> None:
    token = visit(make(profile)).token()
    other = "v1" if profile == "v2" else "v2"
    assert iron.unseal(token, PASSWORD, iron.preset(profile))["data"] == {"count": 1}
    with pytest.raises(iron.MacError):
        iron.unseal(token, PASSWORD, iron.preset(other))


def test_a2_later_visits_keep_id_and_created_at_and_reseal(profile: str) -> None:
    config = make(profile)
    first = visit(config)
    second = visit(config, cookie=f"h3={first.token()}", now=NOW + 1000)
    third = visit(config, cookie=f"h3={second.token()}", now=NOW + 2000)
    assert (second.body, third.body) == (times(2), times(3))
    sessions = [opened(config, r.token(), NOW + 2000) for r in (first, second, third)]
    assert len({s["id"] for s in sessions}) == 1
    assert {s["createdAt"] for s in sessions} == {NOW}
    assert len({first.token(), second.token(), third.token()}) == 3
    assert third.attrs() == DEFAULT_ATTRS[profile]


def test_a3_read_only_request_with_a_valid_cookie_sends_no_set_cookie(profile: str) -> None:
    config = make(profile)
    token, payload = session_token(profile, 3)
    reply = visit(config, "/data", cookie=f"h3={token}")
    assert reply.lines == []
    assert reply.body == {"id": payload["id"], "createdAt": payload["createdAt"], "data": {"count": 3}}


def test_a4_a_replayed_old_token_is_still_accepted(profile: str) -> None:
    config = make(profile)
    first = visit(config)
    third = visit(config, cookie=f"h3={visit(config, cookie=f'h3={first.token()}').token()}")
    assert third.body == times(3)
    assert visit(config, cookie=f"h3={first.token()}").body == times(2)


# --- b: how many Set-Cookie lines a new session gets ----------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/data", "/update"])
def test_b_new_session_gets_exactly_one_set_cookie(profile: str, path: str) -> None:
    reply = visit(make(profile), path, body={"x": 1})
    assert reply.names() == ["h3"]


def test_b2_read_only_request_without_cookie_creates_and_seals_a_session(profile: str) -> None:
    config = make(profile)
    reply = visit(config, "/data")
    assert UUID4.fullmatch(reply.body["id"])
    assert reply.body["createdAt"] == NOW
    assert reply.body["data"] == {}
    assert opened(config, reply.token()) == {"id": reply.body["id"], "createdAt": NOW, "data": {}}


# --- c: clear ------------------------------------------------------------------------------------------------


def test_c1_clear_with_a_valid_cookie(profile: str) -> None:
    """v1 keeps an empty session cookie (no Max-Age, item 6); v2 expires it with Max-Age=0."""
    token, _ = session_token(profile)
    reply = visit(make(profile), "/clear", cookie=f"h3={token}")
    assert reply.body == "Session cleared"
    assert reply.lines == [CLEARED[profile]]


def test_c1_clear_forgets_the_session_for_the_rest_of_the_request(profile: str) -> None:
    token, _ = session_token(profile, 4)
    ctx = SessionContext.from_headers({"cookie": f"h3={token}"}, now=lambda: NOW)
    session = open_session(ctx, make(profile))
    session.clear()
    assert (session.id, session.created_at, session.data) == (None, None, {})


def test_c2_clear_without_a_cookie_sends_only_the_clearing_line(profile: str) -> None:
    assert visit(make(profile), "/clear").lines == [CLEARED[profile]]


def test_c3_the_cleared_empty_cookie_starts_a_new_session(profile: str) -> None:
    reply = visit(make(profile), cookie="h3=")
    assert reply.body == times(1)
    assert reply.names() == ["h3"]


# --- d: the session header -------------------------------------------------------------------------------


def test_d1_header_session_wins_over_the_cookie_and_overwrites_it(profile: str) -> None:
    config = make(profile)
    cookie_token, _ = session_token(profile, 5)
    header_token, header_payload = session_token(profile, 1)
    request = {"cookie": f"h3={cookie_token}", "headers": {"x-h3-session": header_token}}
    data = visit(config, "/data", **request)  # type: ignore[arg-type]
    assert data.body["id"] == header_payload["id"]
    assert data.lines == []
    counted = visit(config, "/", **request)  # type: ignore[arg-type]
    assert counted.body == times(2)
    assert opened(config, counted.token())["id"] == header_payload["id"]


def test_d2_garbage_header_does_not_fall_back_to_the_cookie(profile: str) -> None:
    config = make(profile)
    token, payload = session_token(profile, 5)
    reply = visit(config, "/data", cookie=f"h3={token}", headers={"x-h3-session": "garbage"})
    assert reply.body["id"] != payload["id"]
    assert reply.body["data"] == {}
    assert opened(config, reply.token())["id"] == reply.body["id"]  # a new cookie overwrites A, even on /data


def test_d3_an_empty_header_falls_back_to_the_cookie(profile: str) -> None:
    token, payload = session_token(profile, 5)
    for empty in ("", "   "):
        reply = visit(make(profile), "/data", cookie=f"h3={token}", headers={"x-h3-session": empty})
        assert reply.body["id"] == payload["id"]
        assert reply.lines == []


def test_d4_a_header_alone_is_used_and_written_to_the_cookie_on_update(profile: str) -> None:
    config = make(profile)
    token, payload = session_token(profile, 1)
    assert visit(config, "/data", headers={"x-h3-session": token}).lines == []
    reply = visit(config, headers={"x-h3-session": token})
    assert reply.body == times(2)
    assert opened(config, reply.token())["id"] == payload["id"]
    assert reply.attrs() == DEFAULT_ATTRS[profile]


def test_d5_header_name_case_and_surrounding_spaces_do_not_matter(profile: str) -> None:
    token, payload = session_token(profile, 1)
    reply = visit(make(profile), "/data", headers={"X-H3-SESSION": f"  {token}\t"})
    assert reply.body["id"] == payload["id"]


def test_d6_clear_with_cookie_and_header_deletes_only_the_cookie(profile: str) -> None:
    config = make(profile)
    cookie_token, _ = session_token(profile, 5)
    header_token, header_payload = session_token(profile, 1)
    reply = visit(config, "/clear", cookie=f"h3={cookie_token}", headers={"x-h3-session": header_token})
    assert reply.lines == [CLEARED[profile]]
    assert visit(config, "/data", headers={"x-h3-session": header_token}).body["id"] == header_payload["id"]


def test_d7_a_custom_name_renames_the_cookie_and_the_header(profile: str) -> None:
    config = make(profile, name="my-session")
    reply = visit(config)
    assert reply.names() == ["my-session"]
    assert reply.attrs("my-session") == DEFAULT_ATTRS[profile]
    assert len(reply.token("my-session")) == 334
    token, payload = session_token(profile, 1)
    assert visit(config, "/data", headers={"x-my-session-session": token}).body["id"] == payload["id"]
    assert visit(config, "/data", cookie=f"my-session={token}").body["id"] == payload["id"]
    assert visit(config, "/data", headers={"x-h3-session": token}).body["id"] != payload["id"]
    assert visit(config, "/data", cookie=f"h3={token}").body["id"] != payload["id"]


def test_d8_session_header_false_ignores_the_header(profile: str) -> None:
    config = make(profile, sessionHeader=False)
    cookie_token, cookie_payload = session_token(profile, 5)
    header_token, _ = session_token(profile, 1)
    both = visit(config, "/data", cookie=f"h3={cookie_token}", headers={"x-h3-session": header_token})
    assert both.body["id"] == cookie_payload["id"]
    alone = visit(config, "/data", headers={"x-h3-session": header_token})
    assert alone.body["data"] == {}


def test_d9_a_custom_session_header_is_lower_cased(profile: str) -> None:
    config = make(profile, sessionHeader="X-Custom-Session")
    token, payload = session_token(profile, 1)
    assert visit(config, "/data", headers={"x-custom-session": token}).body["id"] == payload["id"]
    assert visit(config, "/data", headers={"x-h3-session": token}).body["id"] != payload["id"]


def test_d10_the_cookie_name_is_case_sensitive_and_the_header_lower_cased(profile: str) -> None:
    config = make(profile, name="MyApp")
    token, payload = session_token(profile, 1)
    assert visit(config).names() == ["MyApp"]
    assert visit(config, "/data", cookie=f"MyApp={token}").body["id"] == payload["id"]
    assert visit(config, "/data", cookie=f"myapp={token}").body["id"] != payload["id"]
    assert visit(config, "/data", headers={"x-myapp-session": token}).body["id"] == payload["id"]


# --- e: tampered and foreign tokens ----------------------------------------------------------------------------


def _tamper(token: str, kind: str) -> str:
    parts = token.split("*")

    def flip(text: str, index: int) -> str:
        chars = list(text)
        chars[index] = "A" if chars[index] != "A" else "B"
        return "".join(chars)

    edits: dict[str, tuple[int, Callable[[str], str]]] = {
        "mac-first": (7, lambda p: flip(p, 0)),
        "mac-last": (7, lambda p: flip(p, -1)),
        "ciphertext": (4, lambda p: flip(p, 10)),
        "iv": (3, lambda p: flip(p, 0)),
        "encryption-salt": (2, lambda p: flip(p, 0)),
        "hmac-salt": (6, lambda p: flip(p, 0)),
        "prefix": (0, lambda p: "Fe26.1"),
        "password-id": (1, lambda p: "k1"),
        "expiration": (5, lambda p: str(NOW + DAY)),
    }
    if kind in edits:
        index, change = edits[kind]
        parts[index] = change(parts[index])
        return "*".join(parts)
    return {"7-parts": "*".join(parts[:7]), "9-parts": "*".join([*parts, "x"]), "hello": "hello"}[kind]


@pytest.mark.parametrize(
    "kind",
    [
        "mac-first",
        "mac-last",
        "ciphertext",
        "iv",
        "encryption-salt",
        "hmac-salt",
        "prefix",
        "password-id",
        "expiration",
        "7-parts",
        "9-parts",
        "hello",
    ],
)
def test_e1_a_tampered_cookie_is_a_fresh_session_never_an_error(profile: str, kind: str) -> None:
    config = make(profile)
    token, payload = session_token(profile, 5)
    reply = visit(config, cookie=f"h3={_tamper(token, kind)}")
    assert reply.body == times(1)
    assert opened(config, reply.token())["id"] != payload["id"]


def test_e2_a_cookie_sealed_with_another_password_is_a_fresh_session(profile: str) -> None:
    token = forge({"id": "x", "createdAt": NOW, "data": {"count": 5}}, profile, password=OTHER_PASSWORD)
    assert visit(make(profile), cookie=f"h3={token}").body == times(1)


def test_e3_v1_rejects_a_token_with_8192_iterations() -> None:
    token = forge({"id": "x", "createdAt": NOW, "data": {"count": 41}}, "v2")
    assert visit(make("v1"), cookie=f"h3={token}").body == times(1)


def test_e3_v2_accepts_a_1_iteration_token_and_reseals_it_with_8192() -> None:
    config = make("v2")
    token = forge({"id": "x", "createdAt": NOW, "data": {"count": 41}}, "v1")
    reply = visit(config, cookie=f"h3={token}")
    assert reply.body == times(42)
    assert iron.unseal(reply.token(), PASSWORD, iron.PRESET_V2)["id"] == "x"


# --- f: cookie options ---------------------------------------------------------------------------------------------


def test_f1_docs_options_give_a_fixed_expires_and_no_max_age(profile: str) -> None:
    config = make(profile, **DOCS_OPTIONS)
    reply = visit(config)
    expires = http_date(NOW + WEEK_S * 1000)
    assert reply.attrs("my-session") == f"Path=/; Expires={expires}; HttpOnly; Secure; SameSite=Strict"
    token = reply.token("my-session")
    assert len(token) == 347
    assert token.split("*")[5] == str(NOW + WEEK_S * 1000)


def test_f1b_expires_stays_fixed_while_the_iron_expiration_moves(profile: str) -> None:
    config = make(profile, **DOCS_OPTIONS)
    first = visit(config)
    later = NOW + 3_600_000
    second = visit(config, cookie=f"my-session={first.token('my-session')}", now=later)
    assert second.body == times(2)
    assert second.attrs("my-session") == first.attrs("my-session")
    assert second.token("my-session").split("*")[5] == str(later + WEEK_S * 1000)


def test_f1c_clear_with_the_docs_options(profile: str) -> None:
    config = make(profile, **DOCS_OPTIONS)
    token = visit(config).token("my-session")
    reply = visit(config, "/clear", cookie=f"my-session={token}")
    expected = {
        "v1": "my-session=; Path=/; HttpOnly; Secure; SameSite=Strict",
        "v2": "my-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict",
    }
    assert reply.lines == [expected[profile]]


def test_f2_cookie_name_is_refused(profile: str) -> None:
    """h3 v2 renames only the emitted cookie (sessions never persist, duplicate headers); v1 ignores it.

    Either way the user meant the top-level ``name``, so the reference refuses the config instead.
    """
    options = {**DOCS_OPTIONS, "cookie": {**DOCS_OPTIONS["cookie"], "name": "my-session"}}  # type: ignore[dict-item]
    del options["name"]
    with pytest.raises(ConfigError, match=r"cookie\.name is not supported"):
        make(profile, **options)


F3_COOKIE = {
    "secure": False,
    "httpOnly": False,
    "sameSite": "lax",
    "path": "/app",
    "domain": "example.com",
    "priority": "high",
}


def test_f3_cookie_overrides(profile: str) -> None:
    config = make(profile, cookie=F3_COOKIE)
    reply = visit(config)
    assert reply.attrs() == "Domain=example.com; Path=/app; Priority=High; SameSite=Lax"
    cleared = visit(config, "/clear", cookie=f"h3={reply.token()}")
    expected = {
        "v1": "h3=; Domain=example.com; Path=/app; Priority=High; SameSite=Lax",
        "v2": "h3=; Max-Age=0; Domain=example.com; Path=/app; Priority=High; SameSite=Lax",
    }
    assert cleared.lines == [expected[profile]]


def test_f3b_v1_emits_samesite_none_without_secure() -> None:
    reply = visit(make("v1", cookie={"secure": False, "sameSite": "none"}))
    assert reply.attrs() == "Path=/; HttpOnly; SameSite=None"


def test_f3b_v2_refuses_samesite_none_without_secure_at_construction() -> None:
    """h3 v2 answers every request with HTTP 500; the reference refuses the config before serving."""
    with pytest.raises(ConfigError, match="SameSite=None cookies must have the Secure attribute"):
        make("v2", cookie={"secure": False, "sameSite": "none"})


def test_f3c_partitioned_attribute_order_differs_by_profile(profile: str) -> None:
    reply = visit(make(profile, cookie={"partitioned": True, "sameSite": "none"}))
    expected = {
        "v1": "Path=/; HttpOnly; Secure; SameSite=None; Partitioned",
        "v2": "Path=/; HttpOnly; Secure; Partitioned; SameSite=None",
    }
    assert reply.attrs() == expected[profile]


def test_f4_cookie_max_age_attribute_and_clear(profile: str) -> None:
    config = make(profile, cookie={"maxAge": 3600})
    reply = visit(config)
    assert reply.attrs() == "Max-Age=3600; " + DEFAULT_ATTRS[profile]
    cleared = visit(config, "/clear", cookie=f"h3={reply.token()}")
    expected = {
        "v1": "h3=; Max-Age=3600; Path=/; HttpOnly; Secure",  # an empty cookie that lives an hour (item 6)
        "v2": "h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    }
    assert cleared.lines == [expected[profile]]


def test_f5_cookie_false_sends_no_set_cookie_and_header_sessions_work(profile: str) -> None:
    config = make(profile, cookie=False)
    for path in ("/", "/data", "/update"):
        assert visit(config, path, body={"x": 1}).lines == []
    token, _ = session_token(profile, 7)
    reply = visit(config, headers={"x-h3-session": token})
    assert reply.body == times(8)
    assert reply.lines == []


def test_f5_clear_with_cookie_false_sends_nothing(profile: str) -> None:
    """h3 v1 still sends ``h3=; Path=/; HttpOnly; Secure`` here; with cookies off the reference sends none, as v2."""
    token, _ = session_token(profile, 7)
    assert visit(make(profile, cookie=False), "/clear", headers={"x-h3-session": token}).lines == []


# --- g: ages, expirations and odd payloads -----------------------------------------------------------------------


def test_g1_max_age_ends_the_session_before_iron_would(profile: str) -> None:
    config = make(profile, maxAge=2)
    first = visit(config)
    assert first.attrs() == f"Path=/; Expires={http_date(NOW + 2000)}; " + DEFAULT_ATTRS[profile][len("Path=/; ") :]
    token = first.token()
    assert token.split("*")[5] == str(NOW + 2000)
    later = NOW + 3200
    assert opened(config, token, later)["data"] == {"count": 1}  # iron alone still accepts it (60 s skew)
    assert visit(config, cookie=f"h3={token}", now=later).body == times(1)


def test_g1_age_equal_to_max_age_is_still_accepted(profile: str) -> None:
    config = make(profile, maxAge=2)
    token = visit(config).token()
    assert visit(config, cookie=f"h3={token}", now=NOW + 2000).body == times(2)
    assert visit(config, cookie=f"h3={token}", now=NOW + 2001).body == times(1)


@pytest.mark.parametrize(
    ("case", "accepted"),
    [
        ("created 8 days ago", False),
        ("created 1 day ago", True),
        ("iron expiration 119 s ago", False),
        ("iron expiration 29 s ago", True),
        ("no createdAt", False),
        ("createdAt in the future", True),
    ],
)
def test_g2_forged_tokens_against_a_7_day_max_age(profile: str, case: str, accepted: bool) -> None:
    config = make(profile, maxAge=WEEK_S)
    payload: dict[str, Any] = {"id": "forged", "createdAt": NOW - DAY, "data": {"count": 5}}
    token = forge(payload, profile)
    if case == "created 8 days ago":
        token = forge({**payload, "createdAt": NOW - 8 * DAY}, profile)
    elif case == "iron expiration 119 s ago":
        token = expiring_at(payload, profile, NOW - 119_000)
    elif case == "iron expiration 29 s ago":
        token = expiring_at(payload, profile, NOW - 29_000)
    elif case == "no createdAt":
        token = forge({"id": "forged", "data": {"count": 5}}, profile)
    elif case == "createdAt in the future":
        token = forge({**payload, "createdAt": NOW + DAY}, profile)
    reply = visit(config, cookie=f"h3={token}")
    assert reply.body == times(6 if accepted else 1)
    if case == "created 1 day ago":
        assert f"Expires={http_date(NOW - DAY + WEEK_S * 1000)}" in reply.attrs()
        assert reply.token().split("*")[5] == str(NOW + WEEK_S * 1000)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"id": "k", "createdAt": 0, "data": {"a": 1}}, {"id": "k", "createdAt": 0, "data": {"a": 1}}),
        ({"id": "k", "data": {"a": 1}}, {"id": "k", "createdAt": 0, "data": {"a": 1}}),
        ({"id": 12345, "createdAt": 5, "data": {"a": 1}}, {"id": 12345, "createdAt": 5, "data": {"a": 1}}),
        ({"id": "k", "createdAt": 5}, {"id": "k", "createdAt": 5, "data": {}}),
        ({"id": "k", "createdAt": 5, "data": None}, None),
    ],
    ids=["createdAt-0", "createdAt-missing", "numeric-id", "data-missing", "data-null"],
)
def test_g3_odd_payloads_without_max_age_are_accepted(
    profile: str, payload: dict[str, Any], expected: Optional[dict[str, Any]]
) -> None:
    """A ``data: null`` payload would make h3's next update throw; the reference starts afresh instead."""
    reply = visit(make(profile), "/data", cookie=f"h3={forge(payload, profile)}")
    if expected is None:
        assert reply.body["data"] == {}
        assert reply.body["id"] != "k"
    else:
        assert reply.body == expected
        assert reply.lines == []


@pytest.mark.parametrize("missing", [{}, {"id": ""}])
def test_g3_a_missing_or_empty_id_keeps_the_data_and_mints_a_new_id(profile: str, missing: dict[str, Any]) -> None:
    payload = {"createdAt": 5, "data": {"count": 9}, **missing}
    config = make(profile)
    reply = visit(config, cookie=f"h3={forge(payload, profile)}")
    assert reply.body == times(10)
    session = opened(config, reply.token())
    assert UUID4.fullmatch(session["id"])
    assert session["createdAt"] == NOW


def test_g3_extra_top_level_fields_are_kept_and_resealed(profile: str) -> None:
    config = make(profile)
    token = forge({"id": "k", "createdAt": 5, "data": {}, "extra": [1, 2]}, profile)
    sealed = opened(config, visit(config, cookie=f"h3={token}").token())
    assert sealed == {"id": "k", "createdAt": 5, "data": {"count": 1}, "extra": [1, 2]}
    assert list(sealed) == ["id", "createdAt", "data", "extra"]


@pytest.mark.parametrize("payload", [None, "hello", [1, 2], 7, True])
def test_g3_a_sealed_non_object_is_a_fresh_session(profile: str, payload: Any) -> None:
    """h3 copies a string's or array's index keys onto the session ("0", "1", ...); the reference starts afresh."""
    config = make(profile)
    reply = visit(config, cookie=f"h3={forge(payload, profile)}")
    assert reply.body == times(1)
    assert list(opened(config, reply.token())) == ["id", "createdAt", "data"]


def test_g3_an_expired_iron_seal_without_max_age_is_a_fresh_session(profile: str) -> None:
    token = expiring_at({"id": "k", "createdAt": 5, "data": {"count": 3}}, profile, NOW - 119_000)
    assert visit(make(profile), cookie=f"h3={token}").body == times(1)


def test_g4_seal_ttl_without_max_age_sets_the_iron_expiration_only(profile: str) -> None:
    reply = visit(make(profile, seal={"ttl": 5000}))
    assert reply.token().split("*")[5] == str(NOW + 5000)
    assert reply.attrs() == DEFAULT_ATTRS[profile]


# --- h: large sessions ------------------------------------------------------------------------------------------------

BIG = {"big": "x" * 10240}


def test_h1_v1_refuses_a_cookie_browsers_would_drop() -> None:
    """h3 v1 sends one 14 KB cookie that browsers silently drop; the reference raises instead (item 12)."""
    with pytest.raises(CookieTooLargeError, match="over the 4096-byte limit"):
        visit(make("v1"), "/update", body=BIG)


def test_h1_v1_without_a_size_limit_sends_one_big_cookie_as_h3_does() -> None:
    reply = visit(make("v1", maxCookieBytes=None), "/update", body=BIG)
    assert reply.names() == ["h3"]
    assert len(reply.token()) == 13988
    assert reply.attrs() == DEFAULT_ATTRS["v1"]


def _chunked(reply: Reply) -> tuple[str, str]:
    """The Cookie header a browser would send back, and the reassembled token."""
    pairs = [line.split(";", 1)[0] for line in reply.lines]
    token = "".join(pair.split("=", 1)[1] for pair in pairs[1:])
    return "; ".join(pairs), token


def test_h1_v2_chunks_a_large_session() -> None:
    config = make("v2")
    reply = visit(config, "/update", body=BIG)
    assert reply.names() == ["h3", "h3.1", "h3.2", "h3.3", "h3.4"]
    assert reply.lines[0] == "h3=__chunked__4; Path=/; HttpOnly; Secure; SameSite=Lax"
    assert all(line.endswith("; Path=/; HttpOnly; Secure; SameSite=Lax") for line in reply.lines)
    assert [len(reply.token(f"h3.{n}")) for n in range(1, 5)] == [4000, 4000, 4000, 1988]
    assert reply.token("h3.1").startswith("Fe26.2**")
    assert opened(config, _chunked(reply)[1])["data"] == BIG


def test_h2_chunks_sent_back_are_reassembled_and_resent_without_deletions() -> None:
    config = make("v2")
    cookie, _ = _chunked(visit(config, "/update", body=BIG))
    reply = visit(config, cookie=cookie)
    assert reply.body == times(1)
    assert reply.names() == ["h3", "h3.1", "h3.2", "h3.3", "h3.4"]
    assert not any("Max-Age=0" in line for line in reply.lines)
    assert opened(config, _chunked(reply)[1])["data"] == {**BIG, "count": 1}


def test_h2_v1_accepts_its_big_cookie_back() -> None:
    config = make("v1", maxCookieBytes=None)
    token = visit(config, "/update", body=BIG).token()
    reply = visit(config, cookie=f"h3={token}")
    assert reply.body == times(1)
    assert len(reply.token()) == 14009


def test_h3_shrinking_deletes_stale_chunks_before_the_new_value() -> None:
    config = make("v2")
    cookie, _ = _chunked(visit(config, "/update", body={**BIG, "count": 1}))
    reply = visit(config, "/update", cookie=cookie, body={"big": ""})
    assert reply.body == {"big": "", "count": 1}
    assert reply.lines[:4] == [f"h3.{n}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax" for n in range(1, 5)]
    assert reply.names()[4:] == ["h3"]
    assert len(reply.token()) == 356


def test_h4_clear_deletes_the_main_cookie_and_every_chunk() -> None:
    config = make("v2")
    cookie, _ = _chunked(visit(config, "/update", body=BIG))
    reply = visit(config, "/clear", cookie=cookie)
    assert reply.lines == [
        "h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        *(f"h3.{n}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax" for n in range(1, 5)),
    ]


def test_h5_a_missing_chunk_is_a_new_session_whose_cookie_replaces_the_chunks() -> None:
    config = make("v2")
    cookie, _ = _chunked(visit(config, "/update", body=BIG))
    broken = "; ".join(pair for pair in cookie.split("; ") if not pair.startswith("h3.2="))
    reply = visit(config, cookie=broken)
    assert reply.body == times(1)
    assert reply.lines[:4] == [f"h3.{n}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax" for n in range(1, 5)]
    assert reply.names()[4:] == ["h3"]
    assert len(reply.token()) == 334


@pytest.mark.parametrize("main", ["__chunked__0", "__chunked__abc"])
def test_h6_a_zero_or_non_numeric_chunk_count_is_a_new_session(main: str) -> None:
    token, _ = session_token("v2", 5)
    reply = visit(make("v2"), cookie=f"h3={main}; h3.1={token}")
    assert reply.body == times(1)
    assert reply.names() == ["h3"]


def test_h7_a_20_kb_session_needs_seven_chunks() -> None:
    reply = visit(make("v2"), "/update", body={"big": "x" * 20480})
    assert reply.lines[0].startswith("h3=__chunked__7;")
    assert reply.names()[1:] == [f"h3.{n}" for n in range(1, 8)]


def test_h_more_than_100_chunks_is_an_error_and_sends_nothing_new() -> None:
    config = make("v2", cookie={"chunkMaxLength": 10})
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    session = open_session(ctx, config)
    before = ctx.set_cookie_lines()
    assert before[0].startswith("h3=__chunked__34;")
    with pytest.raises(CookieTooLargeError, match="more than 100 chunks"):
        session.update({"big": "x" * 1000})
    assert ctx.set_cookie_lines() == before


def test_h_a_chunk_line_over_the_size_limit_is_an_error_with_a_hint() -> None:
    config = make("v2", cookie={"path": "/" + "p" * 200})
    with pytest.raises(CookieTooLargeError, match=r"lower cookie\.chunk_max_length"):
        visit(config, "/update", body=BIG)


# --- i: iteration counts across versions -----------------------------------------------------------------------------


def test_i1_v2_accepts_a_v1_cookie_and_reseals_it_even_on_read_only() -> None:
    config = make("v2")
    token = forge({"id": "from-v1", "createdAt": NOW, "data": {"count": 3}}, "v1")
    reply = visit(config, "/data", cookie=f"h3={token}")
    assert reply.body["data"] == {"count": 3}
    assert reply.attrs() == DEFAULT_ATTRS["v2"]
    assert iron.unseal(reply.token(), PASSWORD, iron.PRESET_V2)["id"] == "from-v1"


def test_i1_a_v1_token_in_the_header_is_accepted_but_not_resealed() -> None:
    token = forge({"id": "from-v1", "createdAt": NOW, "data": {"count": 3}}, "v1")
    reply = visit(make("v2"), "/data", headers={"x-h3-session": token})
    assert reply.body["id"] == "from-v1"
    assert reply.lines == []


def test_i2_v1_rejects_a_v2_cookie() -> None:
    token, _ = session_token("v2", 5)
    assert visit(make("v1"), cookie=f"h3={token}").body == times(1)


def test_i3_legacy_fallback_can_be_turned_off() -> None:
    token, _ = session_token("v1", 5)
    assert visit(make("v2", legacySealFallback=False), cookie=f"h3={token}").body == times(1)
    assert visit(make("v2"), cookie=f"h3={token}").body == times(6)


def test_i4_v2_with_full_1_iteration_seal_options_is_v1_compatible() -> None:
    config = make("v2", seal=iron.PRESET_V1.to_iron())
    reply = visit(config)
    assert iron.unseal(reply.token(), PASSWORD, iron.PRESET_V1)["data"] == {"count": 1}
    v1_token, _ = session_token("v1", 5)
    assert visit(config, cookie=f"h3={v1_token}").body == times(6)
    v2_token, _ = session_token("v2", 5)
    assert visit(config, cookie=f"h3={v2_token}").body == times(1)  # no upward fallback


def test_i5_partial_seal_options_are_deep_merged(profile: str) -> None:
    """h3 spreads ``seal`` shallowly, loses ``algorithm`` and answers HTTP 500 on every request.

    The reference deep-merges, so the same input means what it says: 1 iteration.
    """
    config = make(profile, seal={"encryption": {"iterations": 1}, "integrity": {"iterations": 1}})
    reply = visit(config)
    assert reply.body == times(1)
    assert iron.unseal(reply.token(), PASSWORD, iron.PRESET_V1)["data"] == {"count": 1}


def test_i6_v1_with_8192_iterations_reads_v2_cookies_only() -> None:
    config = make("v1", seal=iron.PRESET_V2.to_iron())
    v2_token, _ = session_token("v2", 5)
    assert visit(config, cookie=f"h3={v2_token}").body == times(6)
    v1_token, _ = session_token("v1", 5)
    assert visit(config, cookie=f"h3={v1_token}").body == times(1)  # no downward fallback in v1


def test_i7_v1_with_aes_128_ctr() -> None:
    config = make("v1", seal={"encryption": {"algorithm": "aes-128-ctr"}})
    reply = visit(config)
    assert len(reply.token()) == 326
    assert visit(config, cookie=f"h3={reply.token()}").body == times(2)


# --- j: parsing, concurrency, unicode, passwords, idle timeout --------------------------------------------------------


def test_j1_the_first_occurrence_of_the_cookie_wins(profile: str) -> None:
    config = make(profile)
    token, _ = session_token(profile, 5)
    assert visit(config, cookie=f"h3=garbage; h3={token}").body == times(1)
    assert visit(config, cookie=f"h3={token}; h3=garbage").body == times(6)


def test_j2_double_quoted_cookie_v1_accepts_v2_refuses(profile: str) -> None:
    token, _ = session_token(profile, 5)
    reply = visit(make(profile), cookie=f'h3="{token}"')
    assert reply.body == times(6 if profile == "v1" else 1)


def test_j3_a_percent_encoded_cookie_is_decoded(profile: str) -> None:
    token, _ = session_token(profile, 5)
    assert visit(make(profile), cookie=f"h3={token.replace('*', '%2A')}").body == times(6)


def test_j4_a_percent_encoded_header_is_not_decoded(profile: str) -> None:
    token, _ = session_token(profile, 5)
    assert visit(make(profile), headers={"x-h3-session": token.replace("*", "%2A")}).body == times(1)


@pytest.mark.parametrize("template", ["foo=bar;h3={};baz=qux", "h3 = {} ", "foo=bar; h3={}", "x=1; h3={}; h3=later"])
def test_j5_cookie_header_spacing_and_neighbours(profile: str, template: str) -> None:
    token, _ = session_token(profile, 5)
    assert visit(make(profile), cookie=template.format(token)).body == times(6)


def test_j6_cookie_names_are_case_sensitive(profile: str) -> None:
    token, _ = session_token(profile, 5)
    assert visit(make(profile), cookie=f"H3={token}").body == times(1)


def test_j7_parallel_requests_with_the_same_cookie_lose_updates(profile: str) -> None:
    config = make(profile)
    token = visit(config).token()
    replies = [visit(config, cookie=f"h3={token}") for _ in range(4)]
    assert {r.body for r in replies} == {times(2)}
    assert len({opened(config, r.token())["id"] for r in replies}) == 1


def test_j8_unicode_and_nested_data_round_trip(profile: str) -> None:
    config = make(profile)
    data = {"name": "Zoë 🍪", "nested": {"a": [1, 2, {"b": None}]}, "n": 1.5}
    reply = visit(config, "/update", body=data)
    assert len(reply.token()) == 398
    assert visit(config, "/data", cookie=f"h3={reply.token()}").body["data"] == data


def test_j9_a_short_password_is_refused_before_any_request(profile: str) -> None:
    """h3 answers HTTP 500 on the first request that seals; the reference refuses to build the config."""
    with pytest.raises(ConfigError, match=r"Password string too short \(min 32 characters required\)"):
        SessionConfig.from_h3({"password": "short-password", "profile": profile})


def test_j10_idle_timeout_adds_last_seen_at_after_data_and_sets_expires() -> None:
    config = make("v2", idleTimeout=10)
    reply = visit(config)
    session = opened(config, reply.token())
    assert list(session) == ["id", "createdAt", "data", "lastSeenAt"]
    assert session["lastSeenAt"] == NOW
    assert reply.token().split("*")[5] == str(NOW + 10_000)
    assert f"Expires={http_date(NOW + 10_000)}" in reply.attrs()


def test_j10_idle_timeout_slides_after_half_window() -> None:
    config = make("v2", idleTimeout=10)
    token = visit(config).token()
    assert visit(config, "/data", cookie=f"h3={token}", now=NOW + 4000).lines == []
    assert visit(config, "/data", cookie=f"h3={token}", now=NOW + 5000).lines == []
    slid = visit(config, "/data", cookie=f"h3={token}", now=NOW + 6000)
    assert f"Expires={http_date(NOW + 16_000)}" in slid.attrs()
    assert opened(config, slid.token(), NOW + 6000)["lastSeenAt"] == NOW + 6000
    assert visit(config, "/data", cookie=f"h3={slid.token()}", now=NOW + 15_000).body["data"] == {"count": 1}


def test_j10_an_idle_session_expires() -> None:
    config = make("v2", idleTimeout=10)
    token = visit(config).token()
    assert visit(config, cookie=f"h3={token}", now=NOW + 10_000).body == times(2)
    assert visit(config, cookie=f"h3={token}", now=NOW + 10_001).body == times(1)


def test_j10_a_header_session_does_not_slide() -> None:
    config = make("v2", idleTimeout=10)
    token = visit(config).token()
    assert visit(config, "/data", headers={"x-h3-session": token}, now=NOW + 6000).lines == []


def test_j10_expires_is_the_earlier_of_max_age_and_idle_timeout() -> None:
    assert f"Expires={http_date(NOW + 10_000)}" in visit(make("v2", idleTimeout=10, maxAge=60)).attrs()
    assert f"Expires={http_date(NOW + 5_000)}" in visit(make("v2", idleTimeout=10, maxAge=5)).attrs()


# --- the engine's own surface ---------------------------------------------------------------------------------------


def test_update_takes_a_mapping_or_a_callable_and_merges_shallowly(profile: str) -> None:
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    session = open_session(ctx, make(profile))
    session.update({"a": {"x": 1}, "b": 1})
    session.update(lambda data: {"b": data["b"] + 1, "a": {"y": 2}})
    session.update(lambda data: None)
    assert session.data == {"a": {"y": 2}, "b": 2}
    assert len(ctx.set_cookie_lines()) == 1


def test_two_named_sessions_in_one_request_get_two_cookies(profile: str) -> None:
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    first, second = make(profile), make(profile, name="h3-alt")
    open_session(ctx, first).update({"count": 1})
    open_session(ctx, second).update({"count": 1})
    assert [line.split("=", 1)[0] for line in ctx.set_cookie_lines()] == ["h3", "h3-alt"]


def test_get_session_loads_once_per_request(profile: str) -> None:
    token, _ = session_token(profile, 5)
    ctx = SessionContext.from_headers({"cookie": f"h3={token}"}, now=lambda: NOW)
    config = make(profile)
    assert get_session(ctx, config) is get_session(ctx, config)


def test_v2_get_session_leaves_sealing_a_new_session_to_open_session() -> None:
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    session = get_session(ctx, make("v2"))
    assert session.is_new
    assert ctx.set_cookie_lines() == []
    v1_ctx = SessionContext.from_headers({}, now=lambda: NOW)
    get_session(v1_ctx, make("v1"))
    assert len(v1_ctx.set_cookie_lines()) == 1  # h3 v1 seals inside getSession (row b)


def test_update_session_without_open_session_loads_first(profile: str) -> None:
    token, _ = session_token(profile, 5)
    ctx = SessionContext.from_headers({"cookie": f"h3={token}"}, now=lambda: NOW)
    config = make(profile)
    assert update_session(ctx, config, {"x": 1}).data == {"count": 5, "x": 1}


def test_seal_session_and_unseal_session_round_trip(profile: str) -> None:
    config = make(profile, maxAge=60)
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    open_session(ctx, config).update({"k": "v"})
    payload, legacy = unseal_session(ctx, config, seal_session(ctx, config))
    assert payload["data"] == {"k": "v"}
    assert legacy is False
    late = SessionContext.from_headers({}, now=lambda: NOW + 61_000)
    with pytest.raises(SessionExpiredError, match="Session expired!"):
        unseal_session(late, config, seal_session(ctx, config))
    with pytest.raises(iron.MacError):
        unseal_session(ctx, config, forge({"id": 1}, profile, password=OTHER_PASSWORD))


def test_unseal_session_reports_the_legacy_seal() -> None:
    config = make("v2")
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    payload, legacy = unseal_session(ctx, config, forge({"id": "x", "createdAt": NOW, "data": {}}, "v1"))
    assert (payload["id"], legacy) == ("x", True)


def test_a_rotated_password_still_opens_old_cookies_and_seals_with_the_new_id(profile: str) -> None:
    old = forge({"id": "old", "createdAt": NOW, "data": {"count": 2}}, profile)
    config = make(profile, password={"k2": OTHER_PASSWORD, "default": PASSWORD})
    reply = visit(config, cookie=f"h3={old}")
    assert reply.body == times(3)
    assert reply.token().split("*")[1] == "k2"


def test_generate_id_is_used_for_new_sessions(profile: str) -> None:
    config = SessionConfig(PASSWORD, profile=profile, generate_id=lambda: "custom-id")  # type: ignore[arg-type]
    assert visit(config, "/data").body["id"] == "custom-id"


def test_session_repr_shows_keys_not_values(profile: str) -> None:
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    session = open_session(ctx, make(profile))
    session.update({"secret": "hunter2"})
    assert "hunter2" not in repr(session)
    assert "secret" in repr(session)
