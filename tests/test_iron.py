"""``h3session.iron``: Fe26.2 as iron-webcrypto and h3 seal and open it (h3-behavior items 1, 15-17).

Every time-dependent call goes through ``now=``; byte-exact tokens come from the
``SealParts`` seam and a vector file made once with the real iron-webcrypto.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from h3session import iron
from h3session.iron import _codec, _keys
from h3session.iron._passwords import Password
from h3session.iron._seal import seal_with

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
OTHER = "another-password-that-is-long-enough-0123"
NOW = 1_795_751_712_798
SESSION = {"id": "ffeefbfd-12e1-4db8-b511-375c1b14cfcc", "createdAt": NOW, "data": {"count": 1}}
VECTORS = Path(__file__).parent / "vectors" / "iron_fixed_parts.json"
PRESETS = {"v1": iron.PRESET_V1, "v2": iron.PRESET_V2}
ALGORITHMS = ("aes-256-cbc", "aes-128-ctr")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forge(
    *,
    pid: str = "",
    enc_salt: str = "a" * 64,
    iv: str = b64url(bytes(16)),
    ciphertext: str = "",
    expiration: str = "",
    mac_salt: str = "b" * 64,
    password: str = PASSWORD,
) -> str:
    """A token with a *valid* MAC (1 iteration) over whatever parts the test wants."""
    base = f"Fe26.2*{pid}*{enc_salt}*{iv}*{ciphertext}*{expiration}"
    key = _keys.pbkdf2_sha1(password, mac_salt, 1, 32)
    return f"{base}*{mac_salt}*{_codec.mac(key, base)}"


def encrypt_v1(plaintext: bytes, enc_salt: str = "a" * 64, iv: bytes = bytes(16)) -> str:
    key = _keys.pbkdf2_sha1(PASSWORD, enc_salt, 1, 32)
    return b64url(_codec.encrypt("aes-256-cbc", key, iv, plaintext))


def with_part(token: str, index: int, value: str) -> str:
    parts = token.split("*")
    parts[index] = value
    return "*".join(parts)


def flip(text: str, index: int = -1) -> str:
    chars = list(text)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PRESETS)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize(
    "obj", [SESSION, {"name": "Zoë 🍪", "n": 1.5, "nested": [1, {"b": None}]}, [1, "two"], "text", 0]
)
def test_seal_then_unseal_returns_the_object(profile: str, algorithm: str, obj: Any) -> None:
    options = iron.resolve_options({"encryption": {"algorithm": algorithm}}, PRESETS[profile])
    token = iron.seal(obj, PASSWORD, options)
    assert iron.unseal(token, PASSWORD, options) == obj


def test_token_layout_matches_h3_with_a_string_password() -> None:
    # Fe26.2*<empty id>*<64 hex>*<22 b64url>*<ciphertext>*<no expiration>*<64 hex>*<43 b64url> (section 3).
    token = iron.seal(SESSION, PASSWORD, iron.PRESET_V1)
    prefix, pid, enc_salt, iv, _, expiration, mac_salt, mac = token.split("*")
    assert (prefix, pid, expiration) == ("Fe26.2", "", "")
    assert len(enc_salt) == len(mac_salt) == 64
    assert int(enc_salt, 16) >= 0
    assert enc_salt == enc_salt.lower()
    assert (len(iv), len(mac)) == (22, 43)
    assert len(token) == 334  # the fresh {count: 1} session of row a1, in both presets


def test_default_options_are_the_v2_preset() -> None:
    token = iron.seal(SESSION, PASSWORD)
    assert iron.unseal(token, PASSWORD, iron.PRESET_V2) == SESSION
    with pytest.raises(iron.MacError):
        iron.unseal(token, PASSWORD, iron.PRESET_V1)


def test_presets_are_iron_defaults_with_1_and_8192_iterations() -> None:
    assert iron.PRESET_V1 is iron.IRON_DEFAULTS
    assert iron.preset("v1").encryption.iterations == iron.preset("v1").integrity.iterations == 1
    assert iron.preset("v2").encryption.iterations == iron.preset("v2").integrity.iterations == 8192
    assert iron.PRESET_V1.to_iron() == {
        "encryption": {"saltBits": 256, "algorithm": "aes-256-cbc", "iterations": 1, "minPasswordlength": 32},
        "integrity": {"saltBits": 256, "algorithm": "sha256", "iterations": 1, "minPasswordlength": 32},
        "ttl": 0,
        "timestampSkewSec": 60,
        "localtimeOffsetMsec": 0,
    }
    with pytest.raises(iron.IronConfigError, match="unknown profile"):
        iron.preset("v3")


# --- byte-exact vectors from iron-webcrypto ----------------------------------------------------


def _vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]
    return vectors


def _python_side(op: dict[str, Any]) -> tuple[Any, dict[str, Any], iron.SealParts]:
    """The vector's node options without the fixed parts, the password decoded, and the parts."""
    options = json.loads(json.dumps(op["options"]))
    enc, mac = options.setdefault("encryption", {}), options.setdefault("integrity", {})
    parts = iron.SealParts(
        encryption_salt=enc.pop("salt", None),
        hmac_salt=mac.pop("salt", None),
        iv=base64.urlsafe_b64decode(enc.pop("iv") + "=="),
    )
    return _decode_password(op["password"]), options, parts


