"""Durations and relative times: the only time forms scenarios may use."""

from __future__ import annotations

import pytest

from h3conformance.timespec import RelativeTime, TimeSpecError, parse_duration, parse_relative


@pytest.mark.parametrize(
    ("text", "ms"), [("500ms", 500), ("2s", 2000), ("10m", 600_000), ("1h", 3_600_000), ("7d", 604_800_000)]
)
def test_durations_in_every_unit(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "7", "1.5s", "-1s", "1h30m", "7 d", "7D", "P7D"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(TimeSpecError, match="bad duration"):
        parse_duration(text)


def test_relative_times_shift_their_anchor() -> None:
    assert parse_relative("now") == RelativeTime("now", 0)
    assert parse_relative("now-8d").at(1_000_000_000_000) == 1_000_000_000_000 - 8 * 86_400_000
    assert parse_relative("createdAt+7d", ("now", "createdAt")) == RelativeTime("createdAt", 604_800_000)


@pytest.mark.parametrize("text", ["2026-11-27", "Fri, 04 Dec 2026 03:55:17 GMT", "1795751712798", "now-", "later"])
def test_absolute_dates_and_unknown_anchors_are_refused(text: str) -> None:
    with pytest.raises(TimeSpecError, match="absolute dates are not allowed"):
        parse_relative(text)


def test_an_anchor_outside_the_allowed_list_is_refused() -> None:
    with pytest.raises(TimeSpecError):
        parse_relative("createdAt+1d")
