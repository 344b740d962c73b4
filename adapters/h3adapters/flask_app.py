"""The contract app on Flask: h3session's WSGI middleware around ``app.wsgi_app``.

``/fail`` raises inside the view; Flask renders its own 500 page and sends it through
the middleware's ``start_response``, which appends the session's Set-Cookie lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from h3session import use_session
from h3session.wsgi import SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit


def app_factory(options: Mapping[str, Any]) -> Flask:
    app = Flask(__name__)
    app.wsgi_app = SessionMiddleware(app.wsgi_app)  # type: ignore[method-assign]

    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    @app.get("/")
    def index() -> Response:
        return Response(visit(use_session(request, configs(options)[0])), content_type=TEXT)

    @app.get("/clear")
    def clear() -> Response:
        use_session(request, configs(options)[0]).clear()
        return Response(CLEARED_TEXT, content_type=TEXT)

    @app.get("/data")
    def data() -> Response:
        return Response(dump(use_session(request, configs(options)[0]).to_dict()), content_type=JSON)

    @app.post("/update")
    def update() -> Response:
        session = use_session(request, configs(options)[0])
        session.update(parse_body(request.get_data()))
        return Response(dump(session.data), content_type=JSON)

    @app.get("/fail")
    def fail() -> Response:
        use_session(request, configs(options)[0]).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    @app.get("/multi")
    def both() -> Response:
        first, second = configs(options)
        return Response(multi(use_session(request, first), use_session(request, second)), content_type=JSON)

    return app