def _decode_password(value: Any) -> Any:
    if isinstance(value, dict) and "$bytes" in value:
        return bytes.fromhex(value["$bytes"])
    if isinstance(value, dict):
        return {key: _decode_password(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: v["title"])
def test_fixed_parts_reproduce_the_iron_webcrypto_vector(vector: dict[str, Any]) -> None:
    op = vector["node_op"]
    password, options, parts = _python_side(op)
    token = iron.seal(op["object"], password, options, now=op.get("now"), _parts=parts)
    assert token == vector["token"]
    assert iron.unseal(token, password, options, now=op.get("now")) == op["object"]


@pytest.mark.node
def test_vector_file_still_matches_iron_webcrypto() -> None:
    from h3adapters import node

    node.ensure_node_modules()
    results = node.run_batch([v["node_op"] for v in _vectors()])
    assert [r.get("value") for r in results] == [v["token"] for v in _vectors()]


# --- errors, with iron's messages and its check order (item 17) ---------------------------------


def test_empty_password_is_a_config_error_checked_first() -> None:
    with pytest.raises(iron.IronConfigError, match=r"^Empty password$"):
        iron.unseal("not even a token", "")
    with pytest.raises(iron.IronConfigError, match=r"^Empty password$"):
        iron.seal({}, "")


@pytest.mark.parametrize("token", ["", "hello", "Fe26.2*a*b*c*d*e*f", "Fe26.2*a*b*c*d*e*f*g*h"])
def test_wrong_part_count(token: str) -> None:
    with pytest.raises(iron.PartCountError, match=r"^Incorrect number of sealed components$"):
        iron.unseal(token, PASSWORD)


@pytest.mark.parametrize("prefix", ["Fe26.1", "Fe26.3", "fe26.2", '"Fe26.2', ""])
def test_wrong_prefix(prefix: str) -> None:
    token = with_part(iron.seal(SESSION, PASSWORD, iron.PRESET_V1), 0, prefix)
    with pytest.raises(iron.PrefixError, match=r"^Wrong mac prefix$"):
        iron.unseal(token, PASSWORD, iron.PRESET_V1)


@pytest.mark.parametrize("expiration", ["abc", "-5", "1.5", " 5", "1e3", "٣"])
def test_expiration_must_be_ascii_digits(expiration: str) -> None:
    token = with_part(iron.seal(SESSION, PASSWORD, iron.PRESET_V1), 5, expiration)
    with pytest.raises(iron.ExpirationFormatError, match=r"^Invalid expiration$"):
        iron.unseal(token, PASSWORD, iron.PRESET_V1)


def test_expired_is_reported_before_the_mac_is_checked() -> None:
    token = iron.seal(SESSION, PASSWORD, {"ttl": 1000}, now=NOW)
    tampered = with_part(token, 7, flip(token.split("*")[7]))
    with pytest.raises(iron.ExpiredError, match=r"^Expired seal$"):
        iron.unseal(tampered, PASSWORD, now=NOW + 1000 + 60_000)
    with pytest.raises(iron.ExpiredError):  # even with a password that could never open it
        iron.unseal(tampered, OTHER, now=NOW + 1000 + 60_000)


def test_unknown_password_id_is_reported_before_the_mac() -> None:
    token = iron.seal(SESSION, {"id": "k9", "secret": PASSWORD}, iron.PRESET_V1)
    tampered = with_part(token, 7, flip(token.split("*")[7]))
    with pytest.raises(iron.UnknownPasswordError, match=r"^Cannot find password: k9$"):
        iron.unseal(tampered, {"k1": PASSWORD}, iron.PRESET_V1)


def test_token_without_id_needs_a_default_entry_in_a_rotation_map() -> None:
    token = iron.seal(SESSION, PASSWORD, iron.PRESET_V1)
    with pytest.raises(iron.UnknownPasswordError, match=r"^Cannot find password: default$"):
        iron.unseal(token, {"k1": PASSWORD}, iron.PRESET_V1)
    assert iron.unseal(token, {"k1": OTHER, "default": PASSWORD}, iron.PRESET_V1) == SESSION


@pytest.mark.parametrize("index", [2, 3, 4, 6, 7], ids=["enc-salt", "iv", "ciphertext", "mac-salt", "mac"])
@pytest.mark.parametrize("position", [0, -1])
def test_any_flipped_character_is_a_bad_mac(index: int, position: int) -> None:
    token = iron.seal(SESSION, PASSWORD, iron.PRESET_V1)
    part = token.split("*")[index]
    with pytest.raises(iron.MacError, match=r"^Bad hmac value$"):
        iron.unseal(with_part(token, index, flip(part, position)), PASSWORD, iron.PRESET_V1)


def test_bad_mac_for_another_password_or_iteration_count() -> None:
    v1 = iron.seal(SESSION, PASSWORD, iron.PRESET_V1)
    with pytest.raises(iron.MacError):
        iron.unseal(v1, OTHER, iron.PRESET_V1)
    with pytest.raises(iron.MacError):
        iron.unseal(v1, PASSWORD, iron.PRESET_V2)
    with pytest.raises(iron.MacError):  # a non-ASCII mac base can never have been sealed
        iron.unseal(with_part(v1, 4, "é"), PASSWORD, iron.PRESET_V1)


def test_an_added_id_or_expiration_breaks_the_mac() -> None:
    token = iron.seal(SESSION, PASSWORD, iron.PRESET_V1)
    with pytest.raises(iron.MacError):
        iron.unseal(with_part(token, 1, "k1"), PASSWORD, iron.PRESET_V1)
    with pytest.raises(iron.MacError):
        iron.unseal(with_part(token, 5, str(NOW + 10**9)), PASSWORD, iron.PRESET_V1, now=NOW)


def test_errors_share_one_opaque_root_and_carry_a_reason() -> None:
    for error in (
        iron.PartCountError,
        iron.PrefixError,
        iron.ExpirationFormatError,
        iron.ExpiredError,
        iron.UnknownPasswordError,
        iron.MacError,
        iron.DecryptError,
    ):
        assert issubclass(error, iron.IronTokenError)
        assert issubclass(error, iron.IronError)
        assert not issubclass(error, ValueError)
    assert issubclass(iron.IronConfigError, ValueError)
    with pytest.raises(iron.IronTokenError) as caught:
        iron.unseal("x", PASSWORD)
    assert caught.value.reason == "Incorrect number of sealed components"
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"iv": b64url(bytes(8))}, "Invalid IV length"),
        ({"iv": "!!!!"}, "Invalid base64url encoding"),
        ({"ciphertext": "A" * 20}, "Decryption failed"),  # 15 bytes: not whole AES blocks
        ({"ciphertext": "A" * 21}, "Invalid base64url encoding"),  # no whole number of bytes
        ({"ciphertext": encrypt_v1(b"{not json")}, "Invalid JSON in sealed data"),
        ({"ciphertext": encrypt_v1(b"NaN")}, "Invalid JSON in sealed data"),
    ],
)
def test_decrypt_errors_need_a_valid_mac(kwargs: dict[str, str], reason: str) -> None:
    with pytest.raises(iron.DecryptError, match=f"^{reason}$"):
        iron.unseal(forge(**kwargs), PASSWORD, iron.PRESET_V1)


