"""The contract app on Pyramid: routes and views from a Configurator, inside h3session's WSGI middleware.

Pyramid has no exception view for ``/fail``'s error here, so the exception leaves the
router and the middleware answers the 500 itself, with the session's Set-Cookie lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response

from h3session import use_session
from h3session.wsgi import SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

View = Callable[[Request], Response]


def _views(options: Mapping[str, Any]) -> dict[str, tuple[str, str, View]]:
    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    def index(request: Request) -> Response:
        return Response(visit(use_session(request, configs(options)[0])), content_type=TEXT)

    def clear(request: Request) -> Response:
        use_session(request, configs(options)[0]).clear()
        return Response(CLEARED_TEXT, content_type=TEXT)

    def data(request: Request) -> Response:
        return Response(dump(use_session(request, configs(options)[0]).to_dict()), content_type=JSON, charset="utf-8")

    def update(request: Request) -> Response:
        session = use_session(request, configs(options)[0])
        session.update(parse_body(request.body))
        return Response(dump(session.data), content_type=JSON, charset="utf-8")

    def fail(request: Request) -> Response:
        use_session(request, configs(options)[0]).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    def both(request: Request) -> Response:
        first, second = configs(options)
        return Response(
            multi(use_session(request, first), use_session(request, second)), content_type=JSON, charset="utf-8"
        )

    return {
        "index": ("/", "GET", index),
        "clear": ("/clear", "GET", clear),
        "data": ("/data", "GET", data),
        "update": ("/update", "POST", update),
        "fail": ("/fail", "GET", fail),
        "multi": ("/multi", "GET", both),
    }


def app_factory(options: Mapping[str, Any]) -> WSGIApplication:
    with Configurator() as config:
        for name, (pattern, method, view) in _views(options).items():
            config.add_route(name, pattern, request_method=method)
            config.add_view(view, route_name=name)
        app: WSGIApplication = config.make_wsgi_app()
    return SessionMiddleware(app)
