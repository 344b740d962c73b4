"""`h3conformance doctor`: does the implementation serve the contract routes at all?

A broken adapter (wrong routes, crashes, a server that never starts) is reported as broken
here, before anyone reads a wall of conformance failures. The checks are shapes only.
"""

from __future__ import annotations

from typing import TextIO

from .adapter import Adapter
from .loader import load_text
from .model import DEFAULT_PASSWORD
from .runner import run_scenario
from .transports import TransportError, open_target

__all__ = ["DOCTOR_SCENARIOS", "doctor"]

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


def doctor(adapter: Adapter, profiles: list[str], out: TextIO) -> bool:
    """Print one line per check and profile; True when every route answered as the contract says."""
    scenarios = load_text(DOCTOR_SCENARIOS)
    healthy = True
    try:
        target = open_target(adapter)
    except (TransportError, OSError, ValueError) as exc:
        out.write(f"BROKEN {adapter.name}: {exc}\n")
        return False
    try:
        for profile in profiles:
            for scenario in scenarios:
                result = run_scenario(scenario, profile, target, adapter=adapter.name)
                ok = result.verdict == "pass"
                healthy = healthy and ok
                mark = "ok  " if ok else ("BROKEN" if result.verdict == "error" else "FAIL")
                out.write(f"{mark:6} [{profile}] {scenario.title}\n")
                if not ok:
                    out.write(f"       {result.message}\n")
    finally:
        target.close()
    return healthy
