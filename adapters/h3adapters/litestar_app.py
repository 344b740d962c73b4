"""The contract app on Litestar: ``SessionMiddleware`` as app middleware, sessions from the request.

Litestar's exception handling sits inside the middleware, so its 500 for ``/fail`` passes
through the send wrapper and carries the session's Set-Cookie lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Litestar, Request, Response, get, post

from h3session import use_session_async
from h3session.asgi import SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit

AnyRequest = Request[Any, Any, Any]


def app_factory(options: Mapping[str, Any]) -> Litestar:
    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    @get("/", media_type=TEXT)
    async def index(request: AnyRequest) -> str:
        return visit(await use_session_async(request, configs(options)[0]))

    @get("/clear", media_type=TEXT)
    async def clear(request: AnyRequest) -> str:
        (await use_session_async(request, configs(options)[0])).clear()
        return CLEARED_TEXT

    @get("/data")
    async def data(request: AnyRequest) -> Response[str]:
        session = await use_session_async(request, configs(options)[0])
        return Response(dump(session.to_dict()), media_type=JSON)

    @post("/update", status_code=200)
    async def update(request: AnyRequest) -> Response[str]:
        session = await use_session_async(request, configs(options)[0])
        session.update(parse_body(await request.body()))
        return Response(dump(session.data), media_type=JSON)

    @get("/fail")
    async def fail(request: AnyRequest) -> None:
        (await use_session_async(request, configs(options)[0])).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    @get("/multi")
    async def both(request: AnyRequest) -> Response[str]:
        first, second = configs(options)
        text = multi(await use_session_async(request, first), await use_session_async(request, second))
        return Response(text, media_type=JSON)

    handlers = [index, clear, data, update, fail, both]
    # Litestar calls each middleware with the app.  The ignore: Litestar types scopes as TypedDicts,
    # h3session as plain mappings.  logging_config=None keeps the process's root logger untouched.
    middleware = [SessionMiddleware]
    return Litestar(route_handlers=handlers, middleware=middleware, logging_config=None)  # type: ignore[arg-type]
