"""The contract app on Falcon's ASGI App: the ``h3session.falcon`` middleware component and resources.

Falcon renders the ``/fail`` error as its 500 before the component's ``process_response``
adds the session cookies. A GET to ``/update`` is Falcon's 405, as with h3's router.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import falcon
import falcon.asgi
from falcon.asgi import Request, Response

from h3session import SessionConfig, use_session_async
from h3session.falcon import H3SessionMiddleware

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit


class _Contract:
    """The routes; ``configs()`` runs per request so a refused config fails each with 500."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = options

    def first(self) -> SessionConfig:
        return configs(self.options)[0]

    async def on_get(self, req: Request, resp: Response) -> None:
        resp.content_type, resp.text = TEXT, visit(await use_session_async(req, self.first()))

    async def on_get_clear(self, req: Request, resp: Response) -> None:
        (await use_session_async(req, self.first())).clear()
        resp.content_type, resp.text = TEXT, CLEARED_TEXT

    async def on_get_data(self, req: Request, resp: Response) -> None:
        session = await use_session_async(req, self.first())
        resp.content_type, resp.text = JSON, dump(session.to_dict())

    async def on_post_update(self, req: Request, resp: Response) -> None:
        session = await use_session_async(req, self.first())
        session.update(parse_body(await req.stream.read()))
        resp.content_type, resp.text = JSON, dump(session.data)

    async def on_get_fail(self, req: Request, resp: Response) -> None:
        (await use_session_async(req, self.first())).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    async def on_get_multi(self, req: Request, resp: Response) -> None:
        first, second = configs(self.options)
        text = multi(await use_session_async(req, first), await use_session_async(req, second))
        resp.content_type, resp.text = JSON, text


def app_factory(options: Mapping[str, Any]) -> falcon.asgi.App[Request, Response]:
    app = falcon.asgi.App(middleware=[H3SessionMiddleware()])
    routes = _Contract(options)
    app.add_route("/", routes)
    for name in ("clear", "data", "update", "fail", "multi"):
        app.add_route(f"/{name}", routes, suffix=name)
    return app
