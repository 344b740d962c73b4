"""The comparison apps: each framework's own session on the same visit counter, and bare hello worlds."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Callable

COUNTER = "Hello world! You have visited this page {count} times."
SECRET = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"  # noqa: S105 (a benchmark's throwaway key)


def starlette_own(options: Mapping[str, Any]) -> Any:
    """Starlette's SessionMiddleware (itsdangerous-signed, not encrypted) on the visit counter."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def index(request: Request) -> PlainTextResponse:
        count = request.session.get("count", 0) + 1
        request.session["count"] = count
        return PlainTextResponse(COUNTER.format(count=count))

    return Starlette(routes=[Route("/", index)], middleware=[Middleware(SessionMiddleware, secret_key=SECRET)])


def starlette_hello(options: Mapping[str, Any]) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def index(request: Request) -> PlainTextResponse:
        return PlainTextResponse("Hello world!")

    return Starlette(routes=[Route("/", index)])


def flask_own(options: Mapping[str, Any]) -> Any:
    """Flask's own session (itsdangerous-signed, not encrypted) on the visit counter."""
    from flask import Flask, session

    app = Flask("bench_flask_own")
    app.secret_key = SECRET

    @app.get("/")
    def index() -> str:
        session["count"] = session.get("count", 0) + 1
        return COUNTER.format(count=session["count"])

    return app


def flask_hello(options: Mapping[str, Any]) -> Any:
    from flask import Flask

    app = Flask("bench_flask_hello")

    @app.get("/")
    def index() -> str:
        return "Hello world!"

    return app


def starlette_h3session(options: Mapping[str, Any]) -> Any:
    """h3session on Starlette as an application writes it: one config, built at start-up."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from h3session import SessionConfig, use_session_async
    from h3session.asgi import SessionMiddleware

    config = SessionConfig.from_h3(options)

    async def index(request: Request) -> PlainTextResponse:
        session = await use_session_async(request, config)
        session.update({"count": (session.data.get("count") or 0) + 1})
        return PlainTextResponse(COUNTER.format(count=session.data["count"]))

    return Starlette(routes=[Route("/", index)], middleware=[Middleware(SessionMiddleware)])


def flask_h3session(options: Mapping[str, Any]) -> Any:
    """h3session on Flask as an application writes it: one config, built at start-up."""
    from flask import Flask, request

    from h3session import SessionConfig, use_session
    from h3session.wsgi import SessionMiddleware

    config = SessionConfig.from_h3(options)
    app = Flask("bench_flask_h3session")
    app.wsgi_app = SessionMiddleware(app.wsgi_app)  # type: ignore[method-assign]

    @app.get("/")
    def index() -> str:
        session = use_session(request, config)
        session.update({"count": (session.data.get("count") or 0) + 1})
        return COUNTER.format(count=session.data["count"])

    return app


def _adapter(module: str) -> Callable[[Mapping[str, Any]], Any]:
    def build(options: Mapping[str, Any]) -> Any:
        return importlib.import_module(f"h3adapters.{module}").app_factory(options)

    return build


APPS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "starlette": _adapter("starlette_app"),
    "flask": _adapter("flask_app"),
    "plain-asgi": _adapter("plain_asgi"),
    "plain-wsgi": _adapter("plain_wsgi"),
    "starlette-h3session": starlette_h3session,
    "flask-h3session": flask_h3session,
    "starlette-own": starlette_own,
    "starlette-hello": starlette_hello,
    "flask-own": flask_own,
    "flask-hello": flask_hello,
}
