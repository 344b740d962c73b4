"""The ASGI framework and server adapters pass every conformance scenario, in both profiles.

The only failures allowed are the expected ones their expectations file lists with a reason.
The smoke tests below say the same in a few readable requests, and pin the reference glue the
adapters use (``h3session.fastapi``, ``h3session.falcon``, ``h3session.django`` under ASGI).
"""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
from collections.abc import Awaitable
from typing import Any, Callable
from wsgiref.util import setup_testing_defaults

import httpx
import pytest

from _adapter_runs import assert_all_pass, run_scenarios
from h3conformance.loader import ScenarioSet
from h3session import SessionConfig, SessionManager, use_session, use_session_async

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
PROFILES = ("v1", "v2")
FRAMEWORKS = {
    "starlette": "starlette_app",
    "fastapi": "fastapi_app",
    "quart": "quart_app",
    "litestar": "litestar_app",
    "django-asgi": "django_asgi_app",
    "falcon-asgi": "falcon_asgi_app",
}
SERVERS = ("uvicorn", "hypercorn", "granian")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_framework_adapter_passes_every_scenario(name: str, profile: str, scenarios: ScenarioSet) -> None:
    assert_all_pass(run_scenarios(name, profile, scenarios))


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", SERVERS)
def test_server_adapter_passes_every_scenario(name: str, profile: str, scenarios: ScenarioSet) -> None:
    assert_all_pass(run_scenarios(name, profile, scenarios))


def _client(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="https://testserver")


async def _smoke(app: Any) -> None:
    async with _client(app) as client:
        for count in (1, 2, 3):
            response = await client.get("/")
            assert response.text == f"Hello world! You have visited this page {count} times."
        assert (await client.post("/update", json={"a": 1})).json() == {"count": 3, "a": 1}
        assert (await client.get("/clear")).text == "Session cleared"
        assert (await client.get("/")).text == "Hello world! You have visited this page 1 times."
        failed = await client.get("/fail")
        assert failed.status_code == 500
        assert [line.split("=", 1)[0] for line in failed.headers.get_list("set-cookie")] == ["h3"]
        multi = await client.get("/multi")
        assert multi.json() == {"first": 2, "second": 1}
        assert [line.split("=", 1)[0] for line in multi.headers.get_list("set-cookie")] == ["h3", "h3-alt"]
        assert (await client.get("/elsewhere")).status_code == 404


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("module", list(FRAMEWORKS.values()))
def test_contract_app_counts_clears_fails_with_cookie_and_keeps_two_sessions(module: str, profile: str) -> None:
    factory = importlib.import_module(f"h3adapters.{module}").app_factory
    asyncio.run(_smoke(factory({"password": PASSWORD, "profile": profile})))


@pytest.mark.parametrize("module", list(FRAMEWORKS.values()))
def test_a_refused_config_fails_session_routes_but_not_the_factory(module: str) -> None:
    app = importlib.import_module(f"h3adapters.{module}").app_factory({"password": "too short"})

    async def check() -> None:
        async with _client(app) as client:
            assert (await client.get("/")).status_code == 500
            assert (await client.get("/elsewhere")).status_code == 404

    asyncio.run(check())


def test_h3session_imports_no_framework() -> None:
    frameworks = "{'fastapi', 'falcon', 'django', 'starlette'}"
    code = f"import h3session, h3session.asgi, sys; print(sorted({frameworks} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _fastapi_app(dependency: Callable[..., Awaitable[SessionManager]], default: SessionConfig | None) -> Any:
    from fastapi import Depends, FastAPI

    from h3session.asgi import SessionMiddleware

    app = FastAPI()
    app.add_middleware(SessionMiddleware, config=default)
    session_of = Depends(dependency)

    @app.get("/")
    async def index(session: SessionManager = session_of) -> dict[str, Any]:
        session.update({"n": (session.data.get("n") or 0) + 1})
        return {"name": session.config.name, "n": session.data["n"]}

    return app


@pytest.mark.parametrize("how", ["config", "middleware default", "provider"])
def test_fastapi_session_dependency_takes_a_config_the_middleware_default_or_a_provider(how: str) -> None:
    from h3session.fastapi import session_dependency

    config = SessionConfig(PASSWORD, name="deps")
    dependency = {
        "config": session_dependency(config),
        "middleware default": session_dependency(),
        "provider": session_dependency(lambda: config),
    }[how]
    app = _fastapi_app(dependency, config if how == "middleware default" else None)

    async def check() -> None:
        async with _client(app) as client:
            assert (await client.get("/")).json() == {"name": "deps", "n": 1}
            assert (await client.get("/")).json() == {"name": "deps", "n": 2}

    asyncio.run(check())


def _falcon_resource() -> Any:
    first, second = SessionConfig(PASSWORD), SessionConfig(PASSWORD, name="h3-alt")

    class Resource:
        def on_get(self, req: Any, resp: Any) -> None:
            for config in (first, second):
                use_session(req, config).update({"seen": True})
            resp.text = "ok"

        async def on_get_async(self, req: Any, resp: Any) -> None:
            for config in (first, second):
                (await use_session_async(req, config)).update({"seen": True})
            resp.text = "ok"

    return Resource()


def test_falcon_component_sends_each_session_cookie_under_wsgi() -> None:
    import falcon

    from h3session.falcon import H3SessionMiddleware

    app = falcon.App(middleware=[H3SessionMiddleware()])
    app.add_route("/", _falcon_resource())
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    seen: list[tuple[str, str]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        seen.extend(headers)
        return lambda chunk: None

    body = b"".join(app(environ, start_response))
    assert body == b"ok"
    assert [v.split("=", 1)[0] for k, v in seen if k.lower() == "set-cookie"] == ["h3", "h3-alt"]


def test_falcon_component_sends_each_session_cookie_under_asgi() -> None:
    import falcon.asgi

    from h3session.falcon import H3SessionMiddleware

    app = falcon.asgi.App(middleware=[H3SessionMiddleware()])
    app.add_route("/", _falcon_resource(), suffix="async")

    async def check() -> None:
        async with _client(app) as client:
            response = await client.get("/")
            assert [v.split("=", 1)[0] for v in response.headers.get_list("set-cookie")] == ["h3", "h3-alt"]

    asyncio.run(check())


def test_django_middleware_under_asgi_reads_every_cookie_line() -> None:
    # Django's META joins several Cookie lines with ","; the middleware reads the raw ASGI headers.
    from h3adapters.django_asgi_app import app_factory

    app = app_factory({"password": PASSWORD})

    async def check() -> None:
        async with _client(app) as client:
            first = await client.get("/data")
            token = first.headers["set-cookie"].split(";", 1)[0]
            request = client.build_request("GET", "/data", headers=[("cookie", "foo=bar"), ("cookie", token)])
            again = await client.send(request)
            assert again.json()["id"] == first.json()["id"]
            assert "set-cookie" not in again.headers

    asyncio.run(check())


def test_serve_needs_a_port_and_a_known_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from h3adapters import serve

    monkeypatch.delenv("PORT", raising=False)

    with pytest.raises(SystemExit):
        serve.main(["--server", "uvicorn", "--app", "starlette"])
    with pytest.raises(SystemExit):
        serve.main(["--server", "nginx", "--app", "starlette"])
    with pytest.raises(ValueError, match="unknown server"):
        serve.server_command("nginx", "starlette")
    assert serve.server_command("granian", "starlette")[-4:] == ["--server", "granian", "--app", "starlette"]
