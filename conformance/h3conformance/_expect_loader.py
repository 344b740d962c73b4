"""The `expect` part of a step: per-profile values resolved, every key validated."""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Optional, cast

from ._reader import Reader, describe, key_path
from .model import PROFILES, CookieExpect, Expect, IdMatcher, Profile, SessionExpect, TimeMatcher
from .timespec import TimeSpecError, parse_relative

__all__ = ["expectations"]

RefCheck = Callable[[str, str], None]
_MISSING = object()
# Expectations whose value is itself a table: never per-profile, never picked inside.
_TABLE_VALUED = ("json", "data", "data_contains")
_CONTAINERS = ("cookies", "session", "reported", "jar")
_ANCHORS = ("now", "createdAt", "lastSeenAt")
_COOKIE_KEYS = (
    "absent",
    "sealed",
    "value",
    "chunked",
    "deleted",
    "path",
    "domain",
    "httponly",
    "secure",
    "partitioned",
    "priority",
    "samesite",
    "max_age",
    "expires",
    "order",
)
_SESSION_KEYS = (
    "cookie",
    "id",
    "createdAt",
    "lastSeenAt",
    "data",
    "data_contains",
    "has",
    "lacks",
    "key_order",
    "iterations",
    "expiration",
)
_REPORTED_KEYS = ("id", "createdAt", "lastSeenAt", "data", "data_contains", "has", "lacks")
_EXPECT_KEYS = (
    "status",
    "body",
    "body_pattern",
    "json",
    "set_cookie_count",
    "set_cookie_order",
    "no_set_cookie",
    *_CONTAINERS,
)
_JAR_STATES = ("present", "absent", "empty")


def expectations(
    step: dict[str, Any], path: str, profiles: tuple[Profile, ...], refs: RefCheck, reader: Reader
) -> Optional[dict[str, Expect]]:
    """Expect per profile for one step table; None when any part is invalid."""
    before = len(reader.problems)
    base_raw = step.get("expect", {})
    if reader.table(base_raw, key_path(path, "expect")) is None:
        return None
    for profile in PROFILES:
        key = f"expect_{profile}"
        if key in step and profile not in profiles:
            reader.problem(key_path(path, key), f"this step does not run under profile {profile}")
        elif key in step:
            reader.table(step[key], key_path(path, key))
    if len(reader.problems) > before:
        return None
    result: dict[str, Expect] = {}
    for profile in profiles:
        base = _pick(base_raw, profile)
        _build(base, key_path(path, "expect"), refs, reader)
        over = _pick(step.get(f"expect_{profile}", {}), profile)
        if over:
            _build(over, key_path(path, f"expect_{profile}"), refs, reader)
        if len(reader.problems) > before:
            continue
        merged = _build(_merge(base, over), key_path(path, f"expect+expect_{profile}"), refs, reader)
        if merged is not None:
            result[profile] = merged
    return None if len(reader.problems) > before else result


