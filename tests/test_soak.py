"""Concurrency soak over real servers: many clients, each its own session, interleaved.

uvicorn with two worker processes and gunicorn with two workers of eight
threads each serve the contract app; simulated clients (one connection pool
and one cookie each, never a shared jar) send sequential ``GET /`` requests,
interleaved with every other client under bounded concurrency.  Every client
must end with exactly its own count and its own session id: no lost increment
within a client, no cross-talk between clients, no 5xx.  A client's requests
land on either worker, so each worker reads tokens the other sealed.

Parallel requests *of one client* do lose updates (row j7): that is inherent to
cookie sessions, h3 does the same, and SECURITY.md says so.

The normal run is small (20 clients x 10 requests); ``nox -s soak`` sets
``H3_SOAK_CLIENTS=200`` and ``H3_SOAK_REQUESTS=50`` and prints the figures.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from _reliability import PASSWORD, check_set_cookie, read_log, real_server, report

pytestmark = pytest.mark.slow

CLIENTS = int(os.environ.get("H3_SOAK_CLIENTS") or 20)
REQUESTS = int(os.environ.get("H3_SOAK_REQUESTS") or 10)
CONCURRENCY = int(os.environ.get("H3_SOAK_CONCURRENCY") or 32)
TIME_LIMIT_S = float(os.environ.get("H3_SOAK_SECONDS") or 600)
SERVERS = {
    "uvicorn-2-workers": ("uvicorn", {"workers": 2}),
    "gunicorn-2-workers-8-threads": ("gunicorn", {"workers": 2, "threads": 8}),
}
COUNTER = re.compile(r"Hello world! You have visited this page ([0-9]+) times\.")
FIGURES: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _report_figures(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for n, line in enumerate(FIGURES):
        report(request.config, ("\n" if n == 0 else "") + line)


@dataclass
class Tally:
    requests: int = 0
    server_errors: int = 0
    wrong_counts: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


def cookie_from(response: httpx.Response) -> str:
    lines = response.headers.get_list("set-cookie")
    assert lines, f"no Set-Cookie on {response.request.url}"
    return check_set_cookie(lines[-1], "h3")


async def one_client(index: int, base_url: str, gate: asyncio.Semaphore, tally: Tally) -> tuple[str, int]:
    """``REQUESTS`` sequential visits with this client's own cookie; returns (session id, final count)."""
    token = ""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for visit in range(1, REQUESTS + 1):
            headers = {"cookie": f"h3={token}"} if token else {}
            async with gate:
                started = time.perf_counter()
                response = await http.get("/", headers=headers)
                tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            http.cookies.clear()  # the explicit header is this client's only state
            tally.requests += 1
            if response.status_code >= 500:
                tally.server_errors += 1
                continue
            match = COUNTER.fullmatch(response.text)
            count = int(match.group(1)) if match else -1
            if count != visit:
                tally.wrong_counts.append(f"client {index} visit {visit}: count {count}")
            token = cookie_from(response)
        async with gate:
            final: Any = (await http.get("/data", headers={"cookie": f"h3={token}"})).json()
        tally.requests += 1
    return str(final["id"]), int(final["data"].get("count", 0))


async def soak(base_url: str) -> tuple[Tally, list[tuple[str, int]], float]:
    gate = asyncio.Semaphore(CONCURRENCY)
    tally = Tally()
    started = time.perf_counter()
    clients = [one_client(i, base_url, gate, tally) for i in range(CLIENTS)]
    results = await asyncio.wait_for(asyncio.gather(*clients), TIME_LIMIT_S)
    return tally, results, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


@pytest.mark.parametrize("profile", ["v1", "v2"])
@pytest.mark.parametrize("label", SERVERS)
def test_every_client_ends_with_exactly_its_own_count(label: str, profile: str) -> None:
    server, shape = SERVERS[label]
    with real_server(server, {"password": PASSWORD, "profile": profile}, **shape) as (url, log):
        tally, results, elapsed = asyncio.run(soak(url))
        log_text = read_log(log)
    ids = [session_id for session_id, _ in results]
    counts = [count for _, count in results]
    FIGURES.append(
        f"soak {label} ({profile}): {CLIENTS} clients x {REQUESTS} requests = {tally.requests} requests "
        f"in {elapsed:.1f} s ({tally.requests / elapsed:.0f} req/s, concurrency {CONCURRENCY}); "
        f"5xx={tally.server_errors} wrong-counts={len(tally.wrong_counts)} "
        f"distinct-sessions={len(set(ids))}/{CLIENTS} final-counts-ok={counts.count(REQUESTS)}/{CLIENTS} "
        f"p50={statistics.median(tally.latencies_ms):.1f} ms p99={percentile(tally.latencies_ms, 0.99):.1f} ms"
    )
    assert tally.server_errors == 0
    assert not tally.wrong_counts, tally.wrong_counts[:10]
    assert len(set(ids)) == CLIENTS, "two clients ended in the same session (cross-talk)"
    assert counts == [REQUESTS] * CLIENTS
    assert "Traceback" not in log_text, log_text[-3000:]
