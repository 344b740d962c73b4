"""In-process ASGI: httpx's ASGITransport on one asyncio event loop in a helper thread.

The transport is used below httpx's client, so no cookie jar and no default headers get in.
The loop lives as long as the target, so apps that keep loop-bound state work across requests.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Mapping
from typing import Any, Callable, Optional, TypeVar

import httpx

from .base import Origin, Request, Response, Transport, TransportError, config_key

__all__ = ["BASE_URL", "ASGITarget", "ASGITransport", "LoopThread"]

BASE_URL = "https://127.0.0.1"
_TIMEOUT = httpx.Timeout(60.0).as_dict()
_CALL_TIMEOUT_S = 120.0
T = TypeVar("T")


class LoopThread:
    """An asyncio event loop running in a daemon thread; sync code submits coroutines to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="h3conformance-asgi", daemon=True)
        self._thread.start()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(_CALL_TIMEOUT_S)

    def close(self) -> None:
        self.call(self.loop.shutdown_asyncgens())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


def to_httpx(request: Request, base_url: str) -> httpx.Request:
    return httpx.Request(
        request.method,
        base_url + request.path,
        headers=list(request.headers),
        content=request.body,
        extensions={"timeout": _TIMEOUT},
    )


def from_httpx(response: httpx.Response, body: bytes) -> Response:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw)
    return Response(response.status_code, headers, body)


class ASGITransport:
    def __init__(self, app: Any, loop: LoopThread) -> None:
        # raise_app_exceptions=False: an app that raises gets a bare 500, as from a server.
        self._transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._loop = loop

    async def _send(self, request: Request) -> Response:
        response = await self._transport.handle_async_request(to_httpx(request, BASE_URL))
        body = await response.aread()
        return from_httpx(response, body)

    def send(self, request: Request) -> Response:
        try:
            return self._loop.call(self._send(request))
        except Exception as exc:
            raise TransportError(f"the ASGI app could not be driven: {exc!r}") from exc


class ASGITarget:
    """One app per distinct configuration, all on a single event loop owned by this target."""

    origin = Origin()

    def __init__(self, app_factory: Callable[[dict[str, Any]], Any]) -> None:
        self._factory = app_factory
        self._apps: dict[str, ASGITransport] = {}
        self._loop: Optional[LoopThread] = None

    def for_config(self, config: Mapping[str, Any]) -> Transport:
        key = config_key(config)
        if key not in self._apps:
            if self._loop is None:
                self._loop = LoopThread()
            try:
                app = self._factory(dict(config))
            except Exception as exc:
                raise TransportError(f"app_factory failed: {exc!r}") from exc
            self._apps[key] = ASGITransport(app, self._loop)
        return self._apps[key]

    def close(self) -> None:
        self._apps.clear()
        if self._loop is not None:
            self._loop.close()
            self._loop = None
