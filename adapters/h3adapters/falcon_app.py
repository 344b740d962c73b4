"""The contract app on Falcon (WSGI): the ``h3session.falcon`` middleware component and a resource.

Falcon's default error handler turns ``/fail``'s exception into a 500 and still runs
``process_response``, so the component copies the session's Set-Cookie lines onto it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import falcon

from h3session import use_session
from h3session.falcon import H3SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit


class Contract:
    """The routes as responders of one resource; configs() runs per request (a refused config: 500)."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = options

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = TEXT
        resp.text = visit(use_session(req, configs(self.options)[0]))

    def on_get_clear(self, req: falcon.Request, resp: falcon.Response) -> None:
        use_session(req, configs(self.options)[0]).clear()
        resp.content_type = TEXT
        resp.text = CLEARED_TEXT

    def on_get_data(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = JSON
        resp.text = dump(use_session(req, configs(self.options)[0]).to_dict())

    def on_post_update(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = use_session(req, configs(self.options)[0])
        session.update(parse_body(req.bounded_stream.read()))
        resp.content_type = JSON
        resp.text = dump(session.data)

    def on_get_fail(self, req: falcon.Request, resp: falcon.Response) -> None:
        use_session(req, configs(self.options)[0]).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    def on_get_multi(self, req: falcon.Request, resp: falcon.Response) -> None:
        first, second = configs(self.options)
        resp.content_type = JSON
        resp.text = multi(use_session(req, first), use_session(req, second))


def app_factory(options: Mapping[str, Any]) -> falcon.App[falcon.Request, falcon.Response]:
    app = falcon.App(middleware=[H3SessionMiddleware()])
    contract = Contract(options)
    app.add_route("/", contract)
    for name in ("clear", "data", "update", "fail", "multi"):
        app.add_route(f"/{name}", contract, suffix=name)
    return app
