"""Header injection: nothing in session data or cookie options can break out of the Set-Cookie line.

Session data travels inside the iron seal, and a sealed token is spelled in the
Fe26.2 alphabet (``A-Z a-z 0-9 - _ * .``): whatever the data holds (``;``,
CR/LF, NUL, non-ASCII, a whole ``Set-Cookie:`` header), the cookie value cannot
carry it.  Options that *are* written verbatim (``name``, ``Path``, ``Domain``,
``sessionHeader``) are checked when the config is built: a ``;``, a control
character or a non-ASCII character is a :class:`~h3session.ConfigError`.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _reliability import PASSWORD, TOKEN_VALUE, call_asgi, call_wsgi, check_set_cookie
from h3session import ConfigError, CookieOptions, SessionConfig, SessionContext, use_session
from h3session.asgi import SessionMiddleware as AsgiMiddleware
from h3session.engine import get_session, open_session
from h3session.wsgi import SessionMiddleware as WsgiMiddleware

# On a failure hypothesis imports libcst to suggest a patch; with some mypy_extensions versions that import
# warns, and filterwarnings=error turns the warning into an INTERNALERROR that hides the failing example.
with warnings.catch_warnings(), contextlib.suppress(ImportError):
    warnings.simplefilter("ignore", DeprecationWarning)
    import hypothesis.extra._patching  # noqa: F401

NOW = 1_795_751_712_798
PROFILES = ("v1", "v2")
HOSTILE_STRINGS = [
    "a;b",
    "x\r\nSet-Cookie: evil=1",
    "\r\n\r\n<html>",
    "nul\x00byte",
    "Zoë 🍪 日本語",
    "\u2028\u2029\ufeff",
    "\ud800 lone surrogate",
    'quote" and \\ backslash',
    "; Domain=evil.example; Path=/",
    "%0D%0ASet-Cookie:%20evil=1",
    "=" * 50,
]


def hostile_data() -> dict[str, Any]:
    data: dict[str, Any] = {f"k{i}": s for i, s in enumerate(HOSTILE_STRINGS)}
    data.update({s: i for i, s in enumerate(HOSTILE_STRINGS)})
    data["nested"] = {"list": HOSTILE_STRINGS, "deep": {"x;y": "\r\n"}}
    return data


def stored_lines(profile: str, data: dict[str, Any]) -> tuple[SessionConfig, list[str]]:
    config = SessionConfig(password=PASSWORD, profile=profile)  # type: ignore[arg-type]
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    open_session(ctx, config).update(data)
    return config, ctx.set_cookie_lines()


def read_back(config: SessionConfig, lines: list[str]) -> dict[str, Any]:
    cookie = "; ".join(line.split(";", 1)[0] for line in lines)
    return get_session(SessionContext.from_headers({"cookie": cookie}, now=lambda: NOW), config).data


@pytest.mark.parametrize("profile", PROFILES)
def test_hostile_session_data_stays_inside_the_token(profile: str) -> None:
    data = hostile_data()
    config, lines = stored_lines(profile, data)
    for line in lines:
        value = check_set_cookie(line, "h3")
        assert TOKEN_VALUE.fullmatch(value)
        assert line.count(";") == line.count("; "), "a bare ';' inside the line"
    assert read_back(config, lines) == data


def test_a_hostile_chunked_session_stays_inside_its_chunks() -> None:
    data = {"big": "\r\n;é🍪\x00" * 3000}
    config, lines = stored_lines("v2", data)
    assert len(lines) > 2, "expected chunks"
    for line in lines:
        check_set_cookie(line, "h3")
    assert read_back(config, lines) == data


json_text = st.text(st.characters(exclude_categories=()), max_size=30)
json_data = st.dictionaries(
    json_text, st.recursive(json_text | st.integers() | st.booleans() | st.none(), st.lists, max_leaves=5), max_size=5
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_data, st.sampled_from(PROFILES))
def test_any_session_data_gives_safe_set_cookie_lines(data: dict[str, Any], profile: str) -> None:
    config, lines = stored_lines(profile, data)
    for line in lines:
        check_set_cookie(line, "h3")
    assert read_back(config, lines) == data


def _wsgi_app(profile: str) -> Any:
    def app(environ: Any, start_response: Any) -> list[bytes]:
        use_session(environ, SessionConfig(password=PASSWORD, profile=profile)).update(hostile_data())  # type: ignore[arg-type]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return WsgiMiddleware(app)


def _asgi_app(profile: str) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        use_session(scope, SessionConfig(password=PASSWORD, profile=profile)).update(hostile_data())  # type: ignore[arg-type]
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    return AsgiMiddleware(app)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_middleware_headers_carry_no_control_or_non_ascii_bytes(profile: str) -> None:
    for reply in (call_wsgi(_wsgi_app(profile), "GET", "/"), call_asgi(_asgi_app(profile), "GET", "/")):
        assert reply.status == 200
        for name, value in reply.headers:
            assert value.isascii(), f"{name}: {value!r}"
            assert value.isprintable(), f"{name}: {value!r}"
        (line,) = reply.set_cookies()
        check_set_cookie(line, "h3")


# --- options written verbatim are refused at configuration time ------------------------------------------

BAD_ATTRIBUTE_VALUES = [
    "/a;b",
    "/a\r\nSet-Cookie: evil=1",
    "/a\nb",
    "/a\rb",
    "/a\x00b",
    "/a\x7fb",
    "/é",
    "/日本",
    "/a\tb",
]
BAD_DOMAINS = ["example.com; Secure", "example.com\r\nX: y", "exa\x00mple.com", "exämple.com", "例え.jp"]
BAD_NAMES = ["a;b", "a b", "a=b", "h3\r\n", "h3\x00", "é", "a,b", 'a"b', "", "a\tb"]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("path", BAD_ATTRIBUTE_VALUES)
def test_a_path_that_could_inject_is_refused(profile: str, path: str) -> None:
    with pytest.raises(ConfigError, match="path"):
        SessionConfig(password=PASSWORD, profile=profile, cookie=CookieOptions(path=path))  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        SessionConfig.from_h3({"password": PASSWORD, "profile": profile, "cookie": {"path": path}})


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("domain", BAD_DOMAINS)
def test_a_domain_that_could_inject_is_refused(profile: str, domain: str) -> None:
    with pytest.raises(ConfigError, match="domain"):
        SessionConfig(password=PASSWORD, profile=profile, cookie=CookieOptions(domain=domain))  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_cookie_name_that_is_not_a_token_is_refused(profile: str, name: str) -> None:
    with pytest.raises(ConfigError, match="name"):
        SessionConfig(password=PASSWORD, profile=profile, name=name, session_header=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("header", ["x-a\r\nb", "x a", "x;a", "x-é", ""])
def test_a_session_header_that_is_not_a_token_is_refused(header: str) -> None:
    with pytest.raises(ConfigError, match="session_header"):
        SessionConfig(password=PASSWORD, session_header=header)


@pytest.mark.parametrize(("option", "value"), [("same_site", "Lax\r\nX: y"), ("priority", "high; Secure")])
def test_enumerated_attributes_accept_only_their_values(option: str, value: str) -> None:
    options: dict[str, Any] = {option: value}
    with pytest.raises(ConfigError):
        SessionConfig(password=PASSWORD, cookie=CookieOptions(**options))


@pytest.mark.parametrize("profile", PROFILES)
def test_ordinary_options_are_still_accepted(profile: str) -> None:
    cookie = CookieOptions(path="/app/with space", domain="sessions.example.com", same_site="strict")
    config = SessionConfig(password=PASSWORD, profile=profile, name="__Secure-app_sid", cookie=cookie)  # type: ignore[arg-type]
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    open_session(ctx, config)
    (line,) = ctx.set_cookie_lines()
    check_set_cookie(line, "__Secure-app_sid")
    assert "; Domain=sessions.example.com; Path=/app/with space;" in line
