"""Password rotation: ``password={"2": new, "1": old}`` reads both ids and seals with the current one.

A cookie sealed under the old id keeps its session and is resealed under the
new id on the next write; a read-only request leaves it alone.  Tokens that
carry an id are still plain iron: iron-webcrypto (1.2.1 and 2.0.0), @hapi/iron
and h3's own ``unsealSession`` open them given the same ``{id: secret}`` map.
Passwords under 32 characters and ids outside ``^\\w+$`` are refused when the
config is built, for the current password and the old ones alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from _reliability import OLD_PASSWORD, PASSWORD, check_set_cookie
from h3adapters import node
from h3session import ConfigError, SessionConfig, SessionContext, iron
from h3session.engine import get_session, open_session

NOW = 1_795_751_712_798
NEW = PASSWORD
PROFILES = ("v1", "v2")
ITERATIONS = {"v1": 1, "v2": 8192}


def config(password: Any, profile: str, **changes: Any) -> SessionConfig:
    return SessionConfig(password=password, profile=profile, **changes)  # type: ignore[arg-type]


def request(cfg: SessionConfig, cookie: str = "", update: Any = None) -> tuple[dict[str, Any], list[str]]:
    """One request: the session data seen, and the Set-Cookie lines sent."""
    ctx = SessionContext.from_headers({"cookie": cookie}, now=lambda: NOW)
    manager = open_session(ctx, cfg)
    data = dict(manager.data)
    if update is not None:
        manager.update(update)
    return data, ctx.set_cookie_lines()


def token_of(lines: list[str]) -> str:
    (line,) = lines
    return check_set_cookie(line, "h3")


def password_id(token: str) -> str:
    return token.split("*")[1]


@pytest.mark.parametrize("profile", PROFILES)
def test_a_cookie_sealed_under_the_old_id_keeps_working_and_moves_to_the_new_id_on_write(profile: str) -> None:
    before = config({"1": OLD_PASSWORD}, profile)
    after = config({"2": NEW, "1": OLD_PASSWORD}, profile)
    old_token = token_of(request(before, update={"count": 7})[1])
    assert password_id(old_token) == "1"

    data, lines = request(after, f"h3={old_token}")
    assert data == {"count": 7}
    assert lines == [], "a read-only request does not reseal"

    data, lines = request(after, f"h3={old_token}", update={"count": 8})
    assert data == {"count": 7}
    new_token = token_of(lines)
    assert password_id(new_token) == "2"
    options = after.seal_options
    assert iron.unseal(new_token, {"2": NEW}, options)["data"] == {"count": 8}
    with pytest.raises(iron.UnknownPasswordError):
        iron.unseal(new_token, {"1": OLD_PASSWORD}, options)


@pytest.mark.parametrize("profile", PROFILES)
def test_password_id_designates_the_current_password(profile: str) -> None:
    cfg = config({"2": NEW, "1": OLD_PASSWORD}, profile, password_id="1")
    assert password_id(token_of(request(cfg, update={"a": 1})[1])) == "1"
    cfg_h3 = SessionConfig.from_h3({"password": {"2": NEW, "1": OLD_PASSWORD}, "passwordId": "2", "profile": profile})
    assert password_id(token_of(request(cfg_h3, update={"a": 1})[1])) == "2"


@pytest.mark.parametrize("profile", PROFILES)
def test_leaving_plain_h3_behind_the_default_entry_reads_id_less_tokens(profile: str) -> None:
    """An h3 app's string password seals without an id; iron looks those up as "default"."""
    h3_token = token_of(request(config(OLD_PASSWORD, profile), update={"count": 3})[1])
    assert password_id(h3_token) == ""
    rotated = config({"2": NEW, "default": OLD_PASSWORD}, profile)
    data, lines = request(rotated, f"h3={h3_token}", update={"count": 4})
    assert data == {"count": 3}
    assert password_id(token_of(lines)) == "2"


@pytest.mark.parametrize("profile", PROFILES)
def test_once_an_id_is_retired_its_cookies_start_a_fresh_session(profile: str) -> None:
    old_token = token_of(request(config({"1": OLD_PASSWORD}, profile), update={"count": 7})[1])
    retired = config({"2": NEW}, profile)
    ctx = SessionContext.from_headers({"cookie": f"h3={old_token}"}, now=lambda: NOW)
    session = get_session(ctx, retired)
    assert session.data == {}
    assert session.created_at == NOW


