"""Serve one benchmark app: ``python -m benchmarks.serve --server uvicorn|gunicorn --app NAME``.

Env: ``PORT`` and ``H3_SESSION_CONFIG`` (the h3 options JSON).  Binds 127.0.0.1.
The server settings match ``h3adapters.serve`` (one process; gunicorn's gthread
worker with 4 threads) so every app on a server is measured the same way.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from typing import Any, Optional

from h3session.iron import _keys

from .apps import APPS

HOST = "127.0.0.1"


def _uvicorn(app: Any, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


def _gunicorn(app: Any, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    settings = {"bind": f"{HOST}:{port}", "workers": 1, "threads": 4, "loglevel": "warning", "graceful_timeout": 2}

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Gunicorn().run()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("--server", required=True, choices=["uvicorn", "gunicorn"])
    parser.add_argument("--app", required=True, choices=sorted(APPS))
    parser.add_argument("--pbkdf2", default="cryptography", choices=["cryptography", "hashlib"])
    args = parser.parse_args(argv)
    _keys.backend = args.pbkdf2
    app = APPS[args.app](json.loads(os.environ.get("H3_SESSION_CONFIG") or "{}"))
    (_uvicorn if args.server == "uvicorn" else _gunicorn)(app, int(os.environ["PORT"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
