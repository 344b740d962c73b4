"""The Node fixtures themselves work: the batch runner talks to every iron, and both real h3
contract servers start, count visits and stop. Every interop test stands on these."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from h3adapters import node

pytestmark = pytest.mark.node

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"  # the h3 docs password (h3-behavior.md §0)


@pytest.fixture(scope="module", autouse=True)
def _node_modules() -> None:
    # Never skip: a CI without Node must fail loudly, not pass by testing nothing.
    node.ensure_node_modules()


def _values(results: list[dict[str, Any]]) -> list[Any]:
    failed = [r for r in results if not r["ok"]]
    assert not failed, failed
    return [r["value"] for r in results]


def test_node_dir_holds_the_fixtures() -> None:
    for name in ("package.json", "package-lock.json", "iron-batch.mjs", "h3-server.mjs"):
        assert (node.NODE_DIR / name).is_file(), name
    assert node.node_available()


def test_iron_webcrypto_and_hapi_read_each_others_tokens() -> None:
    obj = {"a": 1, "nested": {"list": [1, "two", None, True]}, "emoji": "🍪"}
    tokens = _values(
        node.run_batch(
            [
                {"op": "seal", "lib": "iron-webcrypto", "object": obj, "password": PASSWORD},
                {"op": "seal", "lib": "hapi", "object": obj, "password": PASSWORD},
            ]
        )
    )
    unsealed = _values(
        node.run_batch(
            [
                {"op": "unseal", "lib": "hapi", "token": tokens[0], "password": PASSWORD},
                {"op": "unseal", "lib": "iron-webcrypto", "token": tokens[1], "password": PASSWORD},
            ]
        )
    )
    assert unsealed == [obj, obj]


def test_batch_reports_errors_per_operation() -> None:
    ok, bad = node.run_batch(
        [
            {"op": "seal", "lib": "iron-webcrypto2", "object": {}, "password": PASSWORD},
            {"op": "unseal", "lib": "hapi", "token": "Fe26.2*x", "password": PASSWORD},
        ]
    )
    assert ok["ok"]
    assert ok["value"].startswith("Fe26.2**")
    assert bad == {"ok": False, "error": "Incorrect number of sealed components"}


def test_fixed_salts_and_iv_give_identical_tokens_in_every_library() -> None:
    # The seam byte-exact vectors rely on: same parts in, same token out, whatever the library.
    options = {
        "encryption": {"salt": "a" * 64, "iv": "AAECAwQFBgcICQoLDA0ODw", "iterations": 1},
        "integrity": {"salt": "b" * 64, "iterations": 1},
    }
    libs = ["iron-webcrypto", "iron-webcrypto2", "hapi", "h3v1", "h3v2"]
    ops = [{"op": "seal", "lib": lib, "object": {"x": 1}, "password": PASSWORD, "options": options} for lib in libs]
    tokens = _values(node.run_batch(ops))
    assert len(set(tokens)) == 1
    assert tokens[0].startswith(f"Fe26.2**{'a' * 64}*AAECAwQFBgcICQoLDA0ODw*")


def test_now_stub_sets_the_iron_expiration() -> None:
    op = {"op": "seal", "lib": "iron-webcrypto", "object": 1, "password": PASSWORD}
    (token,) = _values(node.run_batch([{**op, "now": 1_000_000, "options": {"ttl": 5000}}]))
    assert token.split("*")[5] == "1005000"
    unseal = {"op": "unseal", "lib": "iron-webcrypto", "token": token, "password": PASSWORD}
    fresh, expired = node.run_batch([{**unseal, "now": 1_005_000 + 59_999}, {**unseal, "now": 1_005_000 + 60_000}])
    assert fresh == {"ok": True, "value": 1}
    assert expired == {"ok": False, "error": "Expired seal"}


@pytest.fixture(params=["v1", "v2"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    version = request.param
    with node.h3_server(version, {"password": PASSWORD, "profile": version}) as url:
        yield version, url


def test_real_h3_server_counts_visits(server: tuple[str, str]) -> None:
    version, url = server
    assert url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=url, timeout=10) as client:
        first = client.get("/")
        assert first.status_code == 200
        assert first.text == "Hello world! You have visited this page 1 times."
        (set_cookie,) = first.headers.get_list("set-cookie")
        token = set_cookie.split(";", 1)[0].removeprefix("h3=")
        attributes = set_cookie.split("; ")[1:]
        expected = ["Path=/", "HttpOnly", "Secure"]  # h3-behavior.md a1
        assert attributes == ([*expected, "SameSite=Lax"] if version == "v2" else expected)

        second = client.get("/", headers={"cookie": f"h3={token}"})
        assert second.text == "Hello world! You have visited this page 2 times."
        assert client.get("/nope").status_code == 404


def test_server_stops_with_its_process_group() -> None:
    with node.h3_server("v1", {"password": PASSWORD}) as url:
        assert httpx.get(url + "/data", timeout=10).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/data", timeout=2)


def test_server_command_names_the_script() -> None:
    command = node.server_command("v2")
    assert command[1:] == [str(node.NODE_DIR / "h3-server.mjs"), "v2"]
    with pytest.raises(ValueError, match="v1"):
        node.server_command("v3")  # type: ignore[arg-type]
