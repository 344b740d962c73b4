"""The WSGI framework and WSGI server adapters, as registered in the "h3conformance.adapters" group.

Importing this module imports no framework: each app factory imports its framework when the
kit first calls it, so ``h3conformance`` can list every adapter and say which requirement is
missing.  The servers run the Flask contract app in a child process (``h3adapters.serve``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from h3conformance.adapter import Adapter

from .serve import build_app, server_command

__all__ = [
    "BOTTLE",
    "DJANGO",
    "FALCON",
    "FLASK",
    "GUNICORN",
    "PYRAMID",
    "REFERENCE_EXPECTATIONS",
    "SERVER_EXPECTATIONS",
    "WAITRESS",
]

#: The h3 behaviours the reference deliberately does not copy, shared by every adapter on it.
REFERENCE_EXPECTATIONS = Path(__file__).with_name("expectations") / "reference.toml"
#: Those, plus what a WSGI server changes in the request before the app sees it.
SERVER_EXPECTATIONS = REFERENCE_EXPECTATIONS.with_name("wsgi-servers.toml")


def _framework(name: str, requirement: str, description: str) -> Adapter:
    return Adapter(
        name,
        "wsgi",
        functools.partial(build_app, name),
        requirements=(requirement,),
        expectations=REFERENCE_EXPECTATIONS,
        description=description,
    )


def _server(server: str) -> Adapter:
    return Adapter(
        server,
        "command",
        command=server_command(server, "flask"),
        requirements=(server, "flask"),
        expectations=SERVER_EXPECTATIONS,
        description=f"the Flask contract app served by {server} on 127.0.0.1",
    )


FLASK = _framework("flask", "flask", "Flask; h3session.wsgi.SessionMiddleware around app.wsgi_app")
DJANGO = _framework("django", "django", "Django under WSGI; h3session.django.H3SessionMiddleware in MIDDLEWARE")
BOTTLE = _framework("bottle", "bottle", "Bottle, wrapped in h3session.wsgi.SessionMiddleware")
PYRAMID = _framework("pyramid", "pyramid", "Pyramid (Configurator routes), wrapped in SessionMiddleware")
FALCON = _framework("falcon", "falcon", "Falcon's WSGI App; the h3session.falcon middleware component")
GUNICORN = _server("gunicorn")
WAITRESS = _server("waitress")
