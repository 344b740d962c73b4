"""Expectations against one observed response: pure functions returning Failure records.

Tolerances (documented in SCENARIOS.md): a time anchored on "now" may lie anywhere from
5 s before the request was sent to 5 s after the response arrived; a time anchored on the
session's createdAt / lastSeenAt must be within 1 s (Expires is compared in whole seconds,
because IMF-fixdate drops milliseconds).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .model import CookieExpect, Expect, IdMatcher, SessionExpect, TimeMatcher
from .results import Failure
from .setcookie import SetCookie
from .tokens import Decoded

__all__ = [
    "NOW_TOLERANCE_MS",
    "SESSION_TOLERANCE_MS",
    "Observation",
    "StepMemory",
    "check_step",
    "json_equal",
    "json_subset",
    "parse_reported",
]

NOW_TOLERANCE_MS = 5_000
SESSION_TOLERANCE_MS = 1_000
_ABSENT = "absent"


def json_equal(expected: Any, actual: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 == 1.0, objects ignore key order."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(json_equal(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(json_equal, expected, actual))
    return type(expected) is type(actual) and expected == actual


def json_subset(expected: Any, actual: Any) -> bool:
    """Tables match as subsets (recursively); everything else, arrays included, exactly."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and json_subset(v, actual[k]) for k, v in expected.items())
    return json_equal(expected, actual)


@dataclass(frozen=True)
class StepMemory:
    """What a named step leaves for later same:STEP / different:STEP matchers."""

    session: Any = None  # decoded session (config cookie), else the /data body
    expires: Mapping[str, Optional[int]] = field(default_factory=dict)  # cookie name -> Expires ms
    expiration: Optional[int] = None  # iron expiration of the session token


@dataclass
class Observation:
    """Everything one step produced, plus what earlier steps left for same:/different: matchers."""

    status: int
    body: str
    set_cookies: list[SetCookie]
    decoded: dict[str, Decoded]  # cookie name (chunks joined) -> decode attempt
    session_cookie: str  # the config's cookie name
    reported: Optional[Any]  # the JSON body, when the step asked for `reported`
    jar_state: Callable[[str], str]
    sent_ms: int
    received_ms: int
    seen_ids: list[Any] = field(default_factory=list)  # ids seen before this step
    history: Mapping[str, StepMemory] = field(default_factory=dict)  # by step name


def _last(cookies: list[SetCookie], name: str) -> Optional[SetCookie]:
    found = [c for c in cookies if c.name == name]
    return found[-1] if found else None


