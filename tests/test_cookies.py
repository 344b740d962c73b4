"""``h3session.cookies``: the Cookie header as each h3 reads it, Set-Cookie as each h3 writes it, v2 chunks.

Expected lines are copied from h3-behavior.md (rows c1, f1, f3, f3c, f4, h1-h6) with the
token replaced by a placeholder; parsing cases were checked against cookie-es 1.2.3 (v1)
and h3 2.0.8's ``parseCookies`` (v2).
"""

from __future__ import annotations

import pytest

from h3session.cookies import (
    CHUNKED_PREFIX,
    MAX_AGE_LIMIT,
    CookieAttributes,
    ResponseCookies,
    chunk_count,
    decode_uri_component,
    dedupe_key,
    delete_chunked,
    encode_uri_component,
    http_date,
    parse_cookie_header,
    read_chunked,
    serialize,
    split_value,
    write_chunked,
)
from h3session.errors import CookieError, CookieTooLargeError

PROFILES = ("v1", "v2")
V1_DEFAULT = CookieAttributes(path="/", http_only=True, secure=True)
V2_DEFAULT = CookieAttributes(path="/", http_only=True, secure=True, same_site="lax")
F1_CREATED_AT = 1795751717379  # f1 v1: Expires = createdAt + 7 days = Fri, 04 Dec 2026 03:55:17 GMT


# --- parsing (rows j1, j2, j3, j5, j6; item 13) -------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_j1_first_occurrence_of_a_name_wins(profile: str) -> None:
    assert parse_cookie_header("h3=garbage; h3=valid", profile) == {"h3": "garbage"}
    assert parse_cookie_header("h3=valid; h3=garbage", profile) == {"h3": "valid"}


def test_j2_v1_strips_double_quotes_and_v2_keeps_them() -> None:
    assert parse_cookie_header('h3="Fe26.2*x"', "v1") == {"h3": "Fe26.2*x"}
    assert parse_cookie_header('h3="Fe26.2*x"', "v2") == {"h3": '"Fe26.2*x"'}
    assert parse_cookie_header('a="q', "v1") == {"a": ""}  # cookie-es drops the first and last character
    assert parse_cookie_header('a="q', "v2") == {"a": '"q'}


@pytest.mark.parametrize("profile", PROFILES)
def test_j3_percent_escapes_are_decoded_and_bad_ones_kept_raw(profile: str) -> None:
    assert parse_cookie_header("h3=a%2Ab", profile) == {"h3": "a*b"}
    assert parse_cookie_header("a=%zz; b=%41", profile) == {"a": "%zz", "b": "A"}
    assert parse_cookie_header("a=%E0%A4%A", profile) == {"a": "%E0%A4%A"}
    assert parse_cookie_header("a=%C3%A9%F0%9F%8D%AA", profile) == {"a": "é🍪"}
    assert parse_cookie_header("a=%ED%A0%80", profile) == {"a": "%ED%A0%80"}  # an encoded surrogate throws in JS


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("foo=bar;h3=v;baz=qux", {"foo": "bar", "h3": "v", "baz": "qux"}),
        ("h3 = v ", {"h3": "v"}),
        ("a=\t v \t", {"a": "v"}),
        ("foo=bar; h3=v", {"foo": "bar", "h3": "v"}),  # two Cookie lines as Node joins them
        ("novalue; h3=v", {"h3": "v"}),
        ("=v; h3=w", {"": "v", "h3": "w"}),
        ("a=1;;b=2", {"a": "1", "b": "2"}),
        ("k=a=b", {"k": "a=b"}),
        ("x", {}),
        ("", {}),
    ],
)
def test_j5_separators_and_whitespace(profile: str, header: str, expected: dict[str, str]) -> None:
    assert parse_cookie_header(header, profile) == expected


def test_j5_v1_trims_all_javascript_whitespace_v2_only_spaces_and_tabs() -> None:
    assert parse_cookie_header("a=\u00a0v\u00a0", "v1") == {"a": "v"}
    assert parse_cookie_header("a=\u00a0v\u00a0", "v2") == {"a": "\u00a0v\u00a0"}


