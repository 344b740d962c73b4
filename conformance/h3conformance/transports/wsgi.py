"""In-process WSGI: webtest around wsgiref's validator, with webtest's own cookie jar disabled."""

from __future__ import annotations

import http.cookiejar
import traceback
from collections.abc import Mapping
from typing import Any, Callable
from wsgiref.validate import validator

import webtest  # type: ignore[import-untyped]

from .base import Origin, Request, Response, Transport, TransportError, config_key, join_repeated

__all__ = ["WSGITarget", "WSGITransport"]

_ENVIRON = {
    "HTTP_HOST": "127.0.0.1",
    "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "443",
    "wsgi.url_scheme": "https",
    "REMOTE_ADDR": "127.0.0.1",
}


def _refuse_all() -> http.cookiejar.CookieJar:
    # The kit's jar decides what is sent; webtest must neither store nor add cookies.
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


class WSGITransport:
    def __init__(self, app: Callable[..., Any]) -> None:
        self._test_app = webtest.TestApp(
            validator(app), extra_environ=dict(_ENVIRON), cookiejar=_refuse_all(), lint=False
        )

    def send(self, request: Request) -> Response:
        test_request = webtest.TestRequest.blank(
            request.path,
            method=request.method,
            environ=dict(_ENVIRON),
            headers=join_repeated(request.headers),
        )
        test_request.body = request.body
        if not any(name.lower() == "content-type" for name, _ in request.headers):
            test_request.environ.pop("CONTENT_TYPE", None)
        # WebOb's blank() marks the body seekable, but the validator's input wrapper cannot seek and
        # no real server sets the key: WebOb-based apps (Pyramid) would fail reading the body.
        test_request.environ.pop("webob.is_body_seekable", None)
        try:
            result = self._test_app.do_request(test_request, expect_errors=True)
        except AssertionError as exc:  # wsgiref.validate: the app broke the WSGI protocol
            raise TransportError(f"the WSGI app broke the protocol: {exc}") from exc
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Response(500, (("content-type", "text/plain"),), b"Internal Server Error", detail)
        finally:
            self._test_app.reset()
        return Response(result.status_int, tuple(result.headerlist), result.body)


class WSGITarget:
    """Builds one app per distinct configuration with the adapter's app_factory."""

    origin = Origin()

    def __init__(self, app_factory: Callable[[dict[str, Any]], Any]) -> None:
        self._factory = app_factory
        self._apps: dict[str, WSGITransport] = {}

    def for_config(self, config: Mapping[str, Any]) -> Transport:
        key = config_key(config)
        if key not in self._apps:
            try:
                app = self._factory(dict(config))
            except Exception as exc:
                raise TransportError(f"app_factory failed: {exc!r}") from exc
            self._apps[key] = WSGITransport(app)
        return self._apps[key]

    def close(self) -> None:
        self._apps.clear()
