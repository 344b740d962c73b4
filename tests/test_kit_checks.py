"""Matching rules: JSON equality and subsets, and the time tolerances scenarios rely on."""

from __future__ import annotations

from h3conformance.checks import NOW_TOLERANCE_MS, Observation, check_step, json_equal, json_subset
from h3conformance.model import CookieExpect, Expect, SessionExpect, TimeMatcher
from h3conformance.setcookie import parse_set_cookie
from h3conformance.timespec import RelativeTime
from h3conformance.tokens import Decoded

SENT, RECEIVED = 1_800_000_000_000, 1_800_000_000_200


def test_json_equality_keeps_booleans_apart_from_numbers() -> None:
    assert json_equal(1, 1.0)
    assert not json_equal(True, 1)
    assert not json_equal({"a": [1, 2]}, {"a": [2, 1]})
    assert json_equal({"a": 1, "b": 2}, {"b": 2, "a": 1})


def test_json_subset_recurses_into_tables_but_not_arrays() -> None:
    assert json_subset({"data": {"user": "ada"}}, {"id": "x", "data": {"user": "ada", "count": 1}})
    assert not json_subset({"list": [1]}, {"list": [1, 2]})
    assert not json_subset({"data": {}}, {"data": []})


def observe(created_at: int, set_cookie: str) -> Observation:
    cookie = parse_set_cookie(set_cookie)
    assert cookie is not None
    session = {"id": "a", "createdAt": created_at, "data": {}}
    return Observation(
        200, "", [cookie], {"h3": Decoded("tok", session, True, 1)}, "h3", None, lambda name: "absent", SENT, RECEIVED
    )


def expect_created(text: str, anchor: str, offset: int = 0) -> Expect:
    matcher = TimeMatcher("relative", relative=RelativeTime(anchor, offset), text=text)
    return Expect(session=SessionExpect(created_at=matcher))


def test_now_means_within_five_seconds_around_the_exchange() -> None:
    expect = expect_created("now", "now")
    assert check_step(expect, observe(SENT - NOW_TOLERANCE_MS, "h3=tok")) == []
    assert check_step(expect, observe(RECEIVED + NOW_TOLERANCE_MS, "h3=tok")) == []
    (failure,) = check_step(expect, observe(RECEIVED + NOW_TOLERANCE_MS + 1, "h3=tok"))
    assert (failure.expectation, failure.expected) == ("session.createdAt", "now")


def test_expires_is_compared_in_whole_seconds_against_created_at() -> None:
    created = 1_796_356_517_379  # Expires drops the 379 ms (h3-behavior f1)
    matcher = TimeMatcher("relative", relative=RelativeTime("createdAt", 7 * 86_400_000), text="createdAt+7d")
    expect = Expect(cookies=(("h3", CookieExpect(expires=matcher)),))
    line = "h3=tok; Path=/; Expires=Fri, 11 Dec 2026 03:55:17 GMT"
    assert check_step(expect, observe(created, line)) == []
    assert check_step(expect, observe(created + 2_000, line))
