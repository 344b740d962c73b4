"""Section 6: wall time of a full in-process conformance run (every scenario, both profiles)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time

from ._stats import Figure, Results


def in_process_adapters() -> list[str]:
    """Every installed adapter that runs in this process (kind wsgi or asgi), by name."""
    from h3conformance.adapter import available_adapters, load_adapter

    names = []
    for name in available_adapters():
        try:
            if load_adapter(name).kind in ("wsgi", "asgi"):
                names.append(name)
        except Exception:  # noqa: S112 - an adapter whose framework is missing is simply not in the run
            continue
    return names


def conformance_figures(results: Results, repeats: int) -> None:
    section = "6 conformance"
    command = shutil.which("h3conformance")
    runs = [("conf-plain", "h3conformance run --adapter wsgi --adapter asgi", ["wsgi", "asgi"])]
    everything = in_process_adapters()
    if everything and set(everything) != {"wsgi", "asgi"}:
        runs.append(("conf-all", f"every in-process adapter ({len(everything)})", everything))
    for key, label, adapters in runs:
        figure = Figure(section, key, label, "s")
        if command is None:
            figure.note = "h3conformance is not installed"
            results.add(figure)
            continue
        args = [command, "run"] + [arg for name in adapters for arg in ("--adapter", name)]
        codes = set()
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                done = subprocess.run(
                    [*args, "--results", f"{tmp}/r.jsonl"], capture_output=True, timeout=900, check=False
                )
                figure.values.append(time.perf_counter() - start)
                codes.add(done.returncode)
        figure.note = f"exit {sorted(codes)}; {', '.join(adapters)}" if len(adapters) > 2 else f"exit {sorted(codes)}"
        results.add(figure)
