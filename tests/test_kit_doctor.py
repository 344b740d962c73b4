"""`h3conformance doctor` tells a broken adapter (and why) from a non-conformant implementation."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any, Callable

import pytest

from h3adapters.plain_wsgi import app_factory as reference_app
from h3conformance.adapter import Adapter
from h3conformance.doctor import diagnose, doctor

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def patched(path: str, answer: Callable[[], tuple[str, str]]) -> Callable[[Mapping[str, Any]], WSGIApp]:
    """The reference contract app, except that `path` answers (status line, body) or raises."""

    def factory(config: Mapping[str, Any]) -> WSGIApp:
        inner = reference_app(config)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != path:
                return inner(environ, start_response)
            status, body = answer()
            start_response(status, [("Content-Type", "text/plain")])
            return [body.encode()]

        return app

    return factory


def run_doctor(factory: Callable[[Mapping[str, Any]], Any]) -> tuple[bool, str]:
    out = io.StringIO()
    healthy = doctor(Adapter("probe", "wsgi", lambda config: factory(config)), ["v2"], out)
    return healthy, out.getvalue()


def test_the_reference_is_healthy() -> None:
    healthy, out = run_doctor(reference_app)
    assert healthy
    assert out.splitlines()[-1].startswith("probe: healthy: every contract route answers as expected")


def test_a_route_answering_501_is_not_implemented() -> None:
    healthy, out = run_doctor(patched("/multi", lambda: ("501 Not Implemented", "TODO: implement GET /multi")))
    assert not healthy
    assert "TODO   [v2] GET /multi answers JSON with the counts of two sessions" in out
    assert "       answered 501: TODO: implement GET /multi" in out
    assert "probe: broken: routes not implemented: GET /multi" in out


def test_a_route_that_raises_is_broken_with_the_error_shown() -> None:
    def boom() -> tuple[str, str]:
        raise LookupError("no such table: sessions")

    healthy, out = run_doctor(patched("/data", boom))
    assert not healthy
    assert "BROKEN [v2] GET /data answers JSON with id, createdAt and data" in out
    assert "LookupError: no such table: sessions" in out
    assert "probe: broken: routes raise errors: GET /data" in out


def test_a_route_answering_something_else_is_broken() -> None:
    healthy, out = run_doctor(patched("/clear", lambda: ("200 OK", "cleared!")))
    assert not healthy
    assert "probe: broken: routes answer unlike CONTRACT.md: GET /clear" in out


def test_answering_200_to_unknown_paths_is_broken() -> None:
    healthy, out = run_doctor(patched("/h3conformance-no-such-route", lambda: ("200 OK", "")))
    assert "probe: broken: routes answer unlike CONTRACT.md: any other path (404)" in out
    assert not healthy


def test_routes_that_answer_but_seal_with_another_password_are_non_conformant() -> None:
    def factory(config: Mapping[str, Any]) -> Any:
        return reference_app({**config, "password": "another-password-of-at-least-32-characters"})

    out = io.StringIO()
    diagnosis = diagnose(Adapter("probe", "wsgi", factory), ["v1"], out)
    assert not diagnosis.healthy
    assert not diagnosis.broken
    assert list(diagnosis.problems) == ["session"]
    assert diagnosis.verdict_lines()[0] == (
        "probe: non-conformant: every route answers, but the session does not behave like h3's: GET /"
    )


def test_an_app_factory_that_raises_cannot_be_reached_and_is_reported_once_per_profile() -> None:
    def factory(config: Mapping[str, Any]) -> Any:
        raise ImportError("No module named 'myframework'")

    out = io.StringIO()
    assert not doctor(Adapter("probe", "wsgi", factory), ["v1", "v2"], out)
    lines = out.getvalue().splitlines()
    assert [line[:11] for line in lines if line.startswith("BROKEN")] == ["BROKEN [v1]", "BROKEN [v2]"]
    assert "No module named 'myframework'" in out.getvalue()
    assert "probe: broken: the implementation cannot be started or reached" in lines


@pytest.mark.parametrize("status", [404, 405])
def test_404_and_405_on_a_contract_route_mean_not_implemented(status: int) -> None:
    healthy, out = run_doctor(patched("/update", lambda: (f"{status} Nope", "")))
    assert not healthy
    assert f"answered {status}: (empty body)" in out
    assert "probe: broken: routes not implemented: POST /update" in out
