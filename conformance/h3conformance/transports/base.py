"""What every transport shares: raw requests and responses, and the two ways a send can fail."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional, Protocol

__all__ = [
    "Origin",
    "Request",
    "Response",
    "Target",
    "Transport",
    "TransportError",
    "UnsupportedConfig",
    "config_key",
    "join_repeated",
]


class TransportError(Exception):
    """The implementation could not be reached or broke the protocol: verdict "error"."""


class UnsupportedConfig(Exception):
    """This target cannot serve that configuration (a fixed --url server): verdict "skip"."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    # An in-process app that raised instead of answering; the transport answers 500 like a server.
    app_error: Optional[str] = None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def set_cookies(self) -> list[str]:
        return self.header_values("set-cookie")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass(frozen=True)
class Origin:
    """Where the jar thinks requests go: host for domain matching, secure for Secure cookies."""

    host: str = "127.0.0.1"
    secure: bool = True


class Transport(Protocol):
    def send(self, request: Request) -> Response: ...


class Target(Protocol):
    """One implementation under test; hands out a transport per configuration."""

    origin: Origin

    def for_config(self, config: Mapping[str, Any]) -> Transport: ...

    def close(self) -> None: ...


def config_key(config: Mapping[str, Any]) -> str:
    """Stable identity of a configuration (one app or server per distinct key)."""
    return json.dumps(config, sort_keys=True, separators=(",", ":"))


def join_repeated(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Fold repeated header names into one, for carriers that hold one value per name (WSGI).

    Cookie lines are joined with "; " as Node does (h3-behavior j5); others with ", ".
    """
    joined: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        joined.setdefault(name.lower(), (name, []))[1].append(value)
    return [(name, ("; " if name.lower() == "cookie" else ", ").join(values)) for name, values in joined.values()]
