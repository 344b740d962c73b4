"""Forged tokens, tampering one named part, and decoding what an app sets."""

from __future__ import annotations

import pytest

from h3conformance.model import TAMPER_PARTS
from h3conformance.tokens import chunk, decode, forge, join_chunks, resolve_times, tamper, wrap

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
NOW = 1_800_000_000_000
PART_NAMES = ("prefix", "pwid", "enc-salt", "iv", "ciphertext", "expiration", "hmac-salt", "mac")


@pytest.fixture(scope="module")
def token() -> str:
    return forge({"id": "a", "createdAt": NOW, "data": {"count": 1}}, PASSWORD, iterations=1, now_ms=NOW, ttl_ms=60_000)


@pytest.mark.parametrize("part", [p for p in TAMPER_PARTS if not p.startswith("parts-")])
def test_tamper_changes_exactly_the_named_part(token: str, part: str) -> None:
    before, after = token.split("*"), tamper(token, part, NOW).split("*")
    index = PART_NAMES.index(part.replace("-first-char", "").replace("-last-char", ""))
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] == [index]
    if part.startswith("mac-"):
        position = 0 if part == "mac-first-char" else len(before[7]) - 1
        assert [i for i, (a, b) in enumerate(zip(before[7], after[7])) if a != b] == [position]
    assert not decode("*".join(after), PASSWORD, "v1").ok


def test_tamper_can_change_the_part_count(token: str) -> None:
    assert len(tamper(token, "parts-7", NOW).split("*")) == 7
    assert len(tamper(token, "parts-9", NOW).split("*")) == 9


def test_forged_tokens_decode_with_their_iterations_and_expiration() -> None:
    v2 = forge({"id": "x"}, PASSWORD, iterations=8192, now_ms=NOW, ttl_ms=7 * 86_400_000)
    decoded = decode(v2, PASSWORD, "v1")
    assert decoded.ok
    assert decoded.value == {"id": "x"}
    assert decoded.iterations == 8192
    assert decoded.expiration == NOW + 7 * 86_400_000
    exact = forge("hello", PASSWORD, iterations=1, now_ms=NOW, expiration_ms=NOW - 119_000)
    assert decode(exact, PASSWORD, "v2").expiration == NOW - 119_000  # decoding ignores expiry


def test_decode_uses_the_configured_seal_options() -> None:
    ctr = forge({"id": "x"}, PASSWORD, iterations=1, now_ms=NOW, algorithm="aes-128-ctr")
    assert not decode(ctr, PASSWORD, "v1").ok
    assert decode(ctr, PASSWORD, "v1", {"encryption": {"algorithm": "aes-128-ctr"}}).ok


def test_decode_reports_why_a_token_does_not_unseal() -> None:
    assert decode("hello", PASSWORD, "v2").error == "Incorrect number of sealed components"
    other = forge({}, "another-password-that-is-long-enough!", iterations=1, now_ms=NOW)
    assert decode(other, PASSWORD, "v1").error == "Bad hmac value"


def test_times_in_forged_tables_become_epoch_ms() -> None:
    assert resolve_times({"createdAt": "now-1d", "lastSeenAt": "now", "id": "now"}, NOW) == {
        "createdAt": NOW - 86_400_000,
        "lastSeenAt": NOW,
        "id": "now",
    }
    assert resolve_times({"createdAt": "yesterday"}, NOW) == {"createdAt": "yesterday"}


def test_chunks_round_trip_and_missing_chunks_give_none() -> None:
    pieces = chunk("h3", "a" * 9, 4)
    assert pieces == [("h3", "__chunked__3"), ("h3.1", "aaaa"), ("h3.2", "aaaa"), ("h3.3", "a")]
    assert join_chunks("h3", dict(pieces)) == "a" * 9
    assert join_chunks("h3", {"h3": "__chunked__3", "h3.1": "x"}) is None
    assert join_chunks("h3", {"h3": "__chunked__abc"}) is None


def test_wrap_percent_encodes_then_quotes() -> None:
    assert wrap("Fe26.2**a*b", urlencode=True, quote=True) == '"Fe26.2%2A%2Aa%2Ab"'
