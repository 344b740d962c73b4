"""h3session.django: the middleware's default config, its async path, and verbatim Set-Cookie lines."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import webtest  # type: ignore[import-untyped]

from h3adapters import django_app, plain_wsgi
from h3session import SessionConfig, use_session

django_app.configure_django()

from django.core.exceptions import ImproperlyConfigured  # noqa: E402 - needs configured settings
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

from h3session.django import H3SessionMiddleware, settings_config  # noqa: E402

PASSWORD = "a-password-of-at-least-32-characters!"
HTTPS = {"wsgi.url_scheme": "https", "HTTP_HOST": "127.0.0.1"}
# Attributes Django's own cookie code cannot write (Priority, Partitioned), in h3's order.
OPTIONS: dict[str, Any] = {
    "password": PASSWORD,
    "cookie": {"sameSite": "none", "partitioned": True, "priority": "high", "maxAge": 60},
}


def counting_view(request: HttpRequest) -> HttpResponse:
    session = use_session(request)  # the config from settings.H3SESSION
    session.update({"count": (session.data.get("count") or 0) + 1})
    return HttpResponse(str(session.data["count"]))


def attributes(line: str) -> str:
    return line.split(";", 1)[1]


def test_settings_config_reads_h3_options_or_a_config() -> None:
    with override_settings(H3SESSION=OPTIONS):
        config = settings_config()
    assert config is not None
    assert config.cookie is not False
    assert config.cookie.priority == "high"
    ready = SessionConfig(PASSWORD, name="other")
    with override_settings(H3SESSION=ready):
        assert settings_config() is ready
    assert settings_config() is None


def test_a_bad_setting_is_improperly_configured() -> None:
    with override_settings(H3SESSION={"password": "short"}), pytest.raises(ImproperlyConfigured):
        H3SessionMiddleware(counting_view)


def test_middleware_uses_the_settings_config_and_writes_the_cookie() -> None:
    with override_settings(H3SESSION={"password": PASSWORD}):
        middleware = H3SessionMiddleware(counting_view)
    response = middleware(RequestFactory().get("/"))
    assert response.content == b"1"
    [morsel] = response.cookies.values()
    assert morsel.output(header="").startswith("h3=Fe26.2**")


def test_async_middleware_writes_the_cookie() -> None:
    async def view(request: HttpRequest) -> HttpResponse:
        return counting_view(request)

    with override_settings(H3SESSION={"password": PASSWORD}):
        middleware = H3SessionMiddleware(view)
    response = asyncio.run(middleware(RequestFactory().get("/")))
    assert response.content == b"1"
    assert len(response.cookies) == 1


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_django_sends_the_lines_h3session_builds_verbatim(profile: str) -> None:
    options = {**OPTIONS, "profile": profile}
    plain = webtest.TestApp(plain_wsgi.app_factory(options), extra_environ=HTTPS).get("/")
    served = webtest.TestApp(django_app.app_factory(options), extra_environ=HTTPS).get("/")
    [expected] = plain.headers.getall("Set-Cookie")
    [line] = served.headers.getall("Set-Cookie")
    assert line.startswith("h3=Fe26.2**")
    assert attributes(line) == attributes(expected)
    assert "Priority=High" in line
    assert "Partitioned" in line
