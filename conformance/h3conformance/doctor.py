"""`h3conformance doctor`: does the implementation serve the contract routes at all?

A broken adapter (a server that never starts, routes not written yet, routes that crash or
answer something else than CONTRACT.md says) is reported as broken here, before anyone reads a
wall of conformance failures. An adapter whose routes all answer but whose session is not h3's
(a cookie the kit cannot unseal, a count that does not carry over) is non-conformant: the
adapter works and `h3conformance run` says what the implementation gets wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from .adapter import Adapter
from .loader import load_text
from .model import DEFAULT_PASSWORD
from .results import ResultRecord
from .runner import run_scenario
from .transports import TransportError, open_target

__all__ = ["DOCTOR_SCENARIOS", "Diagnosis", "diagnose", "doctor"]

_CONFIG = f'config = {{ password = "{DEFAULT_PASSWORD}" }}'
DOCTOR_SCENARIOS = f"""
theme = "doctor"

[[scenario]]
id = "doctor.counter"
title = "GET / answers the counter text and sets a cookie h3 that the kit can unseal"
source = "CONTRACT.md, GET /"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
name = "first"
send = {{ path = "/" }}
expect = {{ body = "Hello world! You have visited this page 1 times.", cookies.h3.sealed = true }}
[[scenario.step]]
send = {{ path = "/", cookies = {{ h3 = {{ from = "first" }} }} }}
expect = {{ body = "Hello world! You have visited this page 2 times." }}

[[scenario]]
id = "doctor.data"
title = "GET /data answers JSON with id, createdAt and data"
source = "CONTRACT.md, GET /data"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
send = {{ path = "/data" }}
expect.reported = {{ has = ["id", "createdAt", "data"], data = {{}} }}

[[scenario]]
id = "doctor.update"
title = "POST /update merges the JSON body into the data and answers the data"
source = "CONTRACT.md, POST /update"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
send = {{ method = "POST", path = "/update", json = {{ doctor = true }} }}
expect.json = {{ doctor = true }}

[[scenario]]
id = "doctor.clear"
title = "GET /clear answers 'Session cleared'"
source = "CONTRACT.md, GET /clear"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
send = {{ path = "/clear" }}
expect.body = "Session cleared"

[[scenario]]
id = "doctor.multi"
title = "GET /multi answers JSON with the counts of two sessions"
source = "CONTRACT.md, GET /multi"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
send = {{ path = "/multi" }}
expect.json = {{ first = 1, second = 1 }}

[[scenario]]
id = "doctor.fail"
title = "GET /fail answers HTTP 500"
source = "CONTRACT.md, GET /fail"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
send = {{ path = "/fail" }}
expect.status = 500

[[scenario]]
id = "doctor.not-found"
title = "Any other route answers HTTP 404"
source = "CONTRACT.md, anything else"
profiles = ["v1", "v2"]
level = "must"
{_CONFIG}
[[scenario.step]]
send = {{ path = "/h3conformance-no-such-route" }}
expect.status = 404
"""


# What a failed check says, most severe first; the doctor's verdict names every kind it found.
_VERDICTS = {
    "unreachable": "broken: the implementation cannot be started or reached",
    "missing": "broken: routes not implemented",
    "crashes": "broken: routes raise errors",
    "wrong": "broken: routes answer unlike CONTRACT.md",
    "session": "non-conformant: every route answers, but the session does not behave like h3's",
}
_MARKS = {"unreachable": "BROKEN", "missing": "TODO", "crashes": "BROKEN", "wrong": "FAIL", "session": "FAIL"}
_HINTS = {
    "unreachable": "check the adapter's app_factory or command (the message above says what went wrong)",
    "missing": "write these routes (a scaffold marks them TODO; see WRITING_ADAPTERS.md), then run the doctor again",
    "crashes": "the app raised while answering; the error is shown above",
    "wrong": "compare each answer above with conformance/CONTRACT.md",
    "session": "the adapter works: `h3conformance run` shows what the session gets wrong",
}
# Expectations about the route's answer itself; anything else (cookies, tokens) is the session's.
_SHAPE = frozenset({"status", "body", "body_pattern", "json", "reported"})
# Statuses that mean "nothing serves this route" (the scaffold's TODO routes answer 501).
_NOT_SERVED = frozenset({404, 405, 501})


@dataclass
class Diagnosis:
    """The doctor's findings for one adapter: problem kind -> the routes that showed it."""

    adapter: str
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def broken(self) -> bool:
        return any(kind != "session" for kind in self.problems)

    def add(self, kind: str, route: str) -> None:
        routes = self.problems.setdefault(kind, [])
        if route not in routes:
            routes.append(route)

    def verdict_lines(self) -> list[str]:
        if self.healthy:
            return [
                f"{self.adapter}: healthy: every contract route answers as expected; "
                "`h3conformance run` judges conformance"
            ]
        lines = []
        for kind in (k for k in _VERDICTS if k in self.problems):
            where = "" if kind == "unreachable" else f": {', '.join(self.problems[kind])}"
            lines += [f"{self.adapter}: {_VERDICTS[kind]}{where}", f"  {_HINTS[kind]}"]
        return lines


