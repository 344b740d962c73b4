"""Scenarios against one implementation: steps -> requests -> responses -> verdicts.

Each step takes `now` when its request is built (forged times, jar expiry) and again when the
response is back; both bound the "now" tolerance window (checks.py). A scenario stops at its
first step with an unmet expectation.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from h3session.iron import IronError

from . import __version__
from .adapter import Adapter
from .checks import Observation, StepMemory, check_step, parse_reported
from .jar import CookieJar
from .loader import PLACEHOLDER
from .model import Chunked, Forge, FromStep, Literal_, Modifiers, Scenario, Step, ValueSpec
from .results import Failure, Record, ResultRecord, RunRecord, StepRecord, summarize
from .setcookie import SetCookie, parse_set_cookie
from .tokens import (
    CHUNK_PREFIX,
    ITERATIONS,
    Decoded,
    TamperError,
    chunk,
    decode,
    forge,
    join_chunks,
    resolve_times,
    tamper,
    wrap,
)
from .transports import Origin, Request, Response, Target, Transport, TransportError, UnsupportedConfig, open_target

__all__ = ["Clock", "run_adapter", "run_scenario", "wall_clock_ms"]

Clock = Callable[[], int]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class StepFailed(Exception):
    """The implementation did not leave what a later step needs (e.g. no cookie to send back)."""


class KitError(Exception):
    """The kit itself could not build a request (e.g. forging with an unusable password)."""


@dataclass
class _Done:
    """What a finished step left behind for later steps."""

    token: Optional[str]  # the session token it set (chunks joined)
    cookies: dict[str, str]  # last Set-Cookie value per name
    memory: StepMemory


@dataclass
class _ScenarioRun:
    scenario: Scenario
    profile: str
    transport: Transport
    origin: Origin
    clock: Clock
    jar: CookieJar = field(init=False)
    seen_ids: list[Any] = field(default_factory=list)
    done: dict[str, _Done] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.jar = CookieJar(self.origin.host, self.origin.secure)

    # -- building the request --------------------------------------------------------------------

    def _step_done(self, name: str) -> _Done:
        if name not in self.done:
            raise StepFailed(f"step {name!r} did not run")
        return self.done[name]

    def _from(self, spec: FromStep) -> str:
        done = self._step_done(spec.step)
        if spec.cookie is not None:
            if spec.cookie not in done.cookies:
                raise StepFailed(f"step {spec.step!r} set no cookie named {spec.cookie!r}")
            return done.cookies[spec.cookie]
        if done.token is None:
            raise StepFailed(f"step {spec.step!r} set no session cookie {self.scenario.cookie_name!r}")
        return done.token

    def _forge(self, spec: Forge, now: int) -> str:
        payload = resolve_times(spec.payload, now)
        if isinstance(payload, dict) and "id" in payload:
            self.seen_ids.append(payload["id"])
        try:
            return forge(
                payload,
                spec.password or self.scenario.password,
                algorithm=spec.algorithm,
                iterations=spec.iterations or ITERATIONS[self.profile],
                now_ms=now,
                ttl_ms=spec.ttl_ms,
                expiration_ms=spec.expiration.at(now) if spec.expiration else None,
            )
        except (IronError, ValueError, TypeError) as exc:
            raise KitError(f"cannot forge a token: {exc}") from exc

    def _modify(self, token: str, mods: Modifiers, now: int) -> str:
        if mods.tamper:
            try:
                token = tamper(token, mods.tamper, now)
            except TamperError as exc:
                raise StepFailed(str(exc)) from exc
        return wrap(token, urlencode=mods.urlencode, quote=mods.quote)

    def _expand(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            kind, step, cookie = match.groups()
            return self._from(FromStep(step, cookie if kind == "cookie" else None))

        return PLACEHOLDER.sub(one, text)

    def _value(self, spec: ValueSpec, now: int) -> str:
        if isinstance(spec, Literal_):
            return self._expand(spec.text)
        if isinstance(spec, FromStep):
            return self._modify(self._from(spec), spec.modifiers, now)
        if isinstance(spec, Forge):
            return self._modify(self._forge(spec, now), spec.modifiers, now)
        raise KitError("a chunked value outside send.cookies")  # the loader prevents this

    def request(self, step: Step, now: int) -> Request:
        send = step.send
        headers = [(name, self._value(spec, now)) for name, spec in send.headers]
        if send.cookies is not None:
            pairs: list[tuple[str, str]] = []
            for name, spec in send.cookies:
                if isinstance(spec, Chunked):
                    pairs.extend(chunk(name, self._value(spec.inner, now), spec.size))
                else:
                    pairs.append((name, self._value(spec, now)))
            if pairs:
                headers.append(("cookie", "; ".join(f"{n}={v}" for n, v in pairs)))
        elif send.cookie_header is not None:
            headers.extend(("cookie", self._expand(line)) for line in send.cookie_header)
        elif send.use_jar:
            stored = self.jar.header(send.path, now)
            if stored is not None:
                headers.append(("cookie", stored))
        body = b""
        if send.json is not None:
            body = json.dumps(send.json, ensure_ascii=False, separators=(",", ":")).encode()
            if not any(name.lower() == "content-type" for name, _ in headers):
                headers.append(("content-type", "application/json"))
        elif send.body is not None:
            body = send.body.encode()
        # Surrounding spaces are not part of an HTTP field value (RFC 9110 5.5): servers strip them,
        # so every transport sends the value without them, for the same verdict everywhere.
        return Request(send.method, send.path, tuple((n, v.strip(" \t")) for n, v in headers), body)

    # -- reading the response --------------------------------------------------------------------

    def decode_all(self, set_cookies: list[SetCookie]) -> dict[str, Decoded]:
        values = {c.name: c.value for c in set_cookies}
        decoded = {}
        for name in values:
            parent = name.rsplit(".", 1)[0]
            if "." in name and values.get(parent, "").startswith(CHUNK_PREFIX):
                continue  # a chunk; decoded through its parent
            token = join_chunks(name, values)
            if name == self.scenario.cookie_name or (token or "").startswith("Fe26."):
                decoded[name] = decode(
                    token or "", self.scenario.config["password"], self.profile, self.scenario.config.get("seal")
                )
        return decoded

    def run_step(self, step: Step, record: StepRecord) -> list[Failure]:
        expect = step.expect[self.profile]
        now = self.clock()
        request = self.request(step, now)
        record.request = _request_dict(request)
        sent = self.clock()
        response = self.transport.send(request)
        received = self.clock()
        record.response = _response_dict(response)
        set_cookies = [c for c in map(parse_set_cookie, response.set_cookies) if c is not None]
        decoded = self.decode_all(set_cookies)
        record.decoded = {name: d.value for name, d in decoded.items() if d.ok}
        self.jar.update(response.set_cookies, request.path, received)
        reported = parse_reported(response.text) if _route(request.path) == "/data" or expect.reported else None
        session = decoded.get(self.scenario.cookie_name)
        obs = Observation(
            status=response.status,
            body=response.text,
            set_cookies=set_cookies,
            decoded=decoded,
            session_cookie=self.scenario.cookie_name,
            reported=reported,
            jar_state=self.jar.state,
            sent_ms=sent,
            received_ms=received,
            seen_ids=list(self.seen_ids),
            history={name: done.memory for name, done in self.done.items()},
        )
        failures = check_step(expect, obs)
        self._remember(step, set_cookies, decoded, session, reported)
        return failures

    def _remember(
        self,
        step: Step,
        set_cookies: list[SetCookie],
        decoded: dict[str, Decoded],
        session: Optional[Decoded],
        reported: Any,
    ) -> None:
        for item in decoded.values():
            if item.ok and isinstance(item.value, dict) and "id" in item.value:
                self.seen_ids.append(item.value["id"])
        if isinstance(reported, dict) and "id" in reported:
            self.seen_ids.append(reported["id"])
        if step.name is None:
            return
        values = {c.name: c.value for c in set_cookies}
        memory = StepMemory(
            session=session.value if session and session.ok else (reported if isinstance(reported, dict) else None),
            expires={c.name: c.expires_ms for c in set_cookies},
            expiration=session.expiration if session else None,
        )
        self.done[step.name] = _Done(join_chunks(self.scenario.cookie_name, values), values, memory)


def _route(path: str) -> str:
    return path.split("?", 1)[0]


def _request_dict(request: Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "path": request.path,
        "headers": [list(h) for h in request.headers],
        "body": request.body.decode("utf-8", "replace"),
    }


def _response_dict(response: Response) -> dict[str, Any]:
    data: dict[str, Any] = {
        "status": response.status,
        "headers": [list(h) for h in response.headers],
        "body": response.text,
    }
    if response.app_error:
        data["app_error"] = response.app_error
    return data


def _describe(step: Step, request: dict[str, Any], failures: list[Failure]) -> str:
    first = failures[0]
    more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
    where = f"{step.label}, {request.get('method', '?')} {request.get('path', '?')}"
    return f"{where}: {first.expectation}: expected {first.expected!r}, got {first.actual!r}{more}"


def run_scenario(
    scenario: Scenario,
    profile: str,
    target: Target,
    *,
    adapter: str = "",
    clock: Clock = wall_clock_ms,
    expected_failure: Optional[str] = None,
) -> ResultRecord:
    """Run one scenario under one profile; never raises for anything the implementation does."""
    result = ResultRecord(
        adapter=adapter,
        profile=profile,
        id=scenario.id,
        title=scenario.title,
        theme=scenario.theme,
        level=scenario.level,
        verdict="pass",
        expected_failure=expected_failure,
        source=scenario.source,
        rows=list(scenario.rows),
    )
    started = time.monotonic()
    config = {**scenario.config, "profile": profile}
    try:
        transport = target.for_config(config)
    except UnsupportedConfig as exc:
        result.verdict, result.message = "skip", str(exc)
    except TransportError as exc:
        result.verdict, result.message = "error", f"cannot reach the implementation: {exc}"
    else:
        run = _ScenarioRun(scenario, profile, transport, target.origin, clock)
        for step in scenario.steps_for(profile):
            record = StepRecord(step=step.index, name=step.name, request={}, response=None)
            result.transcript.append(record)
            try:
                record.failures = run.run_step(step, record)
            except StepFailed as exc:
                record.failures = [Failure("send", "what an earlier step should have set", str(exc))]
            except (TransportError, KitError) as exc:
                result.verdict, result.message = "error", f"{step.label}: {exc}"
                break
            except Exception as exc:  # a bug in the kit must not end a whole matrix run
                result.verdict, result.message = "error", f"{step.label}: internal error in the kit: {exc!r}"
                break
            if record.failures:
                result.verdict = "fail"
                result.message = _describe(step, record.request, record.failures)
                if record.response and record.response.get("app_error"):
                    result.message += f" [the app raised: {record.response['app_error']}]"
                break
    result.duration_ms = int((time.monotonic() - started) * 1000)
    if expected_failure is not None and result.verdict in ("pass", "fail"):
        result.verdict = "xfail" if result.verdict == "fail" else "xpass"
        prefix = f"expected failure ({expected_failure})"
        result.message = f"{prefix}: {result.message}" if result.message else f"{prefix} passed"
    return result


def run_adapter(
    adapter: Adapter,
    scenarios: Sequence[Scenario],
    *,
    scenario_set_version: str,
    profiles: Optional[Iterable[str]] = None,
    target: Optional[Target] = None,
    clock: Clock = wall_clock_ms,
) -> Iterator[Record]:
    """Yield run, result... and summary records for every profile the adapter and caller allow."""
    wanted = [p for p in adapter.profiles if profiles is None or p in profiles]
    expected = adapter.expected_failures()
    owned = target is None
    target = target or open_target(adapter)
    try:
        for profile in wanted:
            yield RunRecord(
                adapter=adapter.name,
                kind=adapter.kind,
                profile=profile,
                kit_version=__version__,
                scenario_set_version=scenario_set_version,
                framework=adapter.framework(),
                python=sys.version.split()[0],
            )
            results = []
            for scenario in scenarios:
                if profile not in scenario.profiles:
                    continue
                result = run_scenario(
                    scenario,
                    profile,
                    target,
                    adapter=adapter.name,
                    clock=clock,
                    expected_failure=expected.reason(scenario.id, profile),
                )
                results.append(result)
                yield result
            yield summarize(adapter.name, profile, results)
    finally:
        if owned:
            target.close()
