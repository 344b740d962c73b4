"""``python -m benchmarks [--quick] [--only SECTION ...] [--markdown FILE]``: run and print the suite."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Callable, Optional

from . import conformance_run, load, micro, node_iron, servers
from ._stats import Goal, Results

GOALS = [
    Goal("cold seal <= 1.15x floor, 1 it", "h3s-seal-1", "floor-seal-1", 1.15, at_least=False),
    Goal("cold seal <= 1.15x floor, 8192 it", "h3s-seal-8192", "floor-seal-8192", 1.15, at_least=False),
    Goal("cold unseal <= 1.15x floor, 1 it", "h3s-unseal-cold-1", "floor-unseal-1", 1.15, at_least=False),
    Goal("cold unseal <= 1.15x floor, 8192 it", "h3s-unseal-cold-8192", "floor-unseal-8192", 1.15, at_least=False),
    Goal("warm unseal >= 100x faster than cold, 8192 it", "h3s-unseal-cold-8192", "h3s-unseal-warm-8192", 100),
    Goal("warm unseal >= 300x faster than h3 v2 unseal (Node)", "node-h3v2-unseal", "h3s-unseal-warm-8192", 300),
    Goal("uvicorn v2 warm >= 0.8x Starlette SessionMiddleware", "srv-uvicorn-h3s-v2", "srv-uvicorn-own", 0.8),
    Goal("same, h3session on Starlette with its config built once", "srv-uvicorn-app-v2", "srv-uvicorn-own", 0.8),
    Goal("uvicorn v2 warm >= 50x h3 v2 (Node)", "srv-uvicorn-h3s-v2", "srv-node-h3v2", 50),
    Goal("uvicorn v1 >= 3x h3 v1 (Node)", "srv-uvicorn-h3s-v1", "srv-node-h3v1", 3),
    Goal("gunicorn Flask adapter v2 >= 1.0x Flask's own session", "srv-gunicorn-h3s-v2", "srv-gunicorn-own", 1.0),
    Goal("same, h3session on Flask with its config built once, v2", "srv-gunicorn-app-v2", "srv-gunicorn-own", 1.0),
    Goal("gunicorn Flask adapter v1 >= 1.0x Flask's own session", "srv-gunicorn-h3s-v1", "srv-gunicorn-own", 1.0),
    Goal("in-process conformance run < 60 s (wsgi + asgi)", "conf-plain", "", 60, at_least=False),
    Goal("in-process conformance run < 60 s (every in-process adapter)", "conf-all", "", 60, at_least=False),
    Goal("warm p99 with 5% never-seen <= 2x all-warm p99", "p99-mixed", "p99-warm", 2, at_least=False),
]


def machine_note() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            platform.processor() or "unknown",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    try:
        node_version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        node_version = "absent"
    wrk = load.wrk_path()
    return (
        f"nproc {os.cpu_count()}; CPU {cpu}; Python {platform.python_version()}; Node {node_version or 'absent'}; "
        f"load generator {'wrk (' + wrk + ')' if wrk else 'asyncio client'}"
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and shorter loads (a smoke run)")
    parser.add_argument("--only", action="append", choices=["micro", "node", "servers", "p99", "conformance"])
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument(
        "--nice", type=int, default=0, help="change this run's priority (e.g. -10 as root on a shared machine)"
    )
    args = parser.parse_args(argv)
    if args.nice:
        os.nice(args.nice)  # inherited by every server and client this run starts
    load_before = os.getloadavg()
    quick = args.quick
    repeats = 3 if quick else 7
    server_repeats = 1 if quick else 5
    sections: dict[str, Callable[[Results], None]] = {
        "micro": lambda r: micro.all_figures(r, repeats),
        "node": lambda r: node_iron.node_figures(r, repeats),
        "servers": lambda r: servers.throughput_figures(
            r, server_repeats, seconds=1 if quick else 3, connections=16, requests=500 if quick else 3000
        ),
        "p99": lambda r: servers.p99_figures(r, server_repeats, rate=300, count=300 if quick else 1500),
        "conformance": lambda r: conformance_run.conformance_figures(r, 1),
    }
    results = Results()
    started = time.perf_counter()
    for name, run in sections.items():
        if args.only and name not in args.only:
            continue
        print(f"== {name}", flush=True)
        run(results)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    text = (
        f"Machine: {machine_note()}\n\n"
        f"Total bench time: {elapsed:.0f} s; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; "
        f"nice {os.nice(0)}\n\n"
        f"{results.table()}\n\n## Goals\n\n{results.goals_table(GOALS)}\n"
    )
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