@pytest.mark.parametrize("profile", PROFILES)
def test_j6_names_are_case_sensitive(profile: str) -> None:
    cookies = parse_cookie_header("H3=v", profile)
    assert cookies == {"H3": "v"}
    assert "h3" not in cookies


def test_uri_component_codec_matches_javascript() -> None:
    assert encode_uri_component("a b;c=d*é🍪") == "a%20b%3Bc%3Dd*%C3%A9%F0%9F%8D%AA"
    assert encode_uri_component("-_.!~*'()") == "-_.!~*'()"
    assert decode_uri_component("%41%2a") == "A*"
    with pytest.raises(ValueError, match="malformed"):
        decode_uri_component("%4")
    with pytest.raises(UnicodeDecodeError):
        decode_uri_component("%FF")


# --- Set-Cookie lines (item 10; rows c1, f1, f3, f3c, f4) ----------------------------------------


def test_a1_default_attributes_per_profile() -> None:
    assert serialize("h3", "TOKEN", V1_DEFAULT, "v1") == "h3=TOKEN; Path=/; HttpOnly; Secure"
    assert serialize("h3", "TOKEN", V2_DEFAULT, "v2") == "h3=TOKEN; Path=/; HttpOnly; Secure; SameSite=Lax"


def test_f1_docs_options_give_an_imf_fixdate_expires() -> None:
    attrs = CookieAttributes(
        path="/", http_only=True, secure=True, same_site="strict", expires_ms=F1_CREATED_AT + 604_800_000
    )
    expected = "my-session=TOKEN; Path=/; Expires=Fri, 04 Dec 2026 03:55:17 GMT; HttpOnly; Secure; SameSite=Strict"
    for profile in PROFILES:
        assert serialize("my-session", "TOKEN", attrs, profile) == expected


def test_http_date_drops_milliseconds_and_pads_fields() -> None:
    assert http_date(1796356517379) == "Fri, 04 Dec 2026 03:55:17 GMT"
    assert http_date(1796356517999) == "Fri, 04 Dec 2026 03:55:17 GMT"
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert http_date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT"
    assert http_date(951782400000) == "Tue, 29 Feb 2000 00:00:00 GMT"


F3 = CookieAttributes(
    path="/app", domain="example.com", secure=False, http_only=False, same_site="lax", priority="high"
)


@pytest.mark.parametrize("profile", PROFILES)
def test_f3_overrides_keep_domain_path_priority_samesite_order(profile: str) -> None:
    assert (
        serialize("h3", "TOKEN", F3, profile) == "h3=TOKEN; Domain=example.com; Path=/app; Priority=High; SameSite=Lax"
    )


def test_f3_clear_lines_per_profile() -> None:
    assert serialize("h3", "", F3, "v1") == "h3=; Domain=example.com; Path=/app; Priority=High; SameSite=Lax"
    out = ResponseCookies()
    out.delete("h3", F3, "v2")
    assert out.lines() == ["h3=; Max-Age=0; Domain=example.com; Path=/app; Priority=High; SameSite=Lax"]


def test_f3c_partitioned_comes_last_in_v1_and_before_priority_in_v2() -> None:
    attrs = CookieAttributes(path="/", http_only=True, secure=True, same_site="none", partitioned=True, priority="low")
    assert (
        serialize("h3", "T", attrs, "v1") == "h3=T; Path=/; HttpOnly; Secure; Priority=Low; SameSite=None; Partitioned"
    )
    assert (
        serialize("h3", "T", attrs, "v2") == "h3=T; Path=/; HttpOnly; Secure; Partitioned; Priority=Low; SameSite=None"
    )


def test_f4_cookie_max_age_leads_and_v1_keeps_it_on_clear() -> None:
    attrs = CookieAttributes(path="/", http_only=True, secure=True, max_age=3600)
    assert serialize("h3", "T", attrs, "v1") == "h3=T; Max-Age=3600; Path=/; HttpOnly; Secure"
    assert serialize("h3", "", attrs, "v1") == "h3=; Max-Age=3600; Path=/; HttpOnly; Secure"


