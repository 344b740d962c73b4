"""A running HTTP server: httpx's transport (no client, so no cookie jar), over real sockets."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Optional
from urllib.parse import urlsplit

import httpx

from .asgi import from_httpx, to_httpx
from .base import Origin, Request, Response, Transport, TransportError, UnsupportedConfig, config_key

__all__ = ["URLTarget", "URLTransport", "origin_of"]


def origin_of(base_url: str) -> Origin:
    """Browsers treat https and loopback hosts as secure contexts (Secure cookies kept)."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "127.0.0.1").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    return Origin(host, parts.scheme == "https" or loopback)


class URLTransport:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._transport = httpx.HTTPTransport(retries=0)

    def send(self, request: Request) -> Response:
        try:
            response = self._transport.handle_request(to_httpx(request, self.base_url))
            try:
                body = response.read()
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise TransportError(f"{request.method} {self.base_url}{request.path}: {exc!r}") from exc
        return from_httpx(response, body)

    def close(self) -> None:
        self._transport.close()


class URLTarget:
    """A server someone else started: it has ONE configuration, known only if told (`config`).

    Scenarios whose configuration differs are skipped, never run against the wrong server.
    """

    def __init__(self, base_url: str, config: Optional[Mapping[str, Any]] = None) -> None:
        self.transport = URLTransport(base_url)
        self.origin = origin_of(base_url)
        self._key = config_key(config) if config is not None else None

    def for_config(self, config: Mapping[str, Any]) -> Transport:
        if self._key is not None and config_key(config) != self._key:
            raise UnsupportedConfig(
                f"the server at {self.transport.base_url} runs another configuration; "
                f"this scenario needs {config_key(config)}"
            )
        return self.transport

    def close(self) -> None:
        self.transport.close()