# --- iron-webcrypto quirks h3 inherits (item 17) --------------------------------------------------


def test_padding_in_base64url_parts_is_tolerated() -> None:
    token = forge(iv=b64url(bytes(16)) + "==", ciphertext=encrypt_v1(b'{"a":1}') + "=")
    assert iron.unseal(token, PASSWORD, iron.PRESET_V1) == {"a": 1}


def test_leading_bom_is_stripped() -> None:
    token = seal_with('\ufeff{"a":1}', Password("", PASSWORD, PASSWORD), iron.PRESET_V1)
    assert iron.unseal(token, PASSWORD, iron.PRESET_V1) == {"a": 1}


def test_empty_plaintext_unseals_to_none() -> None:
    token = seal_with("", Password("", PASSWORD, PASSWORD), iron.PRESET_V1)
    assert iron.unseal(token, PASSWORD, iron.PRESET_V1) is None


def test_invalid_utf8_is_replaced_as_text_decoder_does() -> None:
    token = forge(ciphertext=encrypt_v1(b'"\xff"'))
    assert iron.unseal(token, PASSWORD, iron.PRESET_V1) == "\ufffd"


# --- passwords --------------------------------------------------------------------------------


def test_short_password_is_refused_with_irons_message() -> None:
    with pytest.raises(iron.PasswordTooShortError, match=r"^Password string too short \(min 32 characters required\)$"):
        iron.seal(SESSION, "x" * 31, iron.PRESET_V1)
    with pytest.raises(iron.PasswordTooShortError):
        iron.unseal(iron.seal(SESSION, PASSWORD, iron.PRESET_V1), "x" * 31, iron.PRESET_V1)
    assert issubclass(iron.PasswordTooShortError, iron.IronConfigError)


