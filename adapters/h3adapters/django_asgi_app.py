"""The contract app on Django under ASGI: ``h3session.django.H3SessionMiddleware`` and async views.

Settings are the WSGI adapter's (one per process); each ``app_factory`` call gets its own
URLconf, bound to the request by a small handler subclass.
Django turns the ``/fail`` error into its 500 response before the middleware writes the
session cookies onto it.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any

from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from h3session import use_session_async

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit
from .django_app import configure_django


class _ContractHandler(ASGIHandler):  # type: ignore[misc]
    def __init__(self, urlconf: types.ModuleType) -> None:
        super().__init__()
        self.urlconf = urlconf

    def create_request(self, scope: Any, body_file: Any) -> tuple[Any, Any]:
        request, error = super().create_request(scope, body_file)
        if isinstance(request, ASGIRequest):
            request.urlconf = self.urlconf
        return request, error


def app_factory(options: Mapping[str, Any]) -> ASGIHandler:
    configure_django()

    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    async def index(request: HttpRequest) -> HttpResponseBase:
        session = await use_session_async(request, configs(options)[0])
        return HttpResponse(visit(session), content_type=TEXT)

    async def clear(request: HttpRequest) -> HttpResponseBase:
        session = await use_session_async(request, configs(options)[0])
        session.clear()
        return HttpResponse(CLEARED_TEXT, content_type=TEXT)

    async def data(request: HttpRequest) -> HttpResponseBase:
        session = await use_session_async(request, configs(options)[0])
        return HttpResponse(dump(session.to_dict()), content_type=JSON)

    async def update(request: HttpRequest) -> HttpResponseBase:
        session = await use_session_async(request, configs(options)[0])
        session.update(parse_body(request.body))
        return HttpResponse(dump(session.data), content_type=JSON)

    async def fail(request: HttpRequest) -> HttpResponseBase:
        session = await use_session_async(request, configs(options)[0])
        session.update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    async def both(request: HttpRequest) -> HttpResponseBase:
        first, second = configs(options)
        text = multi(await use_session_async(request, first), await use_session_async(request, second))
        return HttpResponse(text, content_type=JSON)

    urlconf = types.ModuleType(f"{__name__}.urls")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path("", require_GET(index)),
        path("clear", require_GET(clear)),
        path("data", require_GET(data)),
        path("update", require_POST(update)),
        path("fail", require_GET(fail)),
        path("multi", require_GET(both)),
    ]
    return _ContractHandler(urlconf)
