"""The contract app on Django under ASGI: ``h3session.django.H3SessionMiddleware`` and async views.

Settings are the WSGI adapter's (one per process); each ``app_factory`` call gets its own
URLconf, bound to the request by a small handler subclass.
Django turns the ``/fail`` error into its 500 response before the middleware writes the
session cookies onto it.
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Mapping
from typing import Any, Callable

from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import path

from h3session import use_session_async

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit
from .django_app import configure_django

AsyncView = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def _only(method: str, view: AsyncView) -> AsyncView:
    """require_GET/require_POST for a coroutine view: Django before 5.0 cannot wrap one (it returns it unawaited)."""

    async def checked(request: HttpRequest) -> HttpResponseBase:
        if request.method != method:
            return HttpResponseNotAllowed([method])
        return await view(request)

    return checked


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
        path("", _only("GET", index)),
        path("clear", _only("GET", clear)),
        path("data", _only("GET", data)),
        path("update", _only("POST", update)),
        path("fail", _only("GET", fail)),
        path("multi", _only("GET", both)),
    ]
    return _ContractHandler(urlconf)
