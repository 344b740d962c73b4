"""The contract app as a bare WSGI callable inside ``h3session.wsgi.SessionMiddleware``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from h3conformance.adapter import Adapter
from h3session import use_session
from h3session.wsgi import SessionMiddleware

from ._contract import respond

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_REASONS = {200: "200 OK", 404: "404 Not Found"}


def app_factory(options: Mapping[str, Any]) -> WSGIApplication:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        status, content_type, text = respond(
            environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/", body, lambda c: use_session(environ, c), options
        )
        payload = text.encode("utf-8")
        start_response(_REASONS[status], [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
        return [payload]

    return SessionMiddleware(app)


_EXPECTATIONS = Path(__file__).with_name("expectations") / "reference.toml"
ADAPTER = Adapter(
    "wsgi",
    "wsgi",
    app_factory,
    expectations=_EXPECTATIONS,
    description="a bare WSGI app inside h3session.wsgi.SessionMiddleware",
)
