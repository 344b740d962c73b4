"""The ASGI framework and ASGI server adapters, as registered in the "h3conformance.adapters" group.

The servers run the Starlette contract app in a child process (``h3adapters.serve``).
"""

from __future__ import annotations

from h3conformance.adapter import Adapter

from ._registry import framework_adapter, server_adapter

__all__ = [
    "DJANGO_ASGI",
    "FALCON_ASGI",
    "FASTAPI",
    "GRANIAN",
    "HYPERCORN",
    "LITESTAR",
    "QUART",
    "STARLETTE",
    "UVICORN",
]


def _framework(name: str, app: str, requirement: str, description: str) -> Adapter:
    return framework_adapter(name, "asgi", app, requirement, description)


def _server(server: str) -> Adapter:
    return server_adapter(server, "starlette")


STARLETTE = _framework(
    "starlette", "starlette", "starlette", "Starlette; h3session.asgi.SessionMiddleware in its stack"
)
FASTAPI = _framework("fastapi", "fastapi", "fastapi", "FastAPI; sessions from h3session.fastapi.session_dependency")
QUART = _framework("quart", "quart", "quart", "Quart; h3session.asgi.SessionMiddleware around app.asgi_app")
LITESTAR = _framework(
    "litestar", "litestar", "litestar", "Litestar; h3session.asgi.SessionMiddleware as app middleware"
)
DJANGO_ASGI = _framework(
    "django-asgi", "django_asgi", "django", "Django under ASGI; h3session.django.H3SessionMiddleware in MIDDLEWARE"
)
FALCON_ASGI = _framework(
    "falcon-asgi", "falcon_asgi", "falcon", "Falcon's ASGI App; the h3session.falcon middleware component"
)
UVICORN = _server("uvicorn")
HYPERCORN = _server("hypercorn")
GRANIAN = _server("granian")
