"""Section 5: whole servers on 127.0.0.1 under bounded load, and the ASGI p99 test."""

from __future__ import annotations

import contextlib
import json
import random
import statistics
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from h3adapters import node
from h3session import iron

from . import load
from ._stats import Figure, Results
from .micro import PASSWORD


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    command: list[str]
    config: Optional[dict[str, Any]] = None  # H3_SESSION_CONFIG; None for apps without h3 sessions
    counter: bool = True  # the visit counter (checked before load) rather than a hello world


def _python(server: str, app: str, pbkdf2: str = "cryptography") -> list[str]:
    return [sys.executable, "-m", "benchmarks.serve", "--server", server, "--app", app, "--pbkdf2", pbkdf2]


def _config(profile: str) -> dict[str, Any]:
    return {"password": PASSWORD, "profile": profile}


def targets() -> list[Target]:
    hello = [str(node.NODE_DIR / "bench-hello.mjs")]
    node_bin = node.server_command("v1")[0]
    return [
        Target(
            "srv-uvicorn-h3s-v1",
            "uvicorn, Starlette adapter, profile v1",
            _python("uvicorn", "starlette"),
            _config("v1"),
        ),
        Target(
            "srv-uvicorn-h3s-v2",
            "uvicorn, Starlette adapter, profile v2",
            _python("uvicorn", "starlette"),
            _config("v2"),
        ),
        Target(
            "srv-uvicorn-app-v2",
            "uvicorn, h3session on Starlette (config built once), v2",
            _python("uvicorn", "starlette-h3session"),
            _config("v2"),
        ),
        Target("srv-uvicorn-own", "uvicorn, Starlette SessionMiddleware", _python("uvicorn", "starlette-own")),
        Target(
            "srv-uvicorn-hello",
            "uvicorn, Starlette hello world (ceiling)",
            _python("uvicorn", "starlette-hello"),
            counter=False,
        ),
        Target(
            "srv-gunicorn-h3s-v1", "gunicorn, Flask adapter, profile v1", _python("gunicorn", "flask"), _config("v1")
        ),
        Target(
            "srv-gunicorn-h3s-v2", "gunicorn, Flask adapter, profile v2", _python("gunicorn", "flask"), _config("v2")
        ),
        Target(
            "srv-gunicorn-app-v2",
            "gunicorn, h3session on Flask (config built once), v2",
            _python("gunicorn", "flask-h3session"),
            _config("v2"),
        ),
        Target("srv-gunicorn-own", "gunicorn, Flask's own session", _python("gunicorn", "flask-own")),
        Target(
            "srv-gunicorn-hello",
            "gunicorn, Flask hello world (ceiling)",
            _python("gunicorn", "flask-hello"),
            counter=False,
        ),
        Target("srv-node-h3v1", "Node, h3 v1", node.server_command("v1"), _config("v1")),
        Target("srv-node-h3v2", "Node, h3 v2", node.server_command("v2"), _config("v2")),
        Target("srv-node-hello-v1", "Node, h3 v1 hello world (ceiling)", [node_bin, *hello, "v1"], counter=False),
        Target("srv-node-hello-v2", "Node, h3 v2 hello world (ceiling)", [node_bin, *hello, "v2"], counter=False),
    ]


def _env(config: Optional[dict[str, Any]]) -> dict[str, str]:
    return {"H3_SESSION_CONFIG": json.dumps(config)} if config else {}


def _warm_cookie(port: int, counter: bool) -> Optional[str]:
    """The session cookie after one visit, checked to be read back on the second (so later ones are warm)."""
    status, pairs, body = load.get(port)
    if status != 200:
        raise RuntimeError(f"GET / answered {status}: {body[:200]}")
    if not counter:
        return None
    cookie = "; ".join(pairs)
    status, _, body = load.get(port, cookie=cookie)
    if status != 200 or "visited this page 2 times" not in body:
        raise RuntimeError(f"the visit counter did not read its own cookie back: {status} {body[:200]}")
    return cookie


