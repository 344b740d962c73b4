"""``JSON.stringify`` and ``JSON.parse`` with JavaScript's exact output.

Iron encrypts the JSON *text*, so a byte-identical seal (and the same token
length as h3) needs JavaScript's formatting, not ``json.dumps``: no spaces,
non-ASCII kept raw, integer-like keys first, JS number formatting and escaped
lone surrogates (h3-behavior item 15).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

_encode_string: Callable[[str], str] = (
    getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
)
_SURROGATE = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_MAX_INDEX = 2**32 - 2
_MAX_INDEX_DIGITS = len(str(_MAX_INDEX))


def _fix_surrogate(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) == 2:  # a pair Python kept as two code points is one character to JavaScript
        return chr(0x10000 + ((ord(text[0]) - 0xD800) << 10) + (ord(text[1]) - 0xDC00))
    return f"\\u{ord(text):04x}"


def _string(text: str) -> str:
    encoded: str = _encode_string(text)
    if _SURROGATE.search(encoded):
        encoded = _SURROGATE.sub(_fix_surrogate, encoded)
    return encoded


def js_number(value: float) -> str:
    """ECMAScript ``Number.prototype.toString`` for a double.

    ``repr`` already gives the shortest round-trip digits, as JavaScript does;
    only the layout rules (plain up to 1e21, exponent below 1e-6) differ.
    """
    if math.isnan(value) or math.isinf(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    parts = Decimal(repr(abs(value))).as_tuple()
    all_digits = "".join(map(str, parts.digits))
    digits = all_digits.rstrip("0")
    k = len(digits)
    n = len(all_digits) + int(parts.exponent)  # value = 0.DIGITS * 10**n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exponent = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{head}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def _key_order(keys: list[str]) -> list[str]:
    # The length test first: int() of a key thousands of digits long is a ValueError in CPython.
    indexes = [k for k in keys if len(k) <= _MAX_INDEX_DIGITS and _ARRAY_INDEX.fullmatch(k) and int(k) <= _MAX_INDEX]
    if not indexes:
        return keys
    index_set = set(indexes)
    return sorted(indexes, key=int) + [k for k in keys if k not in index_set]


def _emit(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif value is None:
        out.append("null")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(js_number(value))
    elif isinstance(value, Mapping):
        keys = [_object_key(k) for k in value]
        items = dict(zip(keys, value.values()))
        out.append("{")
        first = True
        for key in _key_order(keys):
            if not first:
                out.append(",")
            first = False
            out.append(_string(key))
            out.append(":")
            _emit(items[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _emit(item, out)
        out.append("]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _object_key(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return (
            js_number(key)
            if math.isfinite(key)
            else ("NaN" if math.isnan(key) else ("Infinity" if key > 0 else "-Infinity"))
        )
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def stringify(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON-like Python values."""
    try:
        plain = _plain(value)
    except RecursionError:  # deeper than the check can go: _emit decides
        plain = False
    if plain:
        # Same string escaper and separators as _emit, so the text is identical, at C speed.
        text: str = _PLAIN_ENCODE(value)
        if not _SURROGATE.search(text):
            return text
    out: list[str] = []
    _emit(value, out)
    return "".join(out)


_PLAIN_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_DIGITS = frozenset("0123456789")


def _plain(value: Any) -> bool:
    """Whether ``json.dumps`` writes exactly what ``_emit`` would: no floats, no integer-like
    keys (JavaScript puts those first), only exact dict/list/str/int/bool/None.  Sessions
    usually are; anything else takes the general path."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        return all(type(k) is str and k[:1] not in _DIGITS and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(item) for item in value)
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


#: Built once: ``json.loads`` with a keyword builds a new decoder (and scanner) on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse(text: str) -> Any:
    """``JSON.parse``: strict JSON (no NaN/Infinity), duplicate keys resolved last-wins."""
    return _DECODER.decode(text)
