"""In-process ASGI: httpx's ASGITransport on one event loop in a helper thread (anyio portal).

The transport is used below httpx's client, so no cookie jar and no default headers get in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any, Callable

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

from .base import Origin, Request, Response, Transport, TransportError, config_key

__all__ = ["BASE_URL", "ASGITarget", "ASGITransport"]

BASE_URL = "https://127.0.0.1"
_TIMEOUT = httpx.Timeout(60.0).as_dict()


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
    def __init__(self, app: Any, portal: BlockingPortal) -> None:
        # raise_app_exceptions=False: an app that raises gets a bare 500, as from a server.
        self._transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._portal = portal

    async def _send(self, request: Request) -> Response:
        response = await self._transport.handle_async_request(to_httpx(request, BASE_URL))
        body = await response.aread()
        return from_httpx(response, body)

    def send(self, request: Request) -> Response:
        try:
            return self._portal.call(self._send, request)
        except Exception as exc:
            raise TransportError(f"the ASGI app could not be driven: {exc!r}") from exc


class ASGITarget:
    """One app per distinct configuration, all on a single event loop owned by this target."""

    origin = Origin()

    def __init__(self, app_factory: Callable[[dict[str, Any]], Any]) -> None:
        self._factory = app_factory
        self._apps: dict[str, ASGITransport] = {}
        self._stack = contextlib.ExitStack()
        self._portal: BlockingPortal | None = None

    def for_config(self, config: Mapping[str, Any]) -> Transport:
        key = config_key(config)
        if key not in self._apps:
            if self._portal is None:
                self._portal = self._stack.enter_context(start_blocking_portal())
            try:
                app = self._factory(dict(config))
            except Exception as exc:
                raise TransportError(f"app_factory failed: {exc!r}") from exc
            self._apps[key] = ASGITransport(app, self._portal)
        return self._apps[key]

    def close(self) -> None:
        self._apps.clear()
        self._portal = None
        self._stack.close()
