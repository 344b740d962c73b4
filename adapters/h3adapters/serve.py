"""Serve one contract app on a real server: ``python -m h3adapters.serve --server NAME --app NAME``.

The kit's command runner starts this once per configuration with ``H3_SESSION_CONFIG`` (the
JSON config) and ``PORT`` in the environment, and stops it with SIGTERM.  Every server binds
127.0.0.1 only.  ``--app`` names a module ``h3adapters.<app>_app`` with ``app_factory``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Literal, NamedTuple, Optional

__all__ = ["SERVERS", "app_from_env", "main", "server_command"]

HOST = "127.0.0.1"
APP_ENV = "H3ADAPTERS_APP"  # for servers that import the app themselves, in worker processes


class Server(NamedTuple):
    interface: Literal["wsgi", "asgi"]
    run: Callable[[str, int], None]  # (app name, port); returns when the server has stopped


def options_from_env() -> dict[str, Any]:
    options: dict[str, Any] = json.loads(os.environ.get("H3_SESSION_CONFIG") or "{}")
    return options


_PLAIN = {"wsgi": "plain_wsgi", "asgi": "plain_asgi"}  # the bare contract apps, no framework


def build_app(app: str, options: Optional[Mapping[str, Any]] = None) -> Any:
    module = importlib.import_module(f"h3adapters.{_PLAIN.get(app, f'{app}_app')}")
    return module.app_factory(options_from_env() if options is None else options)


def app_from_env() -> Any:
    """An app factory of no arguments (``$H3ADAPTERS_APP``, ``$H3_SESSION_CONFIG``) for import strings."""
    return build_app(os.environ[APP_ENV])


def _uvicorn(app: str, port: int) -> None:
    import uvicorn

    uvicorn.run(build_app(app), host=HOST, port=port, log_level="warning")


def _hypercorn(app: str, port: int) -> None:
    import asyncio

    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{HOST}:{port}"]
    # Without a shutdown trigger, serve() stops gracefully on SIGTERM and SIGINT.
    asyncio.run(serve(build_app(app), config, mode="asgi"))


def _granian(app: str, port: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    # Granian imports the app in its worker process, so the app travels as an import string.
    os.environ[APP_ENV] = app
    target = f"{__name__}:app_from_env"
    Granian(target, address=HOST, port=port, interface=Interfaces.ASGI, factory=True).serve()


def _gunicorn(app: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    settings = {
        "bind": f"{HOST}:{port}",
        "workers": 1,
        "threads": 4,  # the gthread worker
        "graceful_timeout": 0,  # SIGTERM stops at once, not after idle keep-alive connections close
        "loglevel": "warning",
    }

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        """Gunicorn's Python API: settings from the dict above, never from argv or a config file."""

        def load_config(self) -> None:
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return build_app(app)  # in the worker, after the fork

    Gunicorn().run()


def _waitress(app: str, port: int) -> None:
    import waitress

    waitress.serve(build_app(app), host=HOST, port=port, threads=4)


SERVERS: dict[str, Server] = {
    "gunicorn": Server("wsgi", _gunicorn),
    "waitress": Server("wsgi", _waitress),
    "uvicorn": Server("asgi", _uvicorn),
    "hypercorn": Server("asgi", _hypercorn),
    "granian": Server("asgi", _granian),
}


def server_command(server: str, app: str) -> list[str]:
    """The command an Adapter of kind "command" runs."""
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r}; known: {', '.join(sorted(SERVERS))}")
    return [sys.executable, "-m", __name__, "--server", server, "--app", app]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {__name__}", description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, choices=sorted(SERVERS))
    parser.add_argument("--app", required=True, help="a contract app: starlette, flask, ... (h3adapters.<app>_app)")
    args = parser.parse_args(argv)
    port = int(os.environ.get("PORT") or "0")
    if not 0 < port < 65536:
        parser.error("set PORT to the TCP port to listen on")
    SERVERS[args.server].run(args.app, port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
