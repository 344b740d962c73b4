"""The contract app on FastAPI: ``SessionMiddleware`` plus the session as a dependency.

The configs come from dependencies too, so a config h3 would refuse fails each session
route with 500 (as h3 does at request time) instead of failing ``app_factory``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from h3session import SessionConfig, SessionManager
from h3session.asgi import SessionMiddleware
from h3session.fastapi import session_dependency

from ._contract import CLEARED_TEXT, JSON, ContractFailure, configs, dump, multi, parse_body, visit


def app_factory(options: Mapping[str, Any]) -> FastAPI:
    def first_config() -> SessionConfig:
        return configs(options)[0]

    def second_config() -> SessionConfig:
        return configs(options)[1]

    # Dependencies as defaults, not Annotated aliases: these are locals, and the module's
    # postponed annotations are resolved in its globals.
    session_of = Depends(session_dependency(first_config))
    alt_session_of = Depends(session_dependency(second_config))

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.add_middleware(SessionMiddleware)

    @app.get("/", response_class=PlainTextResponse)
    async def index(session: SessionManager = session_of) -> str:
        return visit(session)

    @app.get("/clear", response_class=PlainTextResponse)
    async def clear(session: SessionManager = session_of) -> str:
        session.clear()
        return CLEARED_TEXT

    @app.get("/data")
    async def data(session: SessionManager = session_of) -> Response:
        return Response(dump(session.to_dict()), media_type=JSON)

    @app.post("/update")
    async def update(request: Request, session: SessionManager = session_of) -> Response:
        session.update(parse_body(await request.body()))
        return Response(dump(session.data), media_type=JSON)

    @app.get("/fail")
    async def fail(session: SessionManager = session_of) -> None:
        session.update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    @app.get("/multi")
    async def both(first: SessionManager = session_of, second: SessionManager = alt_session_of) -> Response:
        return Response(multi(first, second), media_type=JSON)

    return app