def test_password_length_counts_utf16_code_units() -> None:
    emoji = "🍪" * 16  # 16 characters, 32 UTF-16 code units, 64 UTF-8 bytes (item 16)
    assert iron.js_length(emoji) == 32
    assert iron.unseal(iron.seal(SESSION, emoji, iron.PRESET_V1), emoji, iron.PRESET_V1) == SESSION
    with pytest.raises(iron.PasswordTooShortError):
        iron.seal(SESSION, "é" * 31, iron.PRESET_V1)  # 62 UTF-8 bytes, but only 31 code units


def test_min_password_length_option_is_honoured() -> None:
    options = {"encryption": {"minPasswordlength": 8}, "integrity": {"minPasswordlength": 8}}
    token = iron.seal(SESSION, "eight-ch", iron.resolve_options(options, iron.PRESET_V1))
    assert iron.unseal(token, "eight-ch", iron.resolve_options(options, iron.PRESET_V1)) == SESSION


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_raw_byte_keys_skip_pbkdf2_and_leave_the_salts_empty(algorithm: str) -> None:
    enc_key = secrets.token_bytes(16 if algorithm == "aes-128-ctr" else 32)
    password = {"id": "raw", "encryption": enc_key, "integrity": secrets.token_bytes(32)}
    options = {"encryption": {"algorithm": algorithm}}
    token = iron.seal(SESSION, password, options)
    assert token.split("*")[1:3] == ["raw", ""]
    assert token.split("*")[6] == ""
    assert iron.unseal(token, {"raw": password}, options) == SESSION