def test_the_full_attribute_order_of_item_10() -> None:
    attrs = CookieAttributes(
        path="/p",
        domain="d.example",
        expires_ms=0,
        max_age=5,
        http_only=True,
        secure=True,
        same_site="strict",
        partitioned=True,
        priority="medium",
    )
    head = "n=v; Max-Age=5; Domain=d.example; Path=/p; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure"
    assert serialize("n", "v", attrs, "v1") == head + "; Priority=Medium; SameSite=Strict; Partitioned"
    assert serialize("n", "v", attrs, "v2") == head + "; Partitioned; Priority=Medium; SameSite=Strict"


def test_max_age_is_floored_in_v1_and_clamped_in_v2() -> None:
    assert serialize("n", "v", CookieAttributes(max_age=1.9), "v1") == "n=v; Max-Age=1"
    assert serialize("n", "v", CookieAttributes(max_age=10**9), "v1") == f"n=v; Max-Age={10**9}"
    assert serialize("n", "v", CookieAttributes(max_age=10**9), "v2") == f"n=v; Max-Age={MAX_AGE_LIMIT}"
    assert serialize("n", "v", CookieAttributes(max_age=-5), "v2") == "n=v; Max-Age=0"
    with pytest.raises(CookieError, match="maxAge"):
        serialize("n", "v", CookieAttributes(max_age=1.5), "v2")


@pytest.mark.parametrize("max_age", [float("inf"), float("nan")])
@pytest.mark.parametrize("profile", PROFILES)
def test_non_finite_max_age_is_a_cookie_error(profile: str, max_age: float) -> None:
    with pytest.raises(CookieError, match="maxAge"):
        serialize("n", "v", CookieAttributes(max_age=max_age), profile)


def test_samesite_true_is_strict_and_false_is_absent() -> None:
    assert serialize("n", "v", CookieAttributes(same_site=True), "v1") == "n=v; SameSite=Strict"
    assert serialize("n", "v", CookieAttributes(same_site=False, secure=True), "v2") == "n=v; Secure"
    with pytest.raises(CookieError, match="sameSite"):
        serialize("n", "v", CookieAttributes(same_site="sometimes"), "v1")
    with pytest.raises(CookieError, match="priority"):
        serialize("n", "v", CookieAttributes(priority="urgent"), "v2")
    with pytest.raises(CookieError, match="priority"):
        serialize("n", "v", CookieAttributes(priority=True), "v1")  # type: ignore[arg-type]


def test_values_are_uri_encoded() -> None:
    assert serialize("n", "a b;c", CookieAttributes(), "v2") == "n=a%20b%3Bc"


def test_f3b_v2_refuses_samesite_none_without_secure_and_v1_emits_it() -> None:
    attrs = CookieAttributes(path="/", http_only=True, secure=False, same_site="none")
    assert serialize("h3", "T", attrs, "v1") == "h3=T; Path=/; HttpOnly; SameSite=None"
    with pytest.raises(CookieError, match=r"^SameSite=None cookies must have the Secure attribute$"):
        serialize("h3", "T", attrs, "v2")


@pytest.mark.parametrize(
    ("name", "attrs", "message"),
    [
        ("h3", CookieAttributes(partitioned=True), "Partitioned cookies must have the Secure attribute"),
        ("__Secure-x", CookieAttributes(), "__Secure-x cookies must have the Secure attribute"),
        ("__Host-x", CookieAttributes(secure=True, path="/app"), "__Host- cookies must have Path=/"),
        ("__Host-x", CookieAttributes(secure=True, path="/", domain="a.b"), "__Host- cookies"),
        ("h3", CookieAttributes(domain="bad domain"), "option domain is invalid"),
        ("h3", CookieAttributes(path="/a;b"), "option path is invalid"),
        ("bad name", CookieAttributes(), "argument name is invalid"),
        ("a=b", CookieAttributes(), "argument name is invalid"),
    ],
)
def test_v2_validates_more_than_v1(name: str, attrs: CookieAttributes, message: str) -> None:
    with pytest.raises(CookieError, match=message):
        serialize(name, "v", attrs, "v2")


def test_v1_validates_field_content_only() -> None:
    assert serialize("bad name", "v", CookieAttributes(path="/a b"), "v1") == "bad name=v; Path=/a b"
    with pytest.raises(CookieError, match="argument name is invalid"):
        serialize("bad\nname", "v", CookieAttributes(), "v1")
    with pytest.raises(CookieError, match="option path is invalid"):
        serialize("n", "v", CookieAttributes(path="/\r\n"), "v1")


