"""The contract app on Starlette: h3session's ASGI middleware in the stack, sessions from the request.

An error in ``/fail`` propagates to ``SessionMiddleware``, which sits inside Starlette's
``ServerErrorMiddleware`` and answers the 500 itself, with the session's Set-Cookie lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from h3session import use_session_async
from h3session.asgi import SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, ContractFailure, configs, dump, multi, parse_body, visit


def app_factory(options: Mapping[str, Any]) -> Starlette:
    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    async def index(request: Request) -> Response:
        session = await use_session_async(request, configs(options)[0])
        return PlainTextResponse(visit(session))

    async def clear(request: Request) -> Response:
        session = await use_session_async(request, configs(options)[0])
        session.clear()
        return PlainTextResponse(CLEARED_TEXT)

    async def data(request: Request) -> Response:
        session = await use_session_async(request, configs(options)[0])
        return Response(dump(session.to_dict()), media_type=JSON)

    async def update(request: Request) -> Response:
        session = await use_session_async(request, configs(options)[0])
        session.update(parse_body(await request.body()))
        return Response(dump(session.data), media_type=JSON)

    async def fail(request: Request) -> Response:
        session = await use_session_async(request, configs(options)[0])
        session.update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    async def both(request: Request) -> Response:
        first, second = configs(options)
        text = multi(await use_session_async(request, first), await use_session_async(request, second))
        return Response(text, media_type=JSON)

    routes = [
        Route("/", index),
        Route("/clear", clear),
        Route("/data", data),
        Route("/update", update, methods=["POST"]),
        Route("/fail", fail),
        Route("/multi", both),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SessionMiddleware)])
