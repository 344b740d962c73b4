"""A real browser: headless Chromium visits the counter page, as the README's quickstarts promise.

The reference is served by uvicorn (the Starlette app) and by gunicorn (the Flask app), and real
h3 v2 by ``node/h3-server.mjs``, each on 127.0.0.1. Playwright drives the system Chromium
(Debian's ``chromium`` package; a browser is never downloaded). Without Playwright or Chromium
these tests fail, never skip: CI forbids skips.

What Chromium does with h3's default ``Secure`` cookie on plain http (observed, Chromium 156):
127.0.0.1 is a potentially trustworthy origin, so the cookie is stored and sent back and the
count rises; under a name that is not loopback (resolved to 127.0.0.1 by the browser alone) the
same ``Set-Cookie`` is dropped and every visit is the first.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Optional

import pytest

from h3adapters.node import ensure_node_modules, h3_server
from h3adapters.serve import server_command
from h3conformance.processes import free_port, stop_process_group
from h3session import iron

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright, Response

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
CONFIG = {"password": PASSWORD, "profile": "v2"}
# Not loopback, so not a potentially trustworthy origin; --host-resolver-rules points it at
# 127.0.0.1 inside the browser only, so no request leaves the machine.
UNTRUSTED_HOST = "h3session.test"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--host-resolver-rules=MAP {UNTRUSTED_HOST} 127.0.0.1",
]
# The README's two quickstarts, each under a real server: (server, contract app).
PYTHON_TARGETS = {"uvicorn": ("uvicorn", "starlette"), "gunicorn": ("gunicorn", "flask")}
TIMEOUT_MS = 15_000


def counted(count: int) -> str:
    return f"Hello world! You have visited this page {count} times."


def chromium_executable() -> str:
    found = os.environ.get("H3_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None or not Path(found).is_file():
        pytest.fail("Chromium is missing: `apt-get install chromium` (.ci/run does), or set H3_CHROMIUM", pytrace=False)
    return found


# --- the contract app under a real Python server -------------------------------------------------


def _answers_404(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/no-such-route")
        return connection.getresponse().status == 404
    except OSError:
        return False
    finally:
        connection.close()


def _wait_until_serving(name: str, proc: subprocess.Popen[bytes], port: int, log: IO[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if _answers_404(port):
            return
        time.sleep(0.1)
    log.seek(0)
    output = log.read().decode("utf-8", "replace")
    raise RuntimeError(f"{name} did not serve on 127.0.0.1:{port} within {timeout}s:\n{output}")


@contextlib.contextmanager
def python_server(server: str, app: str, config: Mapping[str, Any], timeout: float = 30) -> Iterator[str]:
    """Run ``python -m h3adapters.serve`` on a free 127.0.0.1 port; yield its base URL."""
    port = free_port()
    env = {**os.environ, "H3_SESSION_CONFIG": json.dumps(dict(config)), "PORT": str(port)}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            server_command(server, app),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            _wait_until_serving(f"{server} ({app})", proc, port, log, timeout)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_process_group(proc)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["uvicorn", "gunicorn", pytest.param("h3-v2", marks=pytest.mark.node)])
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """One server per target for the whole module, stopped afterwards."""
    if request.param == "h3-v2":
        ensure_node_modules()
        with h3_server("v2", CONFIG) as url:
            yield url
    else:
        with python_server(*PYTHON_TARGETS[request.param], CONFIG) as url:
            yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright is missing: pip install -e '.[browser]' (it drives the system Chromium; "
            "never run `playwright install`)",
            pytrace=False,
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium with a fresh profile: no cookie from another test or another port."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=chromium_executable(), headless=True, args=CHROMIUM_FLAGS
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def visit(page: Page, url: str) -> tuple[str, Response]:
    """Navigate like a person typing the URL; return the text the page shows and the response."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url}: HTTP {response.status}"
    return page.inner_text("body").strip(), response


def set_cookie_lines(response: Response) -> list[str]:
    return [header["value"] for header in response.headers_array() if header["name"].lower() == "set-cookie"]


def cookie_sent(response: Response) -> Optional[str]:
    return response.request.all_headers().get("cookie")


# --- tests -------------------------------------------------------------------------------------


def test_three_visits_show_1_2_3_and_clear_starts_over(browser: BrowserContext, base_url: str) -> None:
    page = browser.new_page()
    shown = [visit(page, f"{base_url}/")[0] for _ in range(3)]
    assert shown == [counted(1), counted(2), counted(3)]
    assert visit(page, f"{base_url}/clear")[0] == "Session cleared"
    assert visit(page, f"{base_url}/")[0] == counted(1)


def test_the_cookie_jar_holds_h3_http_only_secure_lax(browser: BrowserContext, base_url: str) -> None:
    page = browser.new_page()
    for _ in range(2):
        visit(page, f"{base_url}/")
    jar = browser.cookies(base_url)
    assert [cookie.get("name") for cookie in jar] == ["h3"], jar
    (cookie,) = jar
    assert cookie.get("domain") == "127.0.0.1"
    assert cookie.get("path") == "/"
    assert cookie.get("httpOnly") is True
    assert cookie.get("secure") is True
    assert cookie.get("sameSite") == "Lax"  # h3 v2's default (v1 sets no SameSite)
    assert cookie.get("expires") == -1  # no maxAge configured: a browser-session cookie
    # What the browser keeps is the server's sealed session, at the count the page showed.
    session = iron.unseal(str(cookie.get("value")), PASSWORD)
    assert isinstance(session, dict)
    assert session["data"] == {"count": 2}
    # HttpOnly: page scripts cannot read it.
    assert page.evaluate("document.cookie") == ""


def test_secure_cookie_over_http_127_0_0_1_is_kept_and_sent_back(browser: BrowserContext, base_url: str) -> None:
    page = browser.new_page()
    shown, first = visit(page, f"{base_url}/")
    assert shown == counted(1)
    (line,) = set_cookie_lines(first)
    assert line.startswith("h3=Fe26.2**")
    assert "secure" in [attribute.strip().lower() for attribute in line.split(";")[1:]], line
    # Chromium treats http://127.0.0.1 as potentially trustworthy: it stores the Secure cookie
    # and sends it back over plain http.
    shown, second = visit(page, f"{base_url}/")
    assert shown == counted(2)
    sent = cookie_sent(second)
    assert sent is not None
    assert sent.startswith("h3=Fe26.2**"), sent


def test_secure_cookie_over_http_on_a_non_loopback_name_is_dropped(browser: BrowserContext, base_url: str) -> None:
    url = base_url.replace("127.0.0.1", UNTRUSTED_HOST)
    page = browser.new_page()
    for _ in range(3):
        shown, response = visit(page, f"{url}/")
        # The server sends its Secure cookie every time; Chromium refuses it on an http origin
        # that is not trustworthy, so nothing comes back and every visit is the first.
        assert len(set_cookie_lines(response)) == 1
        assert cookie_sent(response) is None
        assert shown == counted(1)
    assert browser.cookies(url) == []