class _Checker:
    def __init__(self, obs: Observation) -> None:
        self.obs = obs
        self.failures: list[Failure] = []

    def fail(self, expectation: str, expected: Any, actual: Any) -> None:
        self.failures.append(Failure(expectation, expected, actual))

    def equal(self, expectation: str, expected: Any, actual: Any) -> None:
        if not json_equal(expected, actual):
            self.fail(expectation, expected, actual)

    # -- times and ids ---------------------------------------------------------------------------

    def time(
        self,
        key: str,
        matcher: TimeMatcher,
        actual: Any,
        anchors: Mapping[str, Any],
        same: Callable[[str], Any],
        seconds: bool = False,
    ) -> None:
        ok = self._time_ok(matcher, actual, anchors, same, seconds)
        if not ok:
            self.fail(key, matcher.text, _ABSENT if actual is None else actual)

    def _time_ok(
        self, matcher: TimeMatcher, actual: Any, anchors: Mapping[str, Any], same: Callable[[str], Any], seconds: bool
    ) -> bool:
        if matcher.kind == "absent":
            return actual is None
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        if matcher.kind == "past":
            return actual <= self.obs.received_ms
        if matcher.kind == "literal":
            return json_equal(matcher.literal, actual)
        if matcher.kind == "same":
            return json_equal(same(matcher.step or ""), actual)
        relative = matcher.relative
        assert relative is not None
        if relative.anchor == "now":
            low = self.obs.sent_ms - NOW_TOLERANCE_MS + relative.offset_ms
            high = self.obs.received_ms + NOW_TOLERANCE_MS + relative.offset_ms
            return low <= actual <= high
        anchor = anchors.get(relative.anchor)
        if not isinstance(anchor, (int, float)) or isinstance(anchor, bool):
            return False
        target = relative.at(int(anchor))
        if seconds:
            return abs(int(actual) // 1000 - target // 1000) <= SESSION_TOLERANCE_MS // 1000
        return abs(actual - target) <= SESSION_TOLERANCE_MS

    def session_id(self, key: str, matcher: IdMatcher, actual: Any) -> None:
        if matcher.kind == "new":
            ok = actual is not None and actual != "" and not any(json_equal(actual, s) for s in self.obs.seen_ids)
            if not ok:
                self.fail(key, "new (an id not seen before in this scenario)", actual)
            return
        if matcher.kind == "literal":
            self.equal(key, matcher.literal, actual)
            return
        other = self._from_step(matcher.step or "", "id")
        same = json_equal(other, actual)
        if (matcher.kind == "same") != same:
            self.fail(key, f"{matcher.text} ({other!r})", actual)

    def _memory(self, step: str) -> StepMemory:
        return self.obs.history.get(step, StepMemory())

    def _from_step(self, step: str, key: str) -> Any:
        session = self._memory(step).session
        return session.get(key) if isinstance(session, dict) else None

    # -- groups ----------------------------------------------------------------------------------

    def response(self, expect: Expect) -> None:
        obs = self.obs
        if expect.status != obs.status:
            self.fail("status", expect.status, obs.status)
        if expect.body is not None and expect.body != obs.body:
            self.fail("body", expect.body, obs.body)
        if expect.body_pattern is not None and not re.search(expect.body_pattern, obs.body):
            self.fail("body_pattern", expect.body_pattern, obs.body)
        if expect.json is not None:
            parsed = _json_or_none(obs.body)
            if parsed is _NOT_JSON or not json_subset(expect.json, parsed):
                self.fail("json", expect.json, obs.body if parsed is _NOT_JSON else parsed)
        count = len(obs.set_cookies)
        if expect.set_cookie_count is not None and expect.set_cookie_count != count:
            self.fail("set_cookie_count", expect.set_cookie_count, count)
        if expect.no_set_cookie is not None and expect.no_set_cookie != (count == 0):
            self.fail("no_set_cookie", expect.no_set_cookie, [c.raw for c in obs.set_cookies])
        if expect.set_cookie_order is not None:
            names = [c.name for c in obs.set_cookies]
            if list(expect.set_cookie_order) != names:
                self.fail("set_cookie_order", list(expect.set_cookie_order), names)
        for name, state in expect.jar:
            actual = self.obs.jar_state(name)
            if not (actual == state or (state == "present" and actual == "empty")):
                self.fail(f"jar.{name}", state, actual)

    def cookie(self, name: str, expect: CookieExpect) -> None:
        key = f"cookies.{name}"
        cookie = _last(self.obs.set_cookies, name)
        if expect.absent is not None and expect.absent != (cookie is None):
            self.fail(f"{key}.absent", expect.absent, cookie.raw if cookie else _ABSENT)
            return
        if cookie is None:
            if any(v is not None for k, v in vars(expect).items() if k != "absent"):
                self.fail(key, f"a Set-Cookie named {name}", _ABSENT)
            return
        decoded = self.obs.decoded.get(name)
        if expect.sealed is not None and expect.sealed != bool(decoded and decoded.ok):
            actual = decoded.error if decoded and decoded.error else cookie.value
            self.fail(f"{key}.sealed", expect.sealed, actual)
        if expect.value is not None:
            self.equal(f"{key}.value", expect.value, cookie.value)
        if expect.chunked is not None:
            self.equal(f"{key}.chunked", f"__chunked__{expect.chunked}", cookie.value)
        if expect.deleted is not None and expect.deleted != cookie.is_deletion(self.obs.received_ms):
            self.fail(f"{key}.deleted", expect.deleted, cookie.raw)
        for attr, wanted, fold in (
            ("Path", expect.path, False),
            ("Domain", expect.domain, True),
            ("Priority", expect.priority, True),
            ("SameSite", expect.samesite, True),
        ):
            if wanted is not None:
                self._attribute(f"{key}.{attr.lower()}", cookie, attr, wanted, fold)
        for attr, flag in (
            ("HttpOnly", expect.httponly),
            ("Secure", expect.secure),
            ("Partitioned", expect.partitioned),
        ):
            if flag is not None and flag != cookie.has(attr):
                self.fail(f"{key}.{attr.lower()}", flag, cookie.has(attr))
        if expect.max_age is not None:
            raw = cookie.attribute("Max-Age")
            max_age: Any = _ABSENT if raw is None else (int(raw) if re.fullmatch(r"-?\d+", raw) else raw)
            self.equal(f"{key}.max_age", expect.max_age, max_age)
        if expect.expires is not None:
            session = decoded.value if decoded and decoded.ok else self._session_object()
            anchors = session if isinstance(session, dict) else {}
            self.time(
                f"{key}.expires",
                expect.expires,
                cookie.expires_ms,
                anchors,
                lambda step: self._memory(step).expires.get(name),
                seconds=True,
            )
        if expect.order is not None:
            names = list(cookie.attribute_names)
            if [n.lower() for n in expect.order] != [n.lower() for n in names]:
                self.fail(f"{key}.order", list(expect.order), names)

    def _attribute(self, key: str, cookie: SetCookie, attr: str, wanted: str, fold: bool) -> None:
        actual = cookie.attribute(attr)
        if wanted == _ABSENT:
            if actual is not None:
                self.fail(key, _ABSENT, actual)
        elif actual is None or (actual.lower() != wanted.lower() if fold else actual != wanted):
            self.fail(key, wanted, _ABSENT if actual is None else actual)

    def _session_object(self) -> Any:
        decoded = self.obs.decoded.get(self.obs.session_cookie)
        return decoded.value if decoded and decoded.ok else None

    def session(self, expect: SessionExpect) -> None:
        name = expect.cookie or self.obs.session_cookie
        decoded = self.obs.decoded.get(name)
        if decoded is None:
            self.fail("session", f"a session token in Set-Cookie {name}", _ABSENT)
            return
        if not decoded.ok:
            self.fail("session", f"a token that unseals with the config password ({name})", decoded.error)
            return
        self.object("session", expect, decoded.value)
        if expect.key_order is not None:
            self.equal("session.key_order", list(expect.key_order), list(decoded.key_order))
        if expect.iterations is not None:
            self.equal("session.iterations", expect.iterations, decoded.iterations)
        if expect.expiration is not None:
            anchors = decoded.value if isinstance(decoded.value, dict) else {}
            self.time(
                "session.expiration",
                expect.expiration,
                decoded.expiration,
                anchors,
                lambda step: self._memory(step).expiration,
            )

    def reported(self, expect: SessionExpect) -> None:
        if self.obs.reported is _NOT_JSON:
            self.fail("reported", "a JSON body {id, createdAt, data}", self.obs.body)
            return
        self.object("reported", expect, self.obs.reported)

    def object(self, key: str, expect: SessionExpect, value: Any) -> None:
        if not isinstance(value, dict):
            self.fail(key, "a JSON object", value)
            return
        if expect.id is not None:
            self.session_id(f"{key}.id", expect.id, value.get("id"))
        for field_key, matcher in (("createdAt", expect.created_at), ("lastSeenAt", expect.last_seen_at)):
            if matcher is not None:
                same = functools.partial(self._from_step, key=field_key)
                self.time(f"{key}.{field_key}", matcher, value.get(field_key), value, same)
        if expect.data is not None:
            self.equal(f"{key}.data", expect.data, value.get("data", _ABSENT))
        if expect.data_contains is not None and not json_subset(expect.data_contains, value.get("data")):
            self.fail(f"{key}.data_contains", expect.data_contains, value.get("data", _ABSENT))
        for wanted in expect.has:
            if wanted not in value:
                self.fail(f"{key}.has", wanted, sorted(value))
        for unwanted in expect.lacks:
            if unwanted in value:
                self.fail(f"{key}.lacks", unwanted, sorted(value))


class _NotJSON:
    def __repr__(self) -> str:
        return "<not JSON>"


_NOT_JSON: Any = _NotJSON()


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def parse_reported(body: str) -> Any:
    """The /data body as JSON, or a marker the reported checks turn into a failure."""
    return _json_or_none(body)


def check_step(expect: Expect, obs: Observation) -> list[Failure]:
    checker = _Checker(obs)
    checker.response(expect)
    for name, cookie_expect in expect.cookies:
        checker.cookie(name, cookie_expect)
    if expect.session is not None:
        checker.session(expect.session)
    if expect.reported is not None:
        checker.reported(expect.reported)
    return checker.failures
