"""The benchmark suite's own machinery: goal arithmetic, tables, the fallback load client (no timing asserts)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    monkeypatch.syspath_prepend(str(ROOT))
    import benchmarks._stats as stats
    import benchmarks.load as load

    return {"stats": stats, "load": load}


def test_goal_ratios_point_the_right_way(bench: dict[str, Any]) -> None:
    stats = bench["stats"]
    results = stats.Results()
    results.add(stats.Figure("s", "fast", "fast", "us", [10.0, 12.0, 11.0]))
    results.add(stats.Figure("s", "slow", "slow", "ms", [2.0, 2.2, 1.8]))
    results.add(stats.Figure("s", "wall", "wall", "s", [30.0]))
    faster = stats.Goal("slow is 100x fast", "slow", "fast", 100)
    assert results.ratio(faster) == pytest.approx(2000 / 11)  # ms and us compared like with like
    cap = stats.Goal("fast within 1.15x of slow", "fast", "slow", 1.15, at_least=False)
    absolute = stats.Goal("wall under 60 s", "wall", "", 60, at_least=False)
    missing = stats.Goal("nothing", "absent", "fast", 1)
    table = results.goals_table([faster, cap, absolute, missing])
    assert "| yes " in table.splitlines()[2]
    assert "30.00 s" in table
    assert "not measured" in table.splitlines()[-1]
    assert results.table().count("\n") == 4


def test_per_call_gives_one_value_per_repetition(bench: dict[str, Any]) -> None:
    assert len(bench["stats"].per_call(lambda: None, calls=10, repeats=4)) == 4


def test_the_suite_has_a_help_text() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout


def test_the_fallback_client_loads_a_real_server(bench: dict[str, Any]) -> None:
    load = bench["load"]
    command = [sys.executable, "-m", "benchmarks.serve", "--server", "uvicorn", "--app", "starlette-hello"]
    with load.server(command, {}) as port:
        status, _, body = load.get(port)
        assert (status, body) == (200, "Hello world!")
        result = asyncio.run(load._python_throughput(port, None, connections=4, requests=40))
        assert result.errors == 0
        assert result.requests_per_s > 0
        latencies = load.latencies(port, ["a=1"] * 20, rate=500, connections=4)
        assert len(latencies) == 20
        assert all(0 < ms < float("inf") for ms in latencies)


@pytest.mark.node
def test_the_batch_fixture_times_an_operation() -> None:
    from h3adapters import node

    node.ensure_node_modules()
    target = {"op": "seal", "lib": "iron-webcrypto", "object": {"a": 1}, "password": "p" * 32}
    (answer,) = node.run_batch([{"op": "time", "target": target, "repeat": 3, "rounds": 2}])
    assert answer["ok"], answer
    assert len(answer["value"]) == 2
    assert all(ms > 0 for ms in answer["value"])
