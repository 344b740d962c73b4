"""Hostile requests over real servers: the reference under uvicorn and gunicorn on 127.0.0.1.

The corpus (``_reliability.hostile_corpus``) is sent byte for byte on raw
sockets: tampered, truncated, swapped and huge tokens, non-UTF-8 bytes, many
cookies, duplicate names, quotes, ``%``-escapes, CR/LF attempts, broken chunk
sets, in the cookie and in the ``x-h3-session`` header.  Every answer must be
200 with a fresh session (or the valid one, where the input legitimately
carried it) and a safe Set-Cookie line, never a 5xx and never a traceback.

Requests a server refuses before the app sees them (a bare CR, NUL, obs-fold,
a header line over gunicorn's 8190-byte limit) are counted apart: the 4xx is
the server's own documented answer.  The figures are printed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

import pytest

from _reliability import (
    PASSWORD,
    Hostile,
    RawResponse,
    check_set_cookie,
    hostile_corpus,
    malformed_requests,
    raw_request,
    read_log,
    real_server,
    report,
    session_token,
)

pytestmark = pytest.mark.slow

SERVERS = ("uvicorn", "gunicorn")
PROFILES = ("v1", "v2")
KNOWN_COUNT = 41
COUNTER = re.compile(r"Hello world! You have visited this page ([0-9]+) times\.")
#: Header lines longer than this may be refused by the server itself (gunicorn: 8190 bytes).
SERVER_LINE_LIMIT = 8000
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_tally(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    figures = ", ".join(f"{key}={TALLY[key]}" for key in sorted(TALLY))
    report(request.config, f"\nhostile HTTP: {TALLY['sent']} requests ({figures})")


@pytest.fixture(scope="module", params=[(s, p) for s in SERVERS for p in PROFILES], ids=lambda sp: "-".join(sp))
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, str, IO[bytes]]]:
    name, profile = request.param
    options = {"password": PASSWORD, "profile": profile}
    with real_server(name, options) as (url, log):
        yield name, profile, url, log


def session_state(item: Hostile, response: RawResponse) -> str:
    """ "fresh", "kept" (the offered session, count 41) or a description of anything else."""
    text = response.body.decode("utf-8", "replace")
    if item.path == b"/":
        match = COUNTER.fullmatch(text)
        if not match:
            return f"unexpected body {text[:200]!r}"
        count = int(match.group(1))
        return "fresh" if count == 1 else "kept" if count == KNOWN_COUNT + 1 else f"count {count}"
    payload: Any = json.loads(text)
    data = payload["data"] if item.path == b"/data" else payload
    return "kept" if data.get("count") == KNOWN_COUNT else "fresh" if "count" not in data else f"data {data!r}"


def check_answer(item: Hostile, response: RawResponse, profile: str) -> None:
    where = f"{item.label!r} ({profile})"
    assert b"Traceback" not in response.body, f"traceback in body: {where}"
    assert b'File "' not in response.body, f"traceback in body: {where}"
    assert response.status < 500, f"{response.status} for {where}: {response.body[:300]!r}"
    assert response.status == 200, f"{response.status} for {where}: {response.body[:300]!r}"
    state = session_state(item, response)
    assert state == item.expect, f"{where}: session {state}, expected {item.expect}"
    cookies = response.header_values("set-cookie")
    assert cookies or item.expect == "kept", f"{where}: a fresh session without a Set-Cookie"
    for line in cookies:
        check_set_cookie(line, "h3")


def may_be_refused_by_server(item: Hostile, malformed: list[Hostile]) -> bool:
    return item in malformed or any(len(line) > SERVER_LINE_LIMIT for line in item.headers)


def test_hostile_requests_get_a_fresh_session_and_never_a_5xx(server: tuple[str, str, str, IO[bytes]]) -> None:
    name, profile, url, log = server
    _, token = session_token({"password": PASSWORD, "profile": profile}, {"count": KNOWN_COUNT})
    malformed = malformed_requests(token)
    corpus = hostile_corpus(token, profile=profile)
    statuses: Counter[int] = Counter()
    for item in corpus + malformed:
        response = raw_request(url, item)
        statuses[response.status] += 1
        TALLY["sent"] += 1
        TALLY[f"{name}-{profile}-sent"] += 1
        if response.status >= 500:
            TALLY["5xx"] += 1
        if response.status != 200 and may_be_refused_by_server(item, malformed) and 400 <= response.status < 500:
            TALLY["refused-by-server"] += 1
            assert b"Traceback" not in response.body
            continue
        if response.status == 0 and item in malformed:
            TALLY["connection-closed-by-server"] += 1
            continue
        check_answer(item, response, profile)
        TALLY["200-" + item.expect] += 1
    assert statuses[500] == 0
    assert "Traceback" not in read_log(log), f"{name} logged a traceback:\n{read_log(log)[-3000:]}"


def test_a_handler_error_after_update_still_sends_the_cookie(server: tuple[str, str, str, IO[bytes]]) -> None:
    """``GET /fail`` updates the session and raises: a 500 that still carries the updated cookie (item 20)."""
    _, profile, url, _ = server
    response = raw_request(url, Hostile("fail", (), path=b"/fail"))
    assert response.status == 500
    assert b"Traceback" not in response.body
    (line,) = response.header_values("set-cookie")
    check_set_cookie(line, "h3")
    from h3session import SessionConfig, SessionContext, unseal_session

    config = SessionConfig(password=PASSWORD, profile=profile)  # type: ignore[arg-type]
    token = line.split(";")[0].split("=", 1)[1]
    assert unseal_session(SessionContext.from_headers({}), config, token)["data"] == {"failed": True}