def test_raw_keys_that_are_too_small_or_the_wrong_size() -> None:
    with pytest.raises(iron.PasswordTooShortError, match=r"^Key buffer \(password\) too small$"):
        iron.seal(SESSION, secrets.token_bytes(31), iron.PRESET_V1)
    with pytest.raises(iron.IronConfigError, match="exactly 32 bytes"):
        iron.seal(SESSION, secrets.token_bytes(48), iron.PRESET_V1)


def test_password_ids_must_be_word_characters() -> None:
    with pytest.raises(iron.PasswordIdError):
        iron.seal(SESSION, {"id": "no-dash", "secret": PASSWORD}, iron.PRESET_V1)
    with pytest.raises(iron.PasswordIdError):
        iron.seal(SESSION, {"id": "ünï", "secret": PASSWORD}, iron.PRESET_V1)  # JS \w is ASCII


def test_a_rotation_map_cannot_seal() -> None:
    with pytest.raises(iron.IronConfigError, match="rotation map is for unseal"):
        iron.seal(SESSION, {"k1": PASSWORD, "k2": OTHER}, iron.PRESET_V1)


def test_rotation_map_opens_tokens_of_every_id() -> None:
    rotation = {"new": OTHER, "old": PASSWORD, "split": {"encryption": PASSWORD, "integrity": OTHER}}
    tokens = [
        iron.seal(SESSION, {"id": "new", "secret": OTHER}, iron.PRESET_V1),
        iron.seal(SESSION, {"id": "old", "secret": PASSWORD}, iron.PRESET_V1),
        iron.seal(SESSION, {"id": "split", "encryption": PASSWORD, "integrity": OTHER}, iron.PRESET_V1),
    ]
    for token in tokens:
        assert iron.unseal(token, rotation, iron.PRESET_V1) == SESSION
    with pytest.raises(iron.UnknownPasswordError, match=r"^Cannot find password: old$"):
        iron.unseal(tokens[1], {"new": OTHER}, iron.PRESET_V1)


def test_a_plain_secret_opens_a_token_of_any_id_as_iron_does() -> None:
    token = iron.seal(SESSION, {"id": "k1", "secret": PASSWORD}, iron.PRESET_V1)
    assert iron.unseal(token, PASSWORD, iron.PRESET_V1) == SESSION


def test_a_single_password_object_must_match_the_token_id() -> None:
    token = iron.seal(SESSION, {"id": "k1", "secret": PASSWORD}, iron.PRESET_V1)
    assert iron.unseal(token, {"id": "k1", "secret": PASSWORD}, iron.PRESET_V1) == SESSION
    with pytest.raises(iron.UnknownPasswordError, match=r"^Cannot find password: k1$"):
        iron.unseal(token, {"id": "k2", "secret": PASSWORD}, iron.PRESET_V1)


# --- time: ttl, skew and the local clock offset ------------------------------------------------


def test_ttl_sets_the_expiration_from_now() -> None:
    token = iron.seal(SESSION, PASSWORD, {"ttl": 5000}, now=NOW)
    assert token.split("*")[5] == str(NOW + 5000)
    assert iron.seal(SESSION, PASSWORD, iron.PRESET_V1, now=NOW).split("*")[5] == ""


def test_expiry_boundary_is_expiration_at_or_before_now_minus_skew() -> None:
    token = iron.seal(SESSION, PASSWORD, {"ttl": 1000}, now=NOW)
    expiration = NOW + 1000
    assert iron.unseal(token, PASSWORD, now=expiration + 60_000 - 1) == SESSION
    with pytest.raises(iron.ExpiredError):
        iron.unseal(token, PASSWORD, now=expiration + 60_000)


