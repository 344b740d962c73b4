"""Session cookies cross between real h3 servers (v1 and v2, over HTTP) and ``h3session.iron``.

A cookie minted by h3 must open in Python with the matching profile preset, and a session
sealed in Python must be accepted by h3 as its own: the visit counter continues.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

import httpx
import pytest

from h3adapters import node
from h3session import iron

pytestmark = pytest.mark.node

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"


@dataclass(frozen=True)
class Server:
    version: str
    client: httpx.Client

    def get(self, path: str, cookie: Optional[str] = None, **headers: str) -> httpx.Response:
        # Explicit Cookie headers only: the client's jar must never add or keep anything.
        self.client.cookies.clear()
        if cookie is not None:
            headers["cookie"] = cookie
        return self.client.get(path, headers=headers)


@pytest.fixture(scope="session", params=["v1", "v2"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    node.ensure_node_modules()
    version = request.param
    config = {"password": PASSWORD, "profile": version}
    with node.h3_server(version, config) as url, httpx.Client(base_url=url, timeout=10.0) as client:
        yield Server(version, client)


def cookie_value(response: httpx.Response, name: str = "h3") -> str:
    values = [
        line.split(";", 1)[0][len(name) + 1 :]
        for line in response.headers.get_list("set-cookie")
        if line.startswith(f"{name}=")
    ]
    assert len(values) == 1, response.headers.get_list("set-cookie")
    return values[0]


def python_session(count: int, **extra: Any) -> dict[str, Any]:
    data = {"count": count, **extra}
    return {"id": f"py-{uuid.uuid4()}", "createdAt": iron.now_ms(), "data": data}


def test_h3_cookie_opens_in_python(server: Server) -> None:
    response = server.get("/")
    session = iron.unseal(cookie_value(response), PASSWORD, iron.preset(server.version))
    assert list(session) == ["id", "createdAt", "data"]  # h3-behavior section 3
    assert session["data"] == {"count": 1}
    uuid.UUID(session["id"])
    # h3's own view of the same cookie agrees with what Python decoded.
    data = server.get("/data", cookie=f"h3={cookie_value(response)}").json()
    assert data == session


def test_python_session_is_accepted_by_h3(server: Server) -> None:
    session = python_session(41, name="Zoë 🍪")
    token = iron.seal(session, PASSWORD, iron.preset(server.version))
    response = server.get("/", cookie=f"h3={token}")
    assert response.text == "Hello world! You have visited this page 42 times."
    resealed = iron.unseal(cookie_value(response), PASSWORD, iron.preset(server.version))
    assert resealed == {**session, "data": {"count": 42, "name": "Zoë 🍪"}}


def test_python_session_in_the_header_is_accepted(server: Server) -> None:
    token = iron.seal(python_session(6), PASSWORD, iron.preset(server.version))
    response = server.get("/", **{"x-h3-session": token})
    assert response.text == "Hello world! You have visited this page 7 times."


def test_other_profile_tokens(server: Server) -> None:
    # v2 falls back to 1 iteration and re-seals at 8192 even on a read-only request; v1 never
    # reads an 8192-iteration token (h3-behavior e3, i1, i2).
    other = "v2" if server.version == "v1" else "v1"
    session = python_session(9)
    response = server.get("/data", cookie=f"h3={iron.seal(session, PASSWORD, iron.preset(other))}")
    if server.version == "v2":
        assert response.json() == session
        assert iron.unseal(cookie_value(response), PASSWORD, iron.preset("v2")) == session
    else:
        assert response.json()["id"] != session["id"]
        assert response.json()["data"] == {}


def test_both_sessions_of_multi_open_in_python(server: Server) -> None:
    first = iron.seal(python_session(1), PASSWORD, iron.preset(server.version))
    response = server.get("/multi", cookie=f"h3={first}")
    assert response.json() == {"first": 2, "second": 1}
    for name, count in (("h3", 2), ("h3-alt", 1)):
        session = iron.unseal(cookie_value(response, name), PASSWORD, iron.preset(server.version))
        assert session["data"] == {"count": count}


def test_failed_request_still_sends_the_updated_cookie(server: Server) -> None:
    # Observed in BOTH versions: v2 stages it on the error response (h3-behavior 4.20); v1's
    # setCookie writes straight to the Node response, whose headers its error handler keeps.
    response = server.get("/fail", cookie=f"h3={iron.seal(python_session(3), PASSWORD, iron.preset(server.version))}")
    assert response.status_code == 500
    session = iron.unseal(cookie_value(response), PASSWORD, iron.preset(server.version))
    assert session["data"] == {"count": 3, "failed": True}