def _route(scenario_id: str, result: ResultRecord) -> str:
    if scenario_id == "doctor.not-found":
        return "any other path (404)"
    request = result.transcript[-1].request if result.transcript else {}
    return f"{request.get('method', 'GET')} {request.get('path', '/')}"


def _classify(scenario_id: str, result: ResultRecord) -> tuple[str, str]:
    """(problem kind, one-line detail) for a check that did not pass."""
    if result.verdict == "error" or not result.transcript or result.transcript[-1].response is None:
        return "unreachable", result.message
    step = result.transcript[-1]
    response = step.response or {}
    status, body = response.get("status"), str(response.get("body", ""))
    path = step.request.get("path", "")
    if status in _NOT_SERVED and scenario_id != "doctor.not-found":
        first_line = body.strip().splitlines()[0][:120] if body.strip() else "(empty body)"
        return "missing", f"answered {status}: {first_line}"
    if status == 500 and path != "/fail":
        return "crashes", f"answered 500: {response.get('app_error') or body.strip()[:120]}"
    shape = any(f.expectation.split(".")[0] in _SHAPE for f in step.failures)
    # A later step failing (the second visit's count) means the session did not carry over.
    return ("wrong" if shape and step.step == 1 else "session"), result.message


def diagnose(adapter: Adapter, profiles: Sequence[str], out: TextIO) -> Diagnosis:
    """Run the doctor's checks, print one line per check and profile, and return the findings."""
    diagnosis = Diagnosis(adapter.name)
    try:
        target = open_target(adapter)
    except (TransportError, OSError, ValueError) as exc:
        out.write(f"BROKEN {adapter.name}: {exc}\n")
        diagnosis.add("unreachable", "")
        return diagnosis
    try:
        for profile in profiles:
            for scenario in load_text(DOCTOR_SCENARIOS):
                result = run_scenario(scenario, profile, target, adapter=adapter.name)
                if result.verdict == "pass":
                    out.write(f"{'ok':6} [{profile}] {scenario.title}\n")
                    continue
                kind, detail = _classify(scenario.id, result)
                diagnosis.add(kind, _route(scenario.id, result))
                detail = detail.strip().replace("\n", "\n       ")
                out.write(f"{_MARKS[kind]:6} [{profile}] {scenario.title}\n       {detail}\n")
                if kind == "unreachable":
                    break  # every other check of this profile would only repeat it
    finally:
        target.close()
    return diagnosis


def doctor(adapter: Adapter, profiles: Sequence[str], out: TextIO) -> bool:
    """Print the checks and the verdict (healthy, broken: why, or non-conformant); True when healthy."""
    diagnosis = diagnose(adapter, profiles, out)
    out.write("\n".join(diagnosis.verdict_lines()) + "\n")
    return diagnosis.healthy