def test_skew_option_moves_the_boundary() -> None:
    token = iron.seal(SESSION, PASSWORD, {"ttl": 1000}, now=NOW)
    with pytest.raises(iron.ExpiredError):
        iron.unseal(token, PASSWORD, {"timestampSkewSec": 0}, now=NOW + 1000)
    assert iron.unseal(token, PASSWORD, {"timestampSkewSec": 0}, now=NOW + 999) == SESSION


def test_ttl_option_is_ignored_when_unsealing() -> None:
    token = iron.seal(SESSION, PASSWORD, iron.PRESET_V1, now=NOW)
    assert (
        iron.unseal(
            token, PASSWORD, {"ttl": 1, "encryption": {"iterations": 1}, "integrity": {"iterations": 1}}, now=NOW * 2
        )
        == SESSION
    )


def test_localtime_offset_shifts_both_seal_and_unseal_clocks() -> None:
    token = iron.seal(SESSION, PASSWORD, {"ttl": 1000, "localtimeOffsetMsec": 5000}, now=NOW)
    assert token.split("*")[5] == str(NOW + 5000 + 1000)
    late = NOW + 6000 + 60_000 - 5000
    with pytest.raises(iron.ExpiredError):
        iron.unseal(token, PASSWORD, {"localtimeOffsetMsec": 5000}, now=late)
    assert iron.unseal(token, PASSWORD, now=late) == SESSION


def test_now_defaults_to_the_wall_clock() -> None:
    before = iron.now_ms()
    expiration = int(iron.seal(SESSION, PASSWORD, {"ttl": 1}).split("*")[5])
    assert before + 1 <= expiration <= iron.now_ms() + 1


# --- options ----------------------------------------------------------------------------------


def test_camel_case_mapping_is_deep_merged_over_the_base() -> None:
    merged = iron.resolve_options({"encryption": {"iterations": 1}, "ttl": 5}, iron.PRESET_V2)
    assert merged.encryption.iterations == 1
    assert merged.encryption.algorithm == "aes-256-cbc"
    assert merged.encryption.salt_bits == 256
    assert merged.integrity.iterations == 8192
    assert merged.ttl == 5
    assert iron.resolve_options(None, iron.PRESET_V1) is iron.PRESET_V1
    assert iron.resolve_options(iron.PRESET_V1, iron.PRESET_V2) is iron.PRESET_V1
    assert iron.resolve_options(iron.PRESET_V2.to_iron(), iron.PRESET_V1) == iron.PRESET_V2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ttL": 5}, "unknown seal option 'ttL'"),
        ({"encryption": {"iteration": 1}}, "unknown seal option encryption.iteration"),
        ({"encryption": 1}, "must be a mapping"),
        ({"encryption": {"algorithm": "aes-192-gcm"}}, "Unknown encryption algorithm"),
        ({"integrity": {"algorithm": "aes-256-cbc"}}, "Unknown integrity algorithm"),
        ({"encryption": {"iterations": 0}}, "iterations must be an integer >= 1"),
        ({"integrity": {"saltBits": True}}, "saltBits must be an integer"),
        ({"ttl": -1}, "must not be negative"),
        ({"ttl": 1.5}, "ttl must be an integer"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(iron.IronConfigError, match=message):
        iron.resolve_options(options)


def test_options_must_be_typed_or_a_mapping() -> None:
    with pytest.raises(iron.IronConfigError, match="must be SealOptions or a mapping"):
        iron.resolve_options(["ttl", 5])  # type: ignore[arg-type]


# --- the key cache (its isolation rules live in test_key_cache.py) -------------------------------


def test_cache_fingerprints_never_store_the_secret() -> None:
    cache = iron.KeyCache(4)
    iron.seal(SESSION, PASSWORD, iron.PRESET_V1, cache=cache)
    assert len(cache) == 2
    stored = repr(list(cache._keys))
    assert PASSWORD not in stored
    assert PASSWORD.encode().hex() not in stored
