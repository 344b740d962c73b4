"""The WSGI framework and WSGI server adapters, as registered in the "h3conformance.adapters" group.

The servers run the Flask contract app in a child process (``h3adapters.serve``).
"""

from __future__ import annotations

from h3conformance.adapter import Adapter

from ._registry import REFERENCE_EXPECTATIONS, SERVER_EXPECTATIONS, framework_adapter, server_adapter

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


def _framework(name: str, requirement: str, description: str) -> Adapter:
    return framework_adapter(name, "wsgi", name, requirement, description)


def _server(server: str) -> Adapter:
    return server_adapter(server, "flask", SERVER_EXPECTATIONS)


FLASK = _framework("flask", "flask", "Flask; h3session.wsgi.SessionMiddleware around app.wsgi_app")
DJANGO = _framework("django", "django", "Django under WSGI; h3session.django.H3SessionMiddleware in MIDDLEWARE")
BOTTLE = _framework("bottle", "bottle", "Bottle, wrapped in h3session.wsgi.SessionMiddleware")
PYRAMID = _framework("pyramid", "pyramid", "Pyramid (Configurator routes), wrapped in SessionMiddleware")
FALCON = _framework("falcon", "falcon", "Falcon's WSGI App; the h3session.falcon middleware component")
GUNICORN = _server("gunicorn")
WAITRESS = _server("waitress")