# --- replace-by-key (row b, item 2) ---------------------------------------------------------------


def test_b_setting_a_name_twice_keeps_only_the_last_at_the_end() -> None:
    for profile in PROFILES:
        out = ResponseCookies()
        out.set("h3", "first", V2_DEFAULT, profile)
        out.set("other", "x", V2_DEFAULT, profile)
        out.set("h3", "second", V2_DEFAULT, profile)
        assert out.names() == ["other", "h3"]
        assert out.lines()[1].startswith("h3=second;")


def test_a_missing_path_defaults_to_root() -> None:
    out = ResponseCookies()
    out.set("h3", "v", CookieAttributes(), "v2")
    assert out.lines() == ["h3=v; Path=/"]


def test_dedupe_keys_v1_name_domain_path_v2_adds_partitioned_and_folds_domain() -> None:
    a = CookieAttributes(domain=".Example.com", path="/")
    b = CookieAttributes(domain="example.com", path="/", partitioned=True, secure=True)
    assert dedupe_key("h3", a, "v1") == ("h3", ".Example.com", "/")
    assert dedupe_key("h3", a, "v2") == ("h3", "example.com", "/", "0")
    assert dedupe_key("h3", b, "v2") == ("h3", "example.com", "/", "1")
    assert dedupe_key("h3", CookieAttributes(), "v1") == ("h3", "", "/")


def test_v2_treats_dot_and_case_domain_variants_as_one_cookie_v1_does_not() -> None:
    a = CookieAttributes(domain=".Example.com")
    b = CookieAttributes(domain="example.com")
    v1, v2 = ResponseCookies(), ResponseCookies()
    for out, profile in ((v1, "v1"), (v2, "v2")):
        out.set("h3", "1", a, profile)
        out.set("h3", "2", b, profile)
    assert len(v1) == 2
    assert len(v2) == 1


def test_different_paths_or_partitioning_are_different_cookies() -> None:
    out = ResponseCookies()
    out.set("h3", "1", CookieAttributes(path="/a"), "v2")
    out.set("h3", "2", CookieAttributes(path="/b"), "v2")
    out.set("h3", "3", CookieAttributes(path="/b", partitioned=True, secure=True), "v2")
    assert len(out) == 3


def test_snapshot_and_restore() -> None:
    out = ResponseCookies()
    out.set("a", "1", V2_DEFAULT)
    saved = out.snapshot()
    out.set("b", "2", V2_DEFAULT)
    out.restore(saved)
    assert out.names() == ["a"]


# --- v2 chunks (rows h1-h6, item 12) --------------------------------------------------------------

TOKEN = "Fe26.2**" + "x" * 13980  # 13988 characters, like row h1's token


def test_h1_split_cuts_every_4000_characters() -> None:
    assert [len(c) for c in split_value(TOKEN, 4000)] == [4000, 4000, 4000, 1988]
    assert split_value("", 4000) == []
    assert split_value("abc", 4000) == ["abc"]


def test_split_measures_the_uri_encoded_length() -> None:
    chunks = split_value("é" * 10, 12)  # each é is %C3%A9: six characters
    assert chunks == ["éé"] * 5
    assert split_value("a;b", 3) == ["a", ";", "b"]
    with pytest.raises(CookieTooLargeError, match="single character"):
        split_value("é", 5)


def test_h1_write_emits_the_count_then_the_parts() -> None:
    out = ResponseCookies()
    write_chunked(out, None, "h3", TOKEN, V2_DEFAULT)
    attrs = "; Path=/; HttpOnly; Secure; SameSite=Lax"
    assert out.lines()[0] == "h3=__chunked__4" + attrs
    assert out.names() == ["h3", "h3.1", "h3.2", "h3.3", "h3.4"]
    assert all(line.endswith(attrs) for line in out.lines())
    assert out.lines()[1].startswith("h3.1=Fe26.2**")
    assert "".join(line.split(";")[0].split("=", 1)[1] for line in out.lines()[1:]) == TOKEN


