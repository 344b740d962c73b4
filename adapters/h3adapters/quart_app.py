"""The contract app on Quart: ``SessionMiddleware`` around ``app.asgi_app``, sessions from ``request``.

Quart turns the ``/fail`` error into its own 500 response, which passes through the
middleware's send wrapper and so carries the session's Set-Cookie lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quart import Quart, Response, request

from h3session import use_session_async
from h3session.asgi import SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit


def app_factory(options: Mapping[str, Any]) -> Quart:
    app = Quart(__name__)

    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    @app.get("/")
    async def index() -> Response:
        session = await use_session_async(request, configs(options)[0])
        return Response(visit(session), content_type=TEXT)

    @app.get("/clear")
    async def clear() -> Response:
        session = await use_session_async(request, configs(options)[0])
        session.clear()
        return Response(CLEARED_TEXT, content_type=TEXT)

    @app.get("/data")
    async def data() -> Response:
        session = await use_session_async(request, configs(options)[0])
        return Response(dump(session.to_dict()), content_type=JSON)

    @app.post("/update")
    async def update() -> Response:
        session = await use_session_async(request, configs(options)[0])
        session.update(parse_body(await request.body))
        return Response(dump(session.data), content_type=JSON)

    @app.get("/fail")
    async def fail() -> Response:
        session = await use_session_async(request, configs(options)[0])
        session.update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    @app.get("/multi")
    async def both() -> Response:
        first, second = configs(options)
        text = multi(await use_session_async(request, first), await use_session_async(request, second))
        return Response(text, content_type=JSON)

    # Quart's own way to add ASGI middleware.  The ignore: Quart types scopes as TypedDicts,
    # h3session as plain mappings.
    app.asgi_app = SessionMiddleware(app.asgi_app)  # type: ignore[method-assign, assignment, arg-type]
    return app
