"""The README's quickstarts run as written: a newcomer's first copy-paste must work."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx

README = Path(__file__).resolve().parents[1] / "README.md"
COUNTER = "Hello world! You have visited this page {} times."


def _python_block(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, f"no python block under {heading!r}"
    return match.group(1)


def _run(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own README
    return namespace


def test_wsgi_quickstart_counts_visits_and_clears() -> None:
    app = _run(_python_block("Quickstart: WSGI"))["app"]
    client = app.test_client()
    bodies = [client.get("/").get_data(as_text=True) for _ in range(3)]
    assert bodies == [COUNTER.format(n) for n in (1, 2, 3)]
    assert client.get("/clear").get_data(as_text=True) == "Session cleared"
    assert client.get("/").get_data(as_text=True) == COUNTER.format(1)


def test_asgi_quickstart_counts_visits() -> None:
    app = _run(_python_block("Quickstart: ASGI"))["app"]

    async def visits() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            return [(await client.get("/")).text for _ in range(3)]

    assert asyncio.run(visits()) == [COUNTER.format(n) for n in (1, 2, 3)]