def test_a_small_value_is_one_plain_cookie() -> None:
    out = ResponseCookies()
    write_chunked(out, None, "h3", "Fe26.2**short", V2_DEFAULT)
    assert out.names() == ["h3"]


def test_chunk_max_length_changes_the_size() -> None:
    out = ResponseCookies()
    write_chunked(out, None, "h3", "a" * 25, V2_DEFAULT, max_length=10)
    assert out.lines()[0].startswith("h3=__chunked__3;")


def test_more_than_100_chunks_is_an_error_and_writes_nothing() -> None:
    out = ResponseCookies()
    with pytest.raises(CookieTooLargeError, match='Cannot set chunked cookie "h3": value needs more than 100 chunks'):
        write_chunked(out, None, "h3", "a" * 1001, V2_DEFAULT, max_length=10)
    assert len(out) == 0
    write_chunked(out, None, "h3", "a" * 1000, V2_DEFAULT, max_length=10)
    assert out.lines()[0].startswith("h3=__chunked__100;")


def test_h2_same_chunk_count_deletes_nothing() -> None:
    out = ResponseCookies()
    write_chunked(out, "__chunked__4", "h3", TOKEN, V2_DEFAULT)
    assert out.names() == ["h3", "h3.1", "h3.2", "h3.3", "h3.4"]
    assert not any("Max-Age=0" in line for line in out.lines())


def test_h3_shrinking_deletes_stale_chunks_first() -> None:
    out = ResponseCookies()
    write_chunked(out, "__chunked__4", "h3", "Fe26.2**small", V2_DEFAULT)
    assert out.lines() == [
        "h3.1=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.2=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.4=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3=Fe26.2**small; Path=/; HttpOnly; Secure; SameSite=Lax",
    ]


def test_fewer_chunks_delete_only_the_surplus() -> None:
    out = ResponseCookies()
    write_chunked(out, "__chunked__4", "h3", "a" * 8001, V2_DEFAULT)
    assert out.names() == ["h3.4", "h3", "h3.1", "h3.2", "h3.3"]
    assert out.lines()[0].startswith("h3.4=; Max-Age=0;")


def test_h4_delete_removes_the_main_cookie_then_every_chunk() -> None:
    out = ResponseCookies()
    delete_chunked(out, "__chunked__4", "h3", V2_DEFAULT)
    assert out.lines() == [
        "h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.1=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.2=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        "h3.4=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    ]


def test_delete_of_a_plain_cookie_is_one_line() -> None:
    out = ResponseCookies()
    delete_chunked(out, "Fe26.2**x", "h3", V2_DEFAULT)
    assert out.lines() == ["h3=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"]


def test_read_joins_the_chunks() -> None:
    cookies = {"h3": "__chunked__3", "h3.1": "ab", "h3.2": "cd", "h3.3": "e", "other": "x"}
    assert read_chunked(cookies, "h3") == "abcde"
    assert read_chunked({"h3": "plain"}, "h3") == "plain"
    assert read_chunked({}, "h3") is None


def test_h5_a_missing_or_empty_chunk_reads_as_no_cookie() -> None:
    assert read_chunked({"h3": "__chunked__4", "h3.1": "a", "h3.3": "c", "h3.4": "d"}, "h3") is None
    assert read_chunked({"h3": "__chunked__2", "h3.1": "a", "h3.2": ""}, "h3") is None


@pytest.mark.parametrize("main", ["__chunked__0", "__chunked__abc", "__chunked__", "__chunked__-1", "__chunked__101"])
def test_h6_a_zero_or_non_numeric_count_reads_as_no_cookie(main: str) -> None:
    assert read_chunked({"h3": main, "h3.1": "a"}, "h3") is None


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("__chunked__4", 4),
        ("__chunked__ 7x", 7),  # parseInt skips leading whitespace and stops at the first non-digit
        ("__chunked__+2", 2),
        ("__chunked__100", 100),
        ("__chunked__101", None),
        ("__chunked__-1", None),
        ("__chunked__abc", None),
        ("plain", None),
        (None, None),
    ],
)
def test_chunk_count_follows_parse_int(value: str, count: int) -> None:
    assert chunk_count(value) == count
    assert CHUNKED_PREFIX == "__chunked__"