def test_v2_reads_a_rotated_v1_cookie_and_reseals_it_under_the_new_id_at_8192() -> None:
    v1_token = token_of(request(config({"1": OLD_PASSWORD}, "v1"), update={"count": 2})[1])
    v2 = config({"2": NEW, "1": OLD_PASSWORD}, "v2")
    data, lines = request(v2, f"h3={v1_token}")  # the legacy re-seal happens even read-only (item 1, row i1)
    assert data == {"count": 2}
    resealed = token_of(lines)
    assert password_id(resealed) == "2"
    assert iron.unseal(resealed, {"2": NEW}, iron.PRESET_V2)["data"] == {"count": 2}


# --- interop: the same map opens them in the Node libraries -----------------------------------------------

NODE_LIBS = ("iron-webcrypto", "iron-webcrypto2", "hapi")
H3_LIBS = {"v1": "h3v1", "v2": "h3v2"}


@pytest.mark.node
@pytest.mark.parametrize("profile", PROFILES)
def test_rotated_tokens_unseal_in_iron_webcrypto_hapi_and_h3_with_the_same_map(profile: str) -> None:
    node.ensure_node_modules()
    rotation = {"2": NEW, "1": OLD_PASSWORD}
    tokens = {
        "2": token_of(request(config(rotation, profile), update={"count": 2, "who": "Zoë 🍪"})[1]),
        "1": token_of(request(config(rotation, profile, password_id="1"), update={"count": 1})[1]),
    }
    n = ITERATIONS[profile]
    options = {"encryption": {"iterations": n}, "integrity": {"iterations": n}}
    ops: list[dict[str, Any]] = []
    for token in tokens.values():
        for lib in NODE_LIBS:
            ops.append({"op": "unseal", "lib": lib, "token": token, "password": rotation, "options": options})
        ops.append({"op": "h3-unseal-session", "lib": H3_LIBS[profile], "token": token, "password": rotation})
    results = node.run_batch(ops)
    for op, result in zip(ops, results):
        assert result["ok"], f"{op['lib']} could not open the id-{op['token'].split('*')[1]} token: {result}"
        assert result["value"]["data"]["count"] == int(op["token"] == tokens["2"]) + 1
    # a map without the token's id fails the same way in every library
    missing = [{"op": "unseal", "lib": lib, "token": tokens["1"], "password": {"2": NEW}, "options": options}
               for lib in NODE_LIBS]  # fmt: skip
    for result in node.run_batch(missing):
        assert not result["ok"]
        assert "Cannot find password: 1" in result["error"]


# --- refused at configuration time ---------------------------------------------------------------------------

SHORT = "x" * 31


@pytest.mark.parametrize(
    "password",
    [
        SHORT,
        {"id": "2", "secret": SHORT},
        {"2": SHORT, "1": OLD_PASSWORD},
        {"2": NEW, "1": SHORT},  # an old entry too: it would only fail when its cookie arrives
        {"2": NEW, "1": {"encryption": NEW, "integrity": SHORT}},
        "🍪" * 15,  # 30 UTF-16 code units (h3-behavior item 16)
    ],
)
def test_a_password_under_32_characters_is_refused(password: Any) -> None:
    with pytest.raises(ConfigError, match="too short"):
        SessionConfig(password=password)


@pytest.mark.parametrize("bad_id", ["a-b", "a b", "é", "", "1.0", "x;y", "x\r\n", "日本"])
def test_a_password_id_outside_word_characters_is_refused(bad_id: str) -> None:
    with pytest.raises(ConfigError, match="id"):
        SessionConfig(password={"2": NEW, bad_id: OLD_PASSWORD})
    with pytest.raises(ConfigError, match="id"):
        SessionConfig(password={bad_id: NEW})
    if bad_id:  # an empty id in {"id", "secret"} means "no id", as in iron
        with pytest.raises(ConfigError, match="id"):
            SessionConfig(password={"id": bad_id, "secret": NEW})


def test_a_current_id_missing_from_the_map_is_refused() -> None:
    with pytest.raises(ConfigError, match="not in the password map"):
        SessionConfig(password={"2": NEW, "1": OLD_PASSWORD}, password_id="3")


def test_sixteen_emoji_are_32_code_units_and_pass() -> None:
    SessionConfig(password="🍪" * 16)
