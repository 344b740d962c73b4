"""The WSGI framework adapters and the WSGI servers pass the whole scenario set, both profiles.

Expected failures come only from the adapters' expectations files, each with a reason.  The
webtest checks below exercise each adapter directly, without the kit, so a failure there points
at the adapter rather than at the kit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import webtest  # type: ignore[import-untyped]

from _adapter_runs import assert_all_pass, run_scenarios
from h3adapters import serve, wsgi_registry
from h3conformance import _toml
from h3conformance.adapter import load_adapter
from h3conformance.loader import ScenarioSet
from h3conformance.transports import Request
from h3conformance.transports.command import Server

FRAMEWORKS = ("wsgi", "flask", "django", "bottle", "pyramid", "falcon")
SERVERS = ("gunicorn", "waitress")
PROFILES = ("v1", "v2")
PASSWORD = "a-password-of-at-least-32-characters!"
HTTPS = {"wsgi.url_scheme": "https", "HTTP_HOST": "127.0.0.1"}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", FRAMEWORKS)
def test_framework_adapter_passes_every_scenario(name: str, profile: str, scenarios: ScenarioSet) -> None:
    assert_all_pass(run_scenarios(name, profile, scenarios))


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", SERVERS)
def test_server_adapter_passes_every_scenario(name: str, profile: str, scenarios: ScenarioSet) -> None:
    assert_all_pass(run_scenarios(name, profile, scenarios))


def test_server_expectations_include_the_reference_ones() -> None:
    def entries(path: Path) -> set[tuple[str, str, str]]:
        table = _toml.loads(path.read_text(encoding="utf-8"))["expected_failures"]
        flat = {("", key, value) for key, value in table.items() if isinstance(value, str)}
        return flat | {(p, k, v) for p in PROFILES for k, v in table.get(p, {}).items()}

    missing = entries(wsgi_registry.REFERENCE_EXPECTATIONS) - entries(wsgi_registry.SERVER_EXPECTATIONS)
    assert not missing


# -- each adapter by hand ------------------------------------------------------------------------


@pytest.fixture(params=FRAMEWORKS)
def client(request: pytest.FixtureRequest) -> webtest.TestApp:
    factory = load_adapter(request.param).app_factory
    assert factory is not None
    return webtest.TestApp(factory({"password": PASSWORD, "profile": "v2"}), extra_environ=HTTPS)


def counter(count: int) -> str:
    return f"Hello world! You have visited this page {count} times."


def test_counter_counts_through_the_cookie(client: webtest.TestApp) -> None:
    for count in (1, 2, 3):
        assert client.get("/").text == counter(count)


def test_clear_deletes_the_session(client: webtest.TestApp) -> None:
    client.get("/")
    cleared = client.get("/clear")
    assert cleared.text == "Session cleared"
    assert cleared.headers.getall("Set-Cookie") == ["h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"]
    assert client.get("/").text == counter(1)


def test_fail_answers_500_with_the_session_cookie(client: webtest.TestApp) -> None:
    failed = client.get("/fail", expect_errors=True)
    assert failed.status_int == 500
    [line] = failed.headers.getall("Set-Cookie")
    assert line.startswith("h3=Fe26.2**")
    assert json.loads(client.get("/data").text)["data"] == {"failed": True}


def test_multi_keeps_two_sessions(client: webtest.TestApp) -> None:
    client.get("/")
    both = client.get("/multi")
    assert json.loads(both.text) == {"first": 2, "second": 1}
    assert [line.split("=", 1)[0] for line in both.headers.getall("Set-Cookie")] == ["h3", "h3-alt"]


def test_update_merges_json_and_unknown_paths_are_404(client: webtest.TestApp) -> None:
    client.get("/")
    updated = client.post("/update", json.dumps({"user": "ada"}))
    assert json.loads(updated.text) == {"count": 1, "user": "ada"}
    assert client.get("/nowhere", expect_errors=True).status_int == 404


def test_a_refused_config_fails_each_request_not_the_factory() -> None:
    for name in FRAMEWORKS:
        factory = load_adapter(name).app_factory
        assert factory is not None
        app = webtest.TestApp(factory({"password": "too short"}), extra_environ=HTTPS)
        assert app.get("/", expect_errors=True).status_int == 500, name


# -- the servers -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVERS)
def test_server_serves_the_plain_wsgi_app_on_loopback(name: str) -> None:
    server = Server(serve.server_command(name, "wsgi"), {"password": PASSWORD, "profile": "v2"})
    try:
        assert server.base_url.startswith("http://127.0.0.1:")
        first = server.send(Request("GET", "/"))
        assert first.text == counter(1)
        [line] = first.set_cookies
        cookie = line.split(";", 1)[0]
        assert server.send(Request("GET", "/", (("cookie", cookie),))).text == counter(2)
        failed = server.send(Request("GET", "/fail", (("cookie", cookie),)))
        assert failed.status == 500
        assert len(failed.set_cookies) == 1
    finally:
        server.stop()


def test_server_command_refuses_an_unknown_server() -> None:
    with pytest.raises(ValueError, match="unknown server"):
        serve.server_command("nginx", "flask")


def test_serve_needs_a_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    with pytest.raises(SystemExit):
        serve.main(["--server", "waitress", "--app", "flask"])
