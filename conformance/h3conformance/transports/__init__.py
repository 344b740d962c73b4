"""Ways to send raw requests to an implementation: in-process WSGI/ASGI, a URL, a command."""

from __future__ import annotations

from pathlib import Path

from ..adapter import Adapter
from .base import (
    Origin,
    Request,
    Response,
    Target,
    Transport,
    TransportError,
    UnsupportedConfig,
    config_key,
)

__all__ = [
    "Origin",
    "Request",
    "Response",
    "Target",
    "Transport",
    "TransportError",
    "UnsupportedConfig",
    "config_key",
    "open_target",
]


def open_target(adapter: Adapter) -> Target:
    """The target for an adapter; the caller closes it (servers are stopped then)."""
    if adapter.kind == "wsgi":
        from .wsgi import WSGITarget

        assert adapter.app_factory is not None
        return WSGITarget(adapter.app_factory)
    if adapter.kind == "asgi":
        from .asgi import ASGITarget

        assert adapter.app_factory is not None
        return ASGITarget(adapter.app_factory)
    if adapter.kind == "command":
        from .command import CommandTarget

        assert adapter.command is not None
        return CommandTarget(adapter.command, cwd=Path(adapter.cwd) if adapter.cwd else None)
    from .url import URLTarget

    assert adapter.url is not None
    return URLTarget(adapter.url, adapter.config)