def _per_profile(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(PROFILES)


def _pick(table: dict[str, Any], profile: str) -> dict[str, Any]:
    """Replace {v1 = X, v2 = Y} by the value for `profile` (dropped when that profile has none)."""
    picked: dict[str, Any] = {}
    for key, value in table.items():
        if key in _CONTAINERS and isinstance(value, dict):
            if key == "cookies":
                value = {
                    name: _pick(attrs, profile) if isinstance(attrs, dict) else attrs for name, attrs in value.items()
                }
            else:
                value = _pick(value, profile)
        elif key not in _TABLE_VALUED and _per_profile(value):
            value = value.get(profile, _MISSING)
        if value is not _MISSING:
            picked[key] = value
    return picked


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(table: dict[str, Any], path: str, refs: RefCheck, reader: Reader) -> Optional[Expect]:
    before = len(reader.problems)
    reader.keys(table, path, _EXPECT_KEYS)
    at = functools.partial(key_path, path)
    status = reader.integer(table.get("status", 200), at("status"), minimum=100)
    body = reader.string(table["body"], at("body")) if "body" in table else None
    pattern = None
    if "body_pattern" in table:
        pattern = reader.string(table["body_pattern"], at("body_pattern"))
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                reader.problem(at("body_pattern"), f"not a valid regular expression: {exc}")
    count = None
    if "set_cookie_count" in table:
        count = reader.integer(table["set_cookie_count"], at("set_cookie_count"), minimum=0)
    order = None
    if "set_cookie_order" in table:
        order = reader.strings(table["set_cookie_order"], at("set_cookie_order"))
    none = reader.boolean(table["no_set_cookie"], at("no_set_cookie")) if "no_set_cookie" in table else None
    cookies = _named(table.get("cookies", {}), at("cookies"), reader, lambda v, p: _cookie(v, p, refs, reader))
    jar = _named(table.get("jar", {}), at("jar"), reader, lambda v, p: reader.choice(v, p, _JAR_STATES))
    session = reported = None
    if "session" in table:
        session = _session(table["session"], at("session"), _SESSION_KEYS, refs, reader)
    if "reported" in table:
        reported = _session(table["reported"], at("reported"), _REPORTED_KEYS, refs, reader)
    if len(reader.problems) > before:
        return None
    return Expect(
        status=cast(int, status),
        body=body,
        body_pattern=pattern,
        json=table.get("json"),
        set_cookie_count=count,
        set_cookie_order=order,
        no_set_cookie=none,
        cookies=tuple(cookies.items()),
        session=session,
        reported=reported,
        jar=tuple(cast("dict[str, str]", jar).items()),
    )


def _named(value: Any, path: str, reader: Reader, parse: Callable[[Any, str], Any]) -> dict[str, Any]:
    table = reader.table(value, path)
    return {name: parse(item, key_path(path, name)) for name, item in (table or {}).items()}


def _cookie(value: Any, path: str, refs: RefCheck, reader: Reader) -> Optional[CookieExpect]:
    table = reader.table(value, path)
    if table is None:
        return None
    reader.keys(table, path, _COOKIE_KEYS)
    at = functools.partial(key_path, path)
    fields: dict[str, Any] = {}
    for key in ("absent", "sealed", "deleted", "httponly", "secure", "partitioned"):
        if key in table:
            fields[key] = reader.boolean(table[key], at(key))
    for key in ("value", "path", "domain", "priority", "samesite"):
        if key in table:
            fields[key] = reader.string(table[key], at(key))
    if "chunked" in table:
        fields["chunked"] = reader.integer(table["chunked"], at("chunked"), minimum=0)
    if "max_age" in table:
        raw = table["max_age"]
        fields["max_age"] = raw if raw == "absent" else reader.integer(raw, at("max_age"))
    if "expires" in table:
        fields["expires"] = _time(table["expires"], at("expires"), refs, reader)
    if "order" in table:
        fields["order"] = reader.strings(table["order"], at("order"))
    return CookieExpect(**fields)


def _session(
    value: Any, path: str, allowed: tuple[str, ...], refs: RefCheck, reader: Reader
) -> Optional[SessionExpect]:
    table = reader.table(value, path)
    if table is None:
        return None
    reader.keys(table, path, allowed)
    at = functools.partial(key_path, path)
    fields: dict[str, Any] = {}
    if "cookie" in table:
        fields["cookie"] = reader.string(table["cookie"], at("cookie"), empty=False)
    if "id" in table:
        fields["id"] = _id(table["id"], at("id"), refs, reader)
    for key, name in (("createdAt", "created_at"), ("lastSeenAt", "last_seen_at"), ("expiration", "expiration")):
        if key in table:
            fields[name] = _time(table[key], at(key), refs, reader)
    for key in ("data", "data_contains"):
        if key in table:
            fields[key] = table[key]
    for key in ("has", "lacks", "key_order"):
        if key in table:
            fields[key] = reader.strings(table[key], at(key))
    if "iterations" in table:
        fields["iterations"] = reader.integer(table["iterations"], at("iterations"), minimum=1)
    return SessionExpect(**fields)


def _step_ref(text: str, prefix: str, path: str, refs: RefCheck) -> Optional[str]:
    if not text.startswith(prefix):
        return None
    name = text[len(prefix) :]
    refs(name, path)
    return name


def _id(value: Any, path: str, refs: RefCheck, reader: Reader) -> Optional[IdMatcher]:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        reader.problem(path, f"expected 'new', 'same:STEP', 'different:STEP' or a literal, got {describe(value)}")
        return None
    if value == "new":
        return IdMatcher("new", text=value)
    if isinstance(value, str):
        for kind in ("same", "different"):
            step = _step_ref(value, kind + ":", path, refs)
            if step is not None:
                return IdMatcher(cast(Any, kind), step=step, text=value)
    return IdMatcher("literal", literal=value, text=str(value))


def _time(value: Any, path: str, refs: RefCheck, reader: Reader) -> Optional[TimeMatcher]:
    if isinstance(value, int) and not isinstance(value, bool):
        return TimeMatcher("literal", literal=value, text=str(value))
    if not isinstance(value, str):
        reader.problem(path, f"expected a time such as 'now', 'createdAt+7d', 'absent', got {describe(value)}")
        return None
    if value in ("absent", "past"):
        return TimeMatcher(cast(Any, value), text=value)
    step = _step_ref(value, "same:", path, refs)
    if step is not None:
        return TimeMatcher("same", step=step, text=value)
    try:
        return TimeMatcher("relative", relative=parse_relative(value, _ANCHORS), text=value)
    except TimeSpecError as exc:
        reader.problem(path, f"{exc}; or 'absent', 'past', 'same:STEP', an integer")
        return None
