"""Steps become requests, responses become verdicts; the scenario stops at its first failing step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import kit_fakes
from h3conformance.adapter import Adapter
from h3conformance.loader import load_dir, load_text
from h3conformance.model import Scenario
from h3conformance.results import ResultRecord
from h3conformance.runner import run_adapter, run_scenario
from h3conformance.transports.url import URLTarget
from h3conformance.transports.wsgi import WSGITarget

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
FIXTURES = Path(__file__).with_name("fixtures") / "scenarios"


def scenario(steps: str, profiles: str = '["v1"]', config: str = "") -> Scenario:
    text = f"""
theme = "counter"
[[scenario]]
id = "counter.t"
title = "t"
source = "s"
profiles = {profiles}
level = "must"
config = {{ password = "{PASSWORD}"{config} }}
{steps}
"""
    return load_text(text)[0]


@pytest.fixture
def target() -> Iterator[WSGITarget]:
    target = WSGITarget(kit_fakes.wsgi_app)
    yield target
    target.close()


def run(s: Scenario, target: WSGITarget, profile: str = "v1", **kwargs: object) -> ResultRecord:
    return run_scenario(s, profile, target, **kwargs)  # type: ignore[arg-type]


def test_the_scenario_stops_at_the_first_failing_step(target: WSGITarget) -> None:
    s = scenario(
        '[[scenario.step]]\nsend = { path = "/" }\nexpect = { body = "wrong", set_cookie_count = 5 }\n'
        '[[scenario.step]]\nsend = { path = "/" }\n'
    )
    result = run(s, target)
    assert result.verdict == "fail"
    assert len(result.transcript) == 1
    assert [f.expectation for f in result.transcript[0].failures] == ["body", "set_cookie_count"]
    assert result.message.startswith("step 1, GET /: body: expected 'wrong', got 'Hello world!")
    assert result.message.endswith("(and 1 more)")


def test_a_missing_cookie_from_an_earlier_step_fails_the_step(target: WSGITarget) -> None:
    s = scenario(
        '[[scenario.step]]\nname = "gone"\nsend = { path = "/nowhere" }\nexpect.status = 404\n'
        '[[scenario.step]]\nsend = { path = "/", cookies = { h3 = { from = "gone" } } }\n'
    )
    result = run(s, target)
    assert result.verdict == "fail"
    assert "step 'gone' set no session cookie 'h3'" in result.message


def test_placeholders_and_explicit_cookies_still_update_the_jar(target: WSGITarget) -> None:
    s = scenario(
        '[[scenario.step]]\nname = "a"\nsend = { path = "/" }\n'
        '[[scenario.step]]\nsend = { path = "/", cookie_header = "x=1; h3={cookie:a:h3}", jar = false }\n'
        'expect.body = "Hello world! You have visited this page 2 times."\n'
        '[[scenario.step]]\nsend = { path = "/" }\n'
        'expect.body = "Hello world! You have visited this page 3 times."\n'
    )
    result = run(s, target)
    assert result.verdict == "pass", result.message
    assert ["x=1; h3=Fe26.2**" in v for k, v in result.transcript[1].request["headers"] if k == "cookie"] == [True]


def test_new_means_never_seen_in_the_scenario_including_forged_ids(target: WSGITarget) -> None:
    forged = '{ forge = { id = "old", createdAt = "now", data = {} } }'
    accepted = scenario(
        f'[[scenario.step]]\nsend = {{ path = "/", cookies = {{ h3 = {forged} }} }}\nexpect.session.id = "new"\n'
    )
    result = run(accepted, target)
    assert result.verdict == "fail"
    assert result.transcript[0].failures[0].actual == "old"


def test_an_expected_failure_becomes_xfail_or_xpass(target: WSGITarget) -> None:
    failing = scenario('[[scenario.step]]\nsend = { path = "/" }\nexpect.status = 201\n')
    passing = scenario('[[scenario.step]]\nsend = { path = "/" }\n')
    assert run(failing, target, expected_failure="known").verdict == "xfail"
    xpass = run(passing, target, expected_failure="known")
    assert (xpass.verdict, xpass.message) == ("xpass", "expected failure (known) passed")


def test_a_fixed_url_server_skips_other_configurations() -> None:
    target = URLTarget("http://127.0.0.1:9", {"password": PASSWORD, "profile": "v1"})
    other = scenario('[[scenario.step]]\nsend = { path = "/" }\n', config=", maxAge = 60")
    result = run_scenario(other, "v1", target)
    assert result.verdict == "skip"
    assert "runs another configuration" in result.message
    target.close()


def test_an_unreachable_implementation_is_an_error_not_a_failure() -> None:
    target = URLTarget("http://127.0.0.1:9")
    result = run_scenario(scenario('[[scenario.step]]\nsend = { path = "/" }\n'), "v1", target)
    assert result.verdict == "error"
    assert result.transcript[0].response is None
    target.close()


def test_run_adapter_yields_run_results_and_summary_per_profile() -> None:
    fixtures = load_dir(FIXTURES)
    adapter = Adapter(
        "fake", "wsgi", kit_fakes.wsgi_app, expectations=Path(__file__).with_name("fixtures") / "fake-expectations.toml"
    )
    records = list(run_adapter(adapter, fixtures.scenarios, scenario_set_version=fixtures.version))
    assert [r.type for r in records if r.type != "result"] == ["run", "summary", "run", "summary"]
    results = {(r.id, r.profile): r.verdict for r in records if isinstance(r, ResultRecord)}
    assert results[("counter.needs-max-age", "v1")] == "xfail"
    assert results[("counter.info-only", "v2")] == "xfail"
    summaries = [r for r in records if r.type == "summary"]
    assert summaries[1].counts["xfail"] == 2  # type: ignore[union-attr]
    assert summaries[1].by_level["info"] == {"pass": 0, "fail": 0, "xfail": 1, "xpass": 0, "error": 0, "skip": 0}  # type: ignore[union-attr]
