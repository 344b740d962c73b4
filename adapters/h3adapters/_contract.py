"""The contract routes (conformance/CONTRACT.md) written once over the reference's session API.

Plain WSGI and ASGI adapters route to :func:`respond`; framework adapters use
their framework's routing and call the same small helpers so that every
adapter answers with identical bodies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Callable, Optional

from h3session import SessionConfig, SessionManager

COUNTER_TEXT = "Hello world! You have visited this page {count} times."
CLEARED_TEXT = "Session cleared"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"
#: Paths that open the configured session (``/multi`` opens a second one too).
ROUTES = ("/", "/clear", "/data", "/update", "/fail", "/multi")


class ContractFailure(RuntimeError):
    """Raised by ``GET /fail`` after updating the session: the error-response case."""


_CONFIGS: dict[str, tuple[SessionConfig, SessionConfig]] = {}


def configs(options: Mapping[str, Any]) -> tuple[SessionConfig, SessionConfig]:
    """The configured session and the second one ``/multi`` uses (name + "-alt").

    Built once per distinct options (validation is not free); a refused config
    is not cached, so it keeps failing each request with a 500 as the contract asks.
    """
    key = json.dumps(options, sort_keys=True, default=repr)
    built = _CONFIGS.get(key)
    if built is None:
        first = SessionConfig.from_h3(options)
        built = (first, first.replace(name=f"{first.name}-alt"))
        if len(_CONFIGS) >= 64:  # a test run has a few dozen configs; never grow without bound
            _CONFIGS.clear()
        _CONFIGS[key] = built
    return built


def visit(session: SessionManager) -> str:
    session.update({"count": (session.data.get("count") or 0) + 1})
    return COUNTER_TEXT.format(count=session.data["count"])


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def multi(first: SessionManager, second: SessionManager) -> str:
    for session in (first, second):
        session.update({"count": (session.data.get("count") or 0) + 1})
    return dump({"first": first.data["count"], "second": second.data["count"]})


def parse_body(body: bytes) -> Any:
    return json.loads(body.decode("utf-8")) if body.strip() else {}


Opener = Callable[[SessionConfig], SessionManager]


def respond(
    method: str, path: str, body: bytes, open_session: Opener, options: Mapping[str, Any]
) -> tuple[int, str, str]:
    """(status, content type, body) for one contract request; ``/fail`` raises."""
    first, second = configs(options)
    route = (method.upper(), path)
    if route == ("GET", "/"):
        return 200, TEXT, visit(open_session(first))
    if route == ("GET", "/clear"):
        open_session(first).clear()
        return 200, TEXT, CLEARED_TEXT
    if route == ("GET", "/data"):
        return 200, JSON, dump(open_session(first).to_dict())
    if route == ("POST", "/update"):
        session = open_session(first)
        session.update(parse_body(body))
        return 200, JSON, dump(session.data)
    if route == ("GET", "/fail"):
        open_session(first).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")
    if route == ("GET", "/multi"):
        return 200, JSON, multi(open_session(first), open_session(second))
    return 404, TEXT, "Not Found"


def optional_config(options: Optional[Mapping[str, Any]]) -> Mapping[str, Any]:
    if options is None:
        raise ValueError("the contract app needs a session config (h3 option names, JSON)")
    return options
