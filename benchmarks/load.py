"""Servers on 127.0.0.1 and bounded load: wrk when present, else a fixed-count asyncio client.

The open-loop generator (``latencies``) sends at a fixed rate whatever the server does and
times each request from its *scheduled* start, so a stalled server cannot hide its stalls.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from h3conformance.processes import free_port, stop_process_group

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def server(command: Sequence[str], env: Mapping[str, str], timeout: float = 30) -> Iterator[int]:
    """Start ``command`` with PORT set, yield the port once it accepts connections, then stop it."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env={**os.environ, **env, "PORT": str(port)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        try:
            if not _wait_for_port(port, proc, time.monotonic() + timeout):
                log.seek(0)
                raise RuntimeError(f"{' '.join(command)} did not start:\n{log.read().decode(errors='replace')[-2000:]}")
            yield port
        finally:
            stop_process_group(proc)


def get(port: int, path: str = "/", cookie: Optional[str] = None) -> tuple[int, list[str], str]:
    """One request: status, the response's Set-Cookie name=value pairs, body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        pairs = [line.split(";", 1)[0] for line in response.headers.get_all("set-cookie") or []]
        return response.status, pairs, body
    finally:
        conn.close()


@dataclass
class LoadResult:
    requests_per_s: float
    errors: int


_WRK_RATE = re.compile(r"Requests/sec:\s+([0-9.]+)")
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors:.*?timeout (\d+)")


def wrk_path() -> Optional[str]:
    return shutil.which("wrk")


def throughput(port: int, cookie: Optional[str], seconds: float, connections: int, requests: int) -> LoadResult:
    """Closed-loop req/s: wrk for ``seconds`` if installed, else ``requests`` requests from asyncio."""
    wrk = wrk_path()
    if wrk is None:
        return asyncio.run(_python_throughput(port, cookie, connections, requests))
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", *headers, f"http://{HOST}:{port}/"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    rate = _WRK_RATE.search(done.stdout)
    if rate is None:
        raise RuntimeError(f"wrk printed no rate:\n{done.stdout}\n{done.stderr}")
    errors = sum(int(a or 0) + int(b or 0) for a, b in _WRK_ERRORS.findall(done.stdout))
    return LoadResult(float(rate.group(1)), errors)


def _request(cookie: Optional[str]) -> bytes:
    head = f"GET / HTTP/1.1\r\nHost: {HOST}\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    return (head + "\r\n").encode("latin-1")


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lowered = head.lower()
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", lowered)
    if length is not None:
        await reader.readexactly(int(length.group(1)))
    elif b"transfer-encoding: chunked" in lowered:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _python_throughput(port: int, cookie: Optional[str], connections: int, requests: int) -> LoadResult:
    request = _request(cookie)
    remaining = requests
    errors = 0

    async def client() -> None:
        nonlocal remaining, errors
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while remaining > 0:
                remaining -= 1
                if await _exchange(reader, writer, request) >= 400:
                    errors += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return LoadResult(requests / (time.perf_counter() - start), errors)


def latencies(port: int, cookies: Sequence[str], rate: float, connections: int = 32) -> list[float]:
    """Open loop: request i (Cookie ``cookies[i]``) is due at i / rate; each latency in ms from when it was due."""
    return asyncio.run(_open_loop(port, cookies, rate, connections))


async def _open_loop(port: int, cookies: Sequence[str], rate: float, connections: int) -> list[float]:
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(HOST, port))
    results = [0.0] * len(cookies)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(i: int, due: float) -> None:
        conn = await pool.get()
        try:
            status = await _exchange(*conn, _request(cookies[i]))
            results[i] = (loop.time() - due) * 1000 if status < 400 else float("inf")
        finally:
            pool.put_nowait(conn)

    tasks = []
    for i in range(len(cookies)):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
    return results
