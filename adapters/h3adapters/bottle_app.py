"""The contract app on Bottle, wrapped in h3session's WSGI middleware.

Bottle catches the ``/fail`` exception itself (``catchall``) and renders its 500 page
through the middleware's ``start_response``, which appends the session's Set-Cookie lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bottle import Bottle, request, response

from h3session import use_session
from h3session.wsgi import SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


def app_factory(options: Mapping[str, Any]) -> WSGIApplication:
    app = Bottle()

    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    def index() -> str:
        response.content_type = TEXT
        return visit(use_session(request, configs(options)[0]))

    def clear() -> str:
        use_session(request, configs(options)[0]).clear()
        response.content_type = TEXT
        return CLEARED_TEXT

    def data() -> str:
        response.content_type = JSON
        return dump(use_session(request, configs(options)[0]).to_dict())

    def update() -> str:
        session = use_session(request, configs(options)[0])
        session.update(parse_body(request.body.read()))
        response.content_type = JSON
        return dump(session.data)

    def fail() -> str:
        use_session(request, configs(options)[0]).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    def both() -> str:
        first, second = configs(options)
        response.content_type = JSON
        return multi(use_session(request, first), use_session(request, second))

    app.route("/", "GET", index)
    app.route("/clear", "GET", clear)
    app.route("/data", "GET", data)
    app.route("/update", "POST", update)
    app.route("/fail", "GET", fail)
    app.route("/multi", "GET", both)
    return SessionMiddleware(app)
