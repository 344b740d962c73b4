"""The loader: every key validated, every error naming file, scenario and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from h3conformance.loader import ScenarioFormatError, load_dir, load_text
from h3conformance.model import Forge, FromStep, Literal_

FIXTURES = Path(__file__).with_name("fixtures") / "scenarios"
PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
HEAD = f"""
theme = "counter"
[[scenario]]
id = "counter.sample"
title = "t"
source = "s"
profiles = ["v1", "v2"]
level = "must"
config = {{ password = "{PASSWORD}" }}
"""


def problems(text: str, file: str = "counter.toml") -> list[str]:
    with pytest.raises(ScenarioFormatError) as caught:
        load_text(text, Path(file))
    return [str(p) for p in caught.value.problems]


def test_an_unknown_key_is_an_error_naming_file_scenario_and_key_path() -> None:
    found = problems(HEAD + '[[scenario.step]]\nsend = { path = "/" }\nexpect.cookies.h3 = { colour = "red" }\n')
    assert found == [
        "counter.toml: scenario 'counter.sample': step[1].expect.cookies.h3.colour: unknown key "
        "(allowed here: absent, sealed, value, chunked, deleted, path, domain, httponly, secure, partitioned, "
        "priority, samesite, max_age, expires, order)"
    ]


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = HEAD.replace('level = "must"', 'level = "info"') + (
        '[[scenario.step]]\nsend = { path = "nope", cookies = { h3 = { from = "ghost", tamper = "salt" } } }\n'
        'expect.status = "200"\n'
    )
    found = problems(text)
    keys = [p.split(": ")[2] for p in found]
    assert keys == [
        "reason",
        "step[1].send.path",
        "step[1].send.cookies.h3.from",
        "step[1].send.cookies.h3.tamper",
        "step[1].expect.status",
    ]


def test_a_per_profile_value_of_the_wrong_type_names_its_key() -> None:
    found = problems(HEAD + '[[scenario.step]]\nsend = { path = "/" }\nexpect.cookies.h3.samesite = { v1 = 3 }\n')
    assert found == [
        "counter.toml: scenario 'counter.sample': step[1].expect.cookies.h3.samesite: expected a string, got integer 3"
    ]


def test_errors_in_expect_v2_name_expect_v2() -> None:
    found = problems(HEAD + '[[scenario.step]]\nsend = { path = "/" }\nexpect_v2.session = { id = "same:first" }\n')
    assert found == [
        "counter.toml: scenario 'counter.sample': step[1].expect_v2.session.id: "
        "refers to step 'first', which is not an earlier named step"
    ]


def test_toml_dates_are_refused_as_absolute_dates() -> None:
    found = problems(
        HEAD.replace("config = {", "config = { when = 2026-11-27,") + '[[scenario.step]]\nsend = { path = "/" }\n'
    )
    assert any("config.when: absolute dates and times are not allowed" in p for p in found)


def test_ids_must_start_with_the_theme_and_be_unique_across_files(tmp_path: Path) -> None:
    assert any(
        "id: must start with the file's theme" in p
        for p in problems(HEAD.replace("counter.sample", "clear.sample") + '[[scenario.step]]\nsend = { path = "/" }\n')
    )
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(HEAD + '[[scenario.step]]\nsend = { path = "/" }\n')
    with pytest.raises(ScenarioFormatError, match="duplicate id"):
        load_dir(tmp_path)


def test_a_referenced_step_must_run_under_the_referring_profiles() -> None:
    text = HEAD + (
        '[[scenario.step]]\nname = "a"\nprofiles = ["v2"]\nsend = { path = "/" }\n'
        '[[scenario.step]]\nsend = { path = "/", cookies = { h3 = { from = "a" } } }\n'
    )
    assert problems(text) == [
        "counter.toml: scenario 'counter.sample': step[2].send.cookies.h3.from: step 'a' does not run under profile v1"
    ]


def test_per_profile_values_and_expect_v2_resolve_per_profile() -> None:
    (scenario,) = load_text(
        HEAD
        + '[[scenario.step]]\nsend = { path = "/" }\n'
        + 'expect.cookies.h3 = { samesite = { v2 = "Lax" }, path = "/" }\n'
        + "expect.status = { v1 = 200, v2 = 500 }\n"
        + "expect_v2.cookies.h3 = { partitioned = true }\n"
    )
    v1, v2 = scenario.steps[0].expect["v1"], scenario.steps[0].expect["v2"]
    assert (v1.status, v2.status) == (200, 500)
    assert v1.cookies[0][1].samesite is None
    assert v1.cookies[0][1].partitioned is None
    assert (v2.cookies[0][1].samesite, v2.cookies[0][1].path, v2.cookies[0][1].partitioned) == ("Lax", "/", True)


def test_value_specs_become_typed_values() -> None:
    (scenario,) = load_text(
        HEAD
        + '[[scenario.step]]\nname = "a"\nsend = { path = "/" }\n'
        + '[[scenario.step]]\nsend = { path = "/", headers = { x = "{token:a}" }, cookies = { '
        + 'h3 = { from = "a", tamper = "mac", quote = true }, '
        + 'old = { forge = { id = "o", createdAt = "now-8d" }, ttl = "7d", iterations = 1 } } }\n'
    )
    send = scenario.steps[1].send
    assert send.headers == (("x", Literal_("{token:a}")),)
    assert send.cookies is not None
    (_, from_step), (_, forged) = send.cookies
    assert isinstance(from_step, FromStep)
    assert from_step.modifiers.tamper == "mac"
    assert from_step.modifiers.quote
    assert isinstance(forged, Forge)
    assert forged.ttl_ms == 604_800_000
    assert forged.iterations == 1


def test_the_kit_scenario_set_and_the_fixtures_load() -> None:
    assert len(load_dir().scenarios) > 0
    fixtures = load_dir(FIXTURES)
    assert {s.id for s in fixtures.scenarios} >= {"counter.first-visit", "counter.needs-max-age"}
    assert fixtures.version.startswith("1.")
