"""``h3session.config``: h3's options, validated when the config is built rather than on a request.

Where h3 only fails on the first request (j9, f3b in v2, i5) or silently misbehaves (f2),
the reference refuses the configuration up front with a :class:`ConfigError`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from h3session import ConfigError, CookieOptions, SessionConfig, iron
from h3session.config import cookie_options_from_h3

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
OTHER = "another-password-that-is-long-enough-0123"


def h3(profile: str = "v2", **options: Any) -> SessionConfig:
    return SessionConfig.from_h3({"password": PASSWORD, "profile": profile, **options})


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_j9_short_password_is_refused_at_construction(profile: str) -> None:
    with pytest.raises(ConfigError, match=r"Password string too short \(min 32 characters required\)"):
        SessionConfig("short-password", profile=profile)  # type: ignore[arg-type]


def test_j9_password_length_is_counted_in_utf16_code_units() -> None:
    SessionConfig("🍪" * 16)
    with pytest.raises(ConfigError, match="too short"):
        SessionConfig("🍪" * 15 + "x")


def test_config_error_is_a_value_error_and_hides_the_secret() -> None:
    with pytest.raises(ValueError, match="too short") as caught:
        SessionConfig("tiny-secret-value")
    assert "tiny-secret-value" not in str(caught.value)
    assert "tiny-secret-value" not in repr(SessionConfig(PASSWORD))
    assert PASSWORD not in repr(SessionConfig(PASSWORD))


def test_raw_key_of_the_wrong_size_is_refused_at_construction() -> None:
    SessionConfig({"id": "raw", "encryption": bytes(32), "integrity": bytes(32)})
    with pytest.raises(ConfigError, match="exactly 32 bytes"):
        SessionConfig({"id": "raw", "encryption": bytes(48), "integrity": bytes(32)})
    with pytest.raises(ConfigError, match="too small"):
        SessionConfig({"id": "raw", "encryption": bytes(32), "integrity": bytes(16)})


def test_rotation_map_seals_with_its_first_id_and_opens_every_id() -> None:
    config = SessionConfig({"k2": OTHER, "k1": PASSWORD}, profile="v1")
    assert config.seal_password.id == "k2"
    old = iron.seal({"x": 1}, {"id": "k1", "secret": PASSWORD}, iron.PRESET_V1)
    assert iron.unseal(old, config.password, config.seal_options) == {"x": 1}


def test_password_id_picks_the_current_entry() -> None:
    config = SessionConfig({"k2": OTHER, "k1": {"encryption": PASSWORD, "integrity": OTHER}}, password_id="k1")
    assert config.seal_password.id == "k1"
    assert config.seal_password.encryption == PASSWORD
    assert config.seal_password.integrity == OTHER


@pytest.mark.parametrize(
    ("password", "kwargs", "message"),
    [
        ({}, {}, "password map is empty"),
        ({"k1": PASSWORD}, {"password_id": "k9"}, "'k9' is not in the password map"),
        ({"k1": PASSWORD, "k0": "short"}, {}, "password 'k0': Password string too short"),
        ({"k1": PASSWORD, "bad-id": OTHER}, {}, "password id 'bad-id' must match"),
        ({"id": "bad-id", "secret": PASSWORD}, {}, "Invalid password id"),
    ],
)
def test_bad_rotation_maps_are_refused(password: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SessionConfig(password, **kwargs)


def test_a_single_password_object_keeps_its_id() -> None:
    assert SessionConfig({"id": "k1", "secret": PASSWORD}).seal_password.id == "k1"
    assert SessionConfig(PASSWORD).seal_password.id == ""


# --- header name (rows d7, d8, d9, d10) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "header"),
    [
        ({}, "x-h3-session"),
        ({"name": "my-session"}, "x-my-session-session"),
        ({"name": "MyApp"}, "x-myapp-session"),
        ({"sessionHeader": "X-Custom-Session"}, "x-custom-session"),
        ({"name": "MyApp", "sessionHeader": "X-Other"}, "x-other"),
        ({"sessionHeader": False}, None),
    ],
)
def test_d7_d9_d10_header_name_derivation(options: dict[str, Any], header: Any) -> None:
    assert h3(**options).header_name == header


def test_d10_cookie_name_keeps_its_case() -> None:
    assert h3(name="MyApp").name == "MyApp"


@pytest.mark.parametrize("header", ["x h3", "x-h3:", "", "x-h3\r\n"])
def test_session_header_must_be_a_token(header: str) -> None:
    with pytest.raises(ConfigError, match="session_header must be a header name token"):
        SessionConfig(PASSWORD, session_header=header)


@pytest.mark.parametrize("name", ["", "my session", "a;b", "a=b", "é", "h3\n"])
def test_cookie_name_must_be_a_token(name: str) -> None:
    with pytest.raises(ConfigError, match="name must be a cookie-name token"):
        SessionConfig(PASSWORD, name=name)


# --- seal options (rows g4, i4, i5; section 3) -----------------------------------------------------


def test_i5_partial_seal_options_are_deep_merged() -> None:
    """h3 merges ``seal`` shallowly and then fails every request with HTTP 500; the sane reading is a deep merge."""
    config = h3("v2", seal={"encryption": {"iterations": 1}, "integrity": {"iterations": 1}})
    assert config.seal_options == iron.PRESET_V1
    config = h3("v1", seal={"encryption": {"algorithm": "aes-128-ctr"}})
    assert config.seal_options.encryption.algorithm == "aes-128-ctr"
    assert config.seal_options.encryption.salt_bits == 256


def test_i4_full_iron_objects_replace_the_preset() -> None:
    assert h3("v2", seal=iron.PRESET_V1.to_iron()).seal_options == iron.PRESET_V1


@pytest.mark.parametrize(
    ("profile", "options", "ttl"),
    [
        ("v1", {}, 0),
        ("v1", {"maxAge": 604800}, 604_800_000),
        ("v2", {"maxAge": 2}, 2000),
        ("v2", {"idleTimeout": 10}, 10_000),
        ("v2", {"maxAge": 60, "idleTimeout": 10}, 60_000),
        ("v2", {"seal": {"ttl": 5000}}, 5000),
        ("v1", {"maxAge": 60, "seal": {"ttl": 5000}}, 5000),
        ("v2", {"maxAge": 1.5}, 1500),
    ],
)
def test_g4_iron_ttl_comes_from_max_age_or_idle_timeout_and_seal_ttl_wins(
    profile: str, options: dict[str, Any], ttl: int
) -> None:
    assert h3(profile, **options).seal_options.ttl == ttl


def test_iteration_counts_follow_the_profile() -> None:
    assert h3("v1").seal_options == iron.PRESET_V1
    assert h3("v2").seal_options == iron.PRESET_V2


def test_bad_seal_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown seal option"):
        h3(seal={"encryption": {"iteration": 1}})


# --- cookie options (rows f2, f3, f3b; item 10) ------------------------------------------------------


def test_f2_cookie_name_is_refused() -> None:
    """h3 v2 renames only the written cookie (sessions never persist); v1 ignores it. Neither is useful."""
    with pytest.raises(ConfigError, match=r"cookie\.name is not supported: set the top-level name"):
        h3(cookie={"name": "my-session", "httpOnly": True})


def test_f3b_samesite_none_without_secure_is_refused_in_v2_and_allowed_in_v1() -> None:
    with pytest.raises(ConfigError, match="SameSite=None cookies must have the Secure attribute"):
        h3("v2", cookie={"secure": False, "sameSite": "none"})
    config = h3("v1", cookie={"secure": False, "sameSite": "none"})
    assert config.cookie_attributes().same_site == "none"


@pytest.mark.parametrize("field", ["path", "domain"])
@pytest.mark.parametrize("value", ["/a;b", "a\r\nSet-Cookie: x=y", "a\nb", "a\x00", "é"])
def test_cookie_path_and_domain_refuse_separators_and_controls(field: str, value: str) -> None:
    options: dict[str, Any] = {field: value}
    with pytest.raises(ConfigError, match=f"cookie {field} must be printable ASCII without ';'"):
        SessionConfig(PASSWORD, cookie=CookieOptions(**options))


@pytest.mark.parametrize(
    ("cookie", "message"),
    [
        ({"sameSite": "sometimes"}, "sameSite is invalid"),
        ({"priority": "urgent"}, "priority is invalid"),
        ({"maxAge": 1.5}, "maxAge is invalid"),
        ({"partitioned": True, "secure": False}, "Partitioned cookies must have the Secure attribute"),
        ({"domain": "-bad-.com"}, "domain is invalid"),
        ({"chunkMaxLength": 0}, "chunk_max_length must be a positive integer"),
        ({"chunkMaxLength": "4000"}, "chunk_max_length must be a positive integer"),
        ({"maxAge": "3600"}, "max_age must be a number of seconds"),
        ({"maxAge": float("inf")}, "maxAge is invalid"),
        ({"priority": True}, "priority is invalid"),
        ({"nameless": 1}, "unknown cookie option 'nameless'"),
    ],
)
def test_invalid_cookie_options_are_refused(cookie: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        h3("v2", cookie=cookie)


def test_secure_prefixed_names_need_secure_in_v2() -> None:
    with pytest.raises(ConfigError, match="__Host-s cookies must have the Secure attribute"):
        h3("v2", name="__Host-s", cookie={"secure": False})
    h3("v2", name="__Host-s")


def test_cookie_defaults_per_profile() -> None:
    v1, v2 = h3("v1").cookie_attributes(), h3("v2").cookie_attributes()
    assert (v1.path, v1.http_only, v1.secure, v1.same_site) == ("/", True, True, None)
    assert (v2.path, v2.http_only, v2.secure, v2.same_site) == ("/", True, True, "lax")
    assert h3("v2", cookie={"sameSite": False}).cookie_attributes().same_site is False


def test_cookie_expires_overrides_the_session_expiry() -> None:
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    config = SessionConfig(PASSWORD, cookie=CookieOptions(expires=moment))
    assert config.cookie_attributes(123).expires_ms == int(moment.timestamp() * 1000)
    assert SessionConfig(PASSWORD).cookie_attributes(123).expires_ms == 123


def test_cookie_options_from_h3_maps_camel_case() -> None:
    options = cookie_options_from_h3({"httpOnly": False, "sameSite": "strict", "maxAge": 3600, "chunkMaxLength": 9})
    assert options == CookieOptions(http_only=False, same_site="strict", max_age=3600, chunk_max_length=9)


def test_f5_cookie_false_disables_the_cookie() -> None:
    config = h3(cookie=False)
    assert not config.cookie_enabled
    assert h3().cookie_enabled


# --- everything else ---------------------------------------------------------------------------------


def test_idle_timeout_is_refused_in_v1() -> None:
    with pytest.raises(ConfigError, match="idle_timeout exists only in h3 v2"):
        h3("v1", idleTimeout=10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"profile": "v3"}, "profile must be 'v1' or 'v2'"),
        ({"max_age": -1}, "max_age must be a number of seconds from 0 to"),
        ({"max_age": float("nan")}, "max_age must be a number of seconds from 0 to"),
        ({"idle_timeout": float("inf")}, "idle_timeout must be a number of seconds from 0 to"),
        ({"max_age": True}, "max_age must be a number of seconds from 0 to"),
        ({"idle_timeout": "10"}, "idle_timeout must be a number of seconds from 0 to"),
        ({"max_age": 1e300}, "max_age must be a number of seconds from 0 to"),
        ({"max_cookie_bytes": 0}, "max_cookie_bytes must be positive"),
        ({"cookie": {"path": "/"}}, "cookie must be CookieOptions or False"),
    ],
)
def test_bad_values_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SessionConfig(PASSWORD, **kwargs)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"password": PASSWORD, "maxage": 5}, "unknown session option 'maxage'"),
        ({"name": "h3"}, "password is required"),
        ({"password": PASSWORD, "cookie": "yes"}, "cookie must be an object or false"),
    ],
)
def test_from_h3_refuses_unknown_or_missing_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SessionConfig.from_h3(options)


def test_from_h3_maps_every_option_and_takes_overrides() -> None:
    config = SessionConfig.from_h3(
        {
            "password": PASSWORD,
            "name": "s",
            "maxAge": 60,
            "sessionHeader": "X-S",
            "idleTimeout": 10,
            "legacySealFallback": False,
            "maxCookieBytes": None,
            "cookie": {"path": "/app"},
        },
        profile="v2",
    )
    assert (config.name, config.max_age, config.header_name, config.idle_timeout) == ("s", 60, "x-s", 10)
    assert config.legacy_seal_fallback is False
    assert config.max_cookie_bytes is None
    assert config.cookie == CookieOptions(path="/app")


def test_default_ids_are_uuid4_and_generate_id_overrides() -> None:
    made = SessionConfig(PASSWORD).make_id()
    assert len(made) == 36
    assert made[14] == "4"
    assert SessionConfig(PASSWORD, generate_id=lambda: "fixed").make_id() == "fixed"


def test_replace_revalidates() -> None:
    config = SessionConfig(PASSWORD)
    assert config.replace(name="other").header_name == "x-other-session"
    with pytest.raises(ConfigError):
        config.replace(password="short")