def throughput_figures(results: Results, repeats: int, seconds: float, connections: int, requests: int) -> None:
    """Every server runs at once (idle but one); repetitions go round-robin so drift hits all alike."""
    section = "5 servers (req/s)"
    how = f"wrk -t1 -c{connections} -d{seconds:g}s" if load.wrk_path() else f"asyncio client, {requests} requests"
    figures = {t.key: Figure(section, t.key, t.label, "req/s") for t in targets()}
    errors = dict.fromkeys(figures, 0)
    with contextlib.ExitStack() as stack:
        ready: list[tuple[Target, int, Optional[str]]] = []
        for target in targets():
            try:
                port = stack.enter_context(load.server(target.command, _env(target.config)))
                cookie = _warm_cookie(port, target.counter)
                load.throughput(port, cookie, 1, connections, max(50, requests // 10))  # warm-up, not counted
                ready.append((target, port, cookie))
            except (RuntimeError, OSError, node.NodeError) as error:
                figures[target.key].note = f"failed: {error}"[:300]
        for _ in range(repeats):
            for target, port, cookie in ready:
                result = load.throughput(port, cookie, seconds, connections, requests)
                figures[target.key].values.append(result.requests_per_s)
                errors[target.key] += result.errors
    for key, figure in figures.items():
        if figure.values:
            figure.note = how + (f"; {errors[key]} error responses" if errors[key] else "")
        results.add(figure)


def _never_seen(count: int) -> list[str]:
    """Valid v2 cookies sealed with salts of their own: the server has never derived their keys."""
    cold = iron.KeyCache(0)
    return [
        "h3="
        + iron.seal(
            {"id": str(uuid.uuid4()), "createdAt": iron.now_ms(), "data": {"count": 1}},
            PASSWORD,
            iron.PRESET_V2,
            cache=cold,
        )
        for _ in range(count)
    ]


def _p(values: Sequence[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def p99_figures(results: Results, repeats: int, rate: float, count: int, cold_share: float = 0.05) -> None:
    """Warm-request p99 under uvicorn (Starlette adapter, v2), all warm vs ``cold_share`` never-seen tokens.

    Two servers run side by side, PBKDF2 from cryptography (the default; holds the GIL) and from
    hashlib (slower, releases the GIL), and the runs alternate so that noise hits both alike.
    """
    section = f"5 ASGI p99 ({rate:g} req/s open loop)"
    rng = random.Random(5)
    backends = ("cryptography", "hashlib")
    figures: dict[str, tuple[Figure, Figure, Figure]] = {}
    for backend in backends:
        suffix = "" if backend == "cryptography" else f"-{backend}"
        label = "" if backend == "cryptography" else f", PBKDF2 from {backend}"
        figures[backend] = (
            Figure(section, f"p99-warm{suffix}", f"warm p99, all warm{label}", "ms"),
            Figure(section, f"p99-mixed{suffix}", f"warm p99, {cold_share:.0%} never-seen{label}", "ms"),
            Figure(section, f"p50-cold{suffix}", f"never-seen p50 (two derivations off the loop){label}", "ms"),
        )
    with contextlib.ExitStack() as stack:
        ports: dict[str, tuple[int, list[str]]] = {}
        for backend in backends:
            try:
                port = stack.enter_context(load.server(_python("uvicorn", "starlette", backend), _env(_config("v2"))))
            except (RuntimeError, OSError) as error:
                figures[backend][0].note = f"failed: {error}"[:300]
                continue
            warm = ["; ".join(load.get(port)[1]) for _ in range(16)]
            load.latencies(port, [warm[i % 16] for i in range(200)], rate)  # warm-up
            ports[backend] = (port, warm)
        for _ in range(repeats):
            for backend, (port, warm) in ports.items():
                all_warm, mixed, cold = figures[backend]
                lat = load.latencies(port, [warm[i % 16] for i in range(count)], rate)
                all_warm.values.append(_p(lat, 99))
                cold_at = set(rng.sample(range(count), int(count * cold_share)))
                fresh = iter(_never_seen(len(cold_at)))
                cookies = [next(fresh) if i in cold_at else warm[i % 16] for i in range(count)]
                lat = load.latencies(port, cookies, rate)
                mixed.values.append(_p([x for i, x in enumerate(lat) if i not in cold_at], 99))
                cold.values.append(_p([lat[i] for i in cold_at], 50))
    for trio in figures.values():
        for figure in trio:
            results.add(figure)
