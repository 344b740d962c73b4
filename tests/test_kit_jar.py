"""The cookie jar behaves like a browser's storage (RFC 6265 section 5.3) for one origin."""

from __future__ import annotations

from h3conformance.jar import CookieJar, default_path
from h3conformance.setcookie import parse_cookie_date, parse_set_cookie

NOW = 1_800_000_000_000


def jar_with(*lines: str, path: str = "/") -> CookieJar:
    jar = CookieJar()
    jar.update(lines, path, NOW)
    return jar


def test_a_cookie_with_the_same_name_domain_and_path_replaces_the_old_one() -> None:
    jar = jar_with("h3=one; Path=/; HttpOnly; Secure", "h3=two; Path=/; HttpOnly; Secure")
    assert jar.header("/", NOW) == "h3=two"


def test_another_path_is_another_cookie_and_longer_paths_are_sent_first() -> None:
    jar = jar_with("h3=root; Path=/", "h3=app; Path=/app")
    assert jar.header("/app/x", NOW) == "h3=app; h3=root"
    assert jar.header("/", NOW) == "h3=root"
    assert jar.header("/application", NOW) == "h3=root"


def test_max_age_zero_deletes() -> None:
    jar = jar_with("h3=tok; Path=/")
    jar.update(["h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"], "/", NOW)
    assert jar.state("h3") == "absent"
    assert jar.header("/", NOW) is None


def test_an_expires_in_the_past_deletes() -> None:
    jar = jar_with("h3=tok; Path=/")
    jar.update(["h3=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], "/", NOW)
    assert jar.state("h3") == "absent"


def test_max_age_wins_over_expires() -> None:
    jar = jar_with("h3=tok; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60; Path=/")
    assert jar.state("h3") == "present"
    assert jar.header("/", NOW + 61_000) is None


def test_an_empty_value_without_expiry_is_kept_like_v1_clear() -> None:
    jar = jar_with("h3=tok; Path=/")
    jar.update(["h3=; Path=/; HttpOnly; Secure"], "/", NOW)  # h3-behavior c1, v1
    assert jar.state("h3") == "empty"
    assert jar.header("/", NOW) == "h3="


def test_secure_cookies_are_kept_and_sent_on_loopback() -> None:
    assert jar_with("h3=tok; Secure").header("/", NOW) == "h3=tok"
    insecure = CookieJar("example.com", secure_context=False)
    insecure.update(["h3=tok; Secure"], "/", NOW)
    assert insecure.state("h3") == "absent"


def test_a_cookie_for_another_domain_is_ignored() -> None:
    assert jar_with("h3=tok; Domain=example.com; Path=/app").state("h3") == "absent"
    other = CookieJar("www.example.com")
    other.update(["h3=tok; Domain=.Example.com"], "/", NOW)
    assert other.header("/", NOW) == "h3=tok"


def test_default_path_comes_from_the_request_path() -> None:
    assert default_path("/a/b/c?x=1") == "/a/b"
    assert default_path("/a") == "/"
    jar = jar_with("h3=tok", path="/a/b")
    assert jar.header("/a/b/c", NOW) == "h3=tok"
    assert jar.header("/", NOW) is None


def test_set_cookie_parsing_is_lenient_like_a_browser() -> None:
    cookie = parse_set_cookie(' h3 = "quoted" ; path=/x;;HttpOnly ; SameSite = Lax ; Max-Age=abc')
    assert cookie is not None
    assert (cookie.name, cookie.value) == ("h3", '"quoted"')
    assert cookie.attribute_names == ("path", "HttpOnly", "SameSite", "Max-Age")
    assert cookie.attribute("Path") == "/x"
    assert cookie.attribute("samesite") == "Lax"
    assert cookie.max_age is None  # malformed Max-Age is ignored
    nameless = parse_set_cookie("justavalue")
    assert nameless is not None
    assert (nameless.name, nameless.value) == ("", "justavalue")
    assert parse_set_cookie(" ; Path=/") is None


def test_cookie_dates_are_read_the_rfc_6265_way() -> None:
    assert parse_cookie_date("Fri, 04 Dec 2026 03:55:17 GMT") == 1_796_356_517_000
    assert parse_cookie_date("Wed, 21-Oct-15 07:28:00 GMT") == 1_445_412_480_000
    assert parse_cookie_date("04 Dec 2026 03:55:17") == 1_796_356_517_000
    assert parse_cookie_date("Fri, 31 Feb 2026 03:55:17 GMT") is None
    assert parse_cookie_date("tomorrow") is None
