"""Tokens sealed with reused keys are plain Fe26.2: real h3 (v1, v2) and iron-webcrypto read them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from h3adapters import node
from h3session import iron

pytestmark = pytest.mark.node

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"


@pytest.fixture(scope="module", autouse=True)
def _node_modules() -> None:
    node.ensure_node_modules()  # never skip: CI without Node must fail loudly


def reused_tokens(version: str, count: int) -> list[tuple[dict[str, Any], str]]:
    pool = iron.ReusePool(iron.KeyReuse(max_age_s=3600, max_uses=1000))
    sessions = [{"id": f"reuse-{n}", "createdAt": iron.now_ms(), "data": {"count": n}} for n in range(count)]
    tokens = [(s, iron.seal(s, PASSWORD, iron.preset(version), reuse=pool)) for s in sessions]
    assert len({token.split("*")[2] for _, token in tokens}) == 1  # really one pair of salts
    return tokens


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_h3_and_iron_webcrypto_unseal_reused_tokens(version: str) -> None:
    tokens = reused_tokens(version, 4)
    ops: list[dict[str, Any]] = []
    for _, token in tokens:
        ops.append({"op": "h3-unseal-session", "lib": f"h3{version}", "token": token, "password": PASSWORD})
        ops.append(
            {
                "op": "unseal",
                "lib": "iron-webcrypto",
                "token": token,
                "password": PASSWORD,
                "options": iron.preset(version).to_iron(),
            }
        )
    results = node.run_batch(ops)
    assert all(r["ok"] for r in results), results
    expected = [session for session, _ in tokens for _ in range(2)]
    assert [r["value"] for r in results] == expected


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_h3_server_continues_a_session_sealed_with_reused_keys(version: node.ServerVersion) -> None:
    (session, token), (later, later_token) = reused_tokens(version, 2)
    with node.h3_server(version, {"password": PASSWORD}) as url, httpx.Client(base_url=url, timeout=30) as client:
        for sealed, cookie in ((session, token), (later, later_token)):
            response = client.get("/", headers={"cookie": f"h3={cookie}"})
            count = sealed["data"]["count"] + 1
            assert response.text == f"Hello world! You have visited this page {count} times."
