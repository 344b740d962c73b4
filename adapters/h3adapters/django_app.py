"""The contract app on Django (WSGI), with ``h3session.django.H3SessionMiddleware`` in MIDDLEWARE.

Django's settings are per process, so they are configured once, in code; each app gets
its own URLconf through ``request.urlconf``, which Django resolves per request.  Django
turns ``/fail``'s exception into its 500 page, and the middleware adds the cookies to it.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from h3session import use_session

from ._contract import CLEARED_TEXT, JSON, TEXT, ContractFailure, configs, dump, multi, parse_body, visit

MIDDLEWARE = "h3session.django.H3SessionMiddleware"


def configure_django() -> None:
    """Configure Django for this process once (no database, no apps, the session middleware)."""
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[MIDDLEWARE],
            SECRET_KEY="h3adapters-contract-app-signs-nothing",  # noqa: S106 - required, unused
        )
        django.setup(set_prefix=False)
    if MIDDLEWARE not in settings.MIDDLEWARE:
        raise RuntimeError(f"Django is already configured in this process without {MIDDLEWARE}")


urlpatterns: list[Any] = []  # ROOT_URLCONF; every app below brings its own


def _urls(options: Mapping[str, Any]) -> types.ModuleType:
    # configs() runs per request: a config h3 would refuse fails each session route with 500.
    def index(request: HttpRequest) -> HttpResponse:
        return HttpResponse(visit(use_session(request, configs(options)[0])), content_type=TEXT)

    def clear(request: HttpRequest) -> HttpResponse:
        use_session(request, configs(options)[0]).clear()
        return HttpResponse(CLEARED_TEXT, content_type=TEXT)

    def data(request: HttpRequest) -> HttpResponse:
        return HttpResponse(dump(use_session(request, configs(options)[0]).to_dict()), content_type=JSON)

    def update(request: HttpRequest) -> HttpResponse:
        session = use_session(request, configs(options)[0])
        session.update(parse_body(request.body))
        return HttpResponse(dump(session.data), content_type=JSON)

    def fail(request: HttpRequest) -> HttpResponse:
        use_session(request, configs(options)[0]).update({"failed": True})
        raise ContractFailure("the /fail route always fails after updating the session")

    def both(request: HttpRequest) -> HttpResponse:
        first, second = configs(options)
        return HttpResponse(multi(use_session(request, first), use_session(request, second)), content_type=JSON)

    urls = types.ModuleType(f"{__name__}.urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("", require_GET(index)),
        path("clear", require_GET(clear)),
        path("data", require_GET(data)),
        path("update", require_POST(update)),
        path("fail", require_GET(fail)),
        path("multi", require_GET(both)),
    ]
    return urls


class ContractHandler(WSGIHandler):  # type: ignore[misc]
    """Django's WSGI handler, resolving every request against this app's URLconf."""

    def __init__(self, urls: types.ModuleType) -> None:
        super().__init__()
        self.urls = urls

    def get_response(self, request: HttpRequest) -> HttpResponse:
        request.urlconf = self.urls
        response: HttpResponse = super().get_response(request)
        return response


def app_factory(options: Mapping[str, Any]) -> WSGIHandler:
    configure_django()
    return ContractHandler(_urls(options))
