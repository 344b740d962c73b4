"""``h3session._jsonjs``: the exact text ``JSON.stringify`` gives, since iron encrypts text (item 15)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from h3session._jsonjs import _emit, js_number, parse, stringify


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (1.5e-6, "0.0000015"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-1.5, "-1.5"),
        (123456789.125, "123456789.125"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (2.0**53, "9007199254740992"),
        (1.2345e25, "1.2345e+25"),
        (math.nan, "null"),
        (math.inf, "null"),
        (-math.inf, "null"),
    ],
)
def test_numbers_follow_javascript_number_to_string(value: float, text: str) -> None:
    assert js_number(value) == text
    assert stringify(value) == text


def test_ints_and_booleans() -> None:
    assert stringify([0, -7, 2**53, True, False, None]) == "[0,-7,9007199254740992,true,false,null]"


def test_no_spaces_after_separators() -> None:
    assert stringify({"a": [1, 2], "b": {"c": None}}) == '{"a":[1,2],"b":{"c":null}}'
    assert stringify({}) == "{}"
    assert stringify([]) == "[]"
    assert stringify((1, "x")) == '[1,"x"]'


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ('"', '"\\""'),
        ("\\", '"\\\\"'),
        ("\b\t\n\f\r", '"\\b\\t\\n\\f\\r"'),
        ("\x00\x01\x1f", '"\\u0000\\u0001\\u001f"'),
        ("\x7f", '"\x7f"'),
        ("/", '"/"'),
        ("Zoë 日本 🍪", '"Zoë 日本 🍪"'),
        ("\u2028\u2029", '"\u2028\u2029"'),
        ("\ufeff", '"\ufeff"'),
    ],
)
def test_only_quote_backslash_and_c0_controls_are_escaped(text: str, encoded: str) -> None:
    assert stringify(text) == encoded


def test_lone_surrogates_are_escaped_in_lowercase_hex() -> None:
    assert stringify("a\ud800b") == '"a\\ud800b"'
    assert stringify("\udfff") == '"\\udfff"'
    assert stringify("\udc00\ud800") == '"\\udc00\\ud800"'  # reversed: two lone halves


def test_a_surrogate_pair_is_one_astral_character() -> None:
    assert stringify("\ud83c\udf6a") == '"🍪"'
    assert stringify("🍪") == '"🍪"'


def test_integer_like_keys_come_first_in_ascending_order() -> None:
    value = {"b": 1, "10": 2, "a": 3, "2": 4, "0": 5}
    assert stringify(value) == '{"0":5,"2":4,"10":2,"b":1,"a":3}'


@pytest.mark.parametrize("key", ["007", "-1", "1.5", "4294967295", " 1", "1e3", "+1"])
def test_keys_that_are_not_array_indexes_keep_insertion_order(key: str) -> None:
    assert stringify({"z": 1, key: 2, "1": 3}) == f'{{"1":3,"z":1,"{key}":2}}'


def test_the_largest_array_index_is_sorted_too() -> None:
    assert stringify({"x": 0, "4294967294": 1, "3": 2}) == '{"3":2,"4294967294":1,"x":0}'


def test_non_string_keys_are_converted_as_javascript_would() -> None:
    assert stringify({1: "a", 1.5: "b"}) == '{"1":"a","1.5":"b"}'
    assert stringify({True: "c", False: "d"}) == '{"true":"c","false":"d"}'
    assert stringify({None: 1, math.inf: 2, math.nan: 3}) == '{"null":1,"Infinity":2,"NaN":3}'


@pytest.mark.parametrize("bad", [{1, 2}, b"bytes", object()])
def test_values_json_cannot_carry_are_type_errors(bad: Any) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        stringify({"x": bad})
    with pytest.raises(TypeError, match="keys must be"):
        stringify({(1, 2): 1})


def test_h3_session_text_keeps_key_order() -> None:
    session = {"id": "x", "createdAt": 1795751712798, "data": {"count": 1}, "lastSeenAt": 1795751712799}
    assert stringify(session) == '{"id":"x","createdAt":1795751712798,"data":{"count":1},"lastSeenAt":1795751712799}'


def test_parse_is_strict_json_with_last_duplicate_winning() -> None:
    assert parse('{"a":1,"a":2}') == {"a": 2}
    assert parse('"\\ud800"') == "\ud800"
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError, match="not JSON"):
            parse(constant)
    with pytest.raises(ValueError, match="double quotes"):
        parse("{'a': 1}")


def test_round_trip_of_the_row_j8_payload() -> None:
    data = {"name": "Zoë 🍪", "nested": {"a": [1, 2, {"b": None}]}, "n": 1.5}
    text = stringify(data)
    assert text == '{"name":"Zoë 🍪","nested":{"a":[1,2,{"b":null}]},"n":1.5}'
    assert parse(text) == data


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.integers().map(str), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_the_fast_path_writes_what_the_general_path_writes(value: Any) -> None:
    # stringify() hands plain values (no floats, no integer-like keys) to json's C encoder (issue 5).
    out: list[str] = []
    _emit(value, out)
    assert stringify(value) == "".join(out)
