"""Read scenario TOML files into model values, rejecting anything the format does not define."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, cast

from . import _expect_loader, _toml
from ._reader import Problem, Reader, ScenarioFormatError, key_path
from .model import (
    LEVELS,
    PROFILES,
    TAMPER_PARTS,
    Chunked,
    Forge,
    FromStep,
    Literal_,
    Modifiers,
    Profile,
    Scenario,
    Send,
    Step,
    ValueSpec,
)
from .timespec import TimeSpecError, parse_duration, parse_relative

__all__ = [
    "FORMAT_VERSION",
    "PLACEHOLDER",
    "Problem",
    "ScenarioFormatError",
    "ScenarioSet",
    "default_scenario_dir",
    "load_dir",
    "load_file",
    "load_text",
    "placeholders",
]

FORMAT_VERSION = 1
_ID = re.compile(r"[a-z][a-z0-9]*(\.[a-z0-9]+(-[a-z0-9]+)*)+")
_STEP_NAME = re.compile(r"[A-Za-z0-9_-]+")
_METHOD = re.compile(r"[A-Z]+")
PLACEHOLDER = re.compile(r"\{(token|cookie):([A-Za-z0-9_-]+)(?::([^{}:]+))?\}")
_ALGORITHMS = ("aes-256-cbc", "aes-128-ctr")
_MODIFIER_KEYS = ("tamper", "urlencode", "quote")


def default_scenario_dir() -> Path:
    return Path(__file__).with_name("scenarios")


@dataclass(frozen=True)
class ScenarioSet:
    scenarios: tuple[Scenario, ...]
    version: str
    files: tuple[Path, ...]

    def by_id(self) -> dict[str, Scenario]:
        return {s.id: s for s in self.scenarios}


def load_dir(directory: Optional[Path] = None) -> ScenarioSet:
    """Load every *.toml in `directory` (default: the kit's scenarios); ids must be unique."""
    directory = directory or default_scenario_dir()
    files = tuple(sorted(directory.glob("*.toml")))
    return load_files(files)


def load_files(files: Iterable[Path]) -> ScenarioSet:
    files = tuple(files)
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    digest = hashlib.sha256()
    for path in files:
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        try:
            loaded = load_text(data.decode("utf-8"), path)
        except ScenarioFormatError as exc:
            problems.extend(exc.problems)
            continue
        for scenario in loaded:
            if scenario.id in seen:
                problems.append(Problem(str(path), scenario.id, "id", f"duplicate id (also in {seen[scenario.id]})"))
            seen[scenario.id] = path
        scenarios.extend(loaded)
    if problems:
        raise ScenarioFormatError(problems)
    version = f"{FORMAT_VERSION}.{digest.hexdigest()[:12]}"
    return ScenarioSet(tuple(scenarios), version, files)


def load_file(path: Path) -> tuple[Scenario, ...]:
    return load_text(path.read_text(encoding="utf-8"), path)


def load_text(text: str, file: Path = Path("<text>")) -> tuple[Scenario, ...]:
    reader = Reader(str(file))
    try:
        document = _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        reader.problem("", f"not valid TOML: {exc}")
        raise ScenarioFormatError(reader.problems) from None
    _no_dates(document, "", reader)
    scenarios = _document(document, reader, file)
    if reader.problems:
        raise ScenarioFormatError(reader.problems)
    return scenarios


def placeholders(text: str) -> list[tuple[str, str, Optional[str]]]:
    """(kind, step, cookie name) for every {token:STEP} / {cookie:STEP:NAME} in `text`."""
    return [(m.group(1), m.group(2), m.group(3)) for m in PLACEHOLDER.finditer(text)]


def _no_dates(value: Any, path: str, reader: Reader) -> None:
    """TOML date/time values are absolute dates (and not JSON): never allowed in scenarios."""
    if isinstance(value, (datetime.date, datetime.time)):
        reader.problem(path, "absolute dates and times are not allowed; write 'now-8d' or a duration")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_dates(item, key_path(path, key), reader)
    elif isinstance(value, list):
        for index, item in enumerate(value, 1):
            _no_dates(item, key_path(path, index), reader)


def _document(document: dict[str, Any], reader: Reader, file: Path) -> tuple[Scenario, ...]:
    reader.keys(document, "", ("theme", "scenario"), ("theme", "scenario"))
    theme = reader.string(document["theme"], "theme", empty=False) if "theme" in document else None
    raw_scenarios = document.get("scenario", [])
    if not isinstance(raw_scenarios, list) or not raw_scenarios:
        if "scenario" in document:
            reader.problem("scenario", "expected at least one [[scenario]] table")
        return ()
    built = []
    for index, raw in enumerate(raw_scenarios, 1):
        path = f"scenario[{index}]"
        table = reader.table(raw, path)
        if table is None:
            continue
        scenario_id = table.get("id") if isinstance(table.get("id"), str) else None
        scenario = _scenario(table, reader.for_scenario(scenario_id or path), theme or "", file)
        if scenario is not None:
            built.append(scenario)
    return tuple(built)


def _scenario(table: dict[str, Any], reader: Reader, theme: str, file: Path) -> Optional[Scenario]:
    allowed = ("id", "title", "source", "rows", "profiles", "level", "reason", "config", "step")
    required = ("id", "title", "source", "profiles", "level", "config", "step")
    reader.keys(table, "", allowed, required)
    scenario_id = reader.string(table.get("id", ""), "id", empty=False)
    if scenario_id is not None and not _ID.fullmatch(scenario_id):
        reader.problem("id", "expected '<theme>.<kebab-case-name>' in lower case")
    elif scenario_id is not None and theme and not scenario_id.startswith(theme + "."):
        reader.problem("id", f"must start with the file's theme: '{theme}.'")
    title = reader.string(table.get("title", ""), "title", empty=False)
    source = reader.string(table.get("source", ""), "source", empty=False)
    rows = reader.strings(table.get("rows", []), "rows")
    profiles = _profiles(table.get("profiles"), "profiles", reader) if "profiles" in table else None
    level = reader.choice(table.get("level"), "level", LEVELS) if "level" in table else None
    reason = None
    if "reason" in table:
        reason = reader.string(table["reason"], "reason", empty=False)
    elif level == "info":
        reader.problem("reason", "required when level = 'info' (say why h3's behaviour is only informative)")
    config = _config(table.get("config"), reader) if "config" in table else None
    steps = _steps(table.get("step"), profiles or PROFILES, reader) if "step" in table else ()
    if None in (scenario_id, title, source, rows, profiles, level, config) or not steps:
        return None
    return Scenario(
        id=cast(str, scenario_id),
        theme=theme,
        title=cast(str, title),
        source=cast(str, source),
        level=cast(Any, level),
        profiles=cast("tuple[Profile, ...]", profiles),
        config=cast("dict[str, Any]", config),
        steps=steps,
        rows=cast("tuple[str, ...]", rows),
        reason=reason,
        file=file,
        raw=table,
    )


def _profiles(value: Any, path: str, reader: Reader) -> Optional[tuple[Profile, ...]]:
    names = reader.strings(value, path, non_empty=True)
    if names is None:
        return None
    bad = [n for n in names if n not in PROFILES]
    if bad or len(set(names)) != len(names):
        reader.problem(path, f"expected distinct profiles among {', '.join(PROFILES)}, got {list(names)}")
        return None
    return tuple(p for p in PROFILES if p in names)


def _config(value: Any, reader: Reader) -> Optional[dict[str, Any]]:
    table = reader.table(value, "config")
    if table is None:
        return None
    if "profile" in table:
        reader.problem("config.profile", "the kit adds 'profile' itself; use the scenario's profiles")
    if "password" not in table:
        reader.problem("config.password", "required key is missing (the kit decodes tokens with it)")
        return None
    if reader.string(table["password"], "config.password") is None:
        return None
    return table


def _steps(value: Any, profiles: tuple[Profile, ...], reader: Reader) -> tuple[Step, ...]:
    if not isinstance(value, list) or not value:
        reader.problem("step", "expected at least one [[scenario.step]] table")
        return ()
    scope: dict[str, tuple[Profile, ...]] = {}
    steps = []
    ok = True
    for index, raw in enumerate(value, 1):
        step = _step(raw, index, profiles, scope, reader)
        if step is None:
            ok = False
            # Still known by name, so later references to it are not reported as well.
            name = raw.get("name") if isinstance(raw, dict) else None
            if isinstance(name, str) and name not in scope:
                scope[name] = profiles
            continue
        steps.append(step)
        if step.name:
            scope[step.name] = step.profiles
    return tuple(steps) if ok else ()


def _step(
    raw: Any,
    index: int,
    profiles: tuple[Profile, ...],
    scope: dict[str, tuple[Profile, ...]],
    reader: Reader,
) -> Optional[Step]:
    path = f"step[{index}]"
    table = reader.table(raw, path)
    if table is None:
        return None
    allowed = ("name", "profiles", "send", "expect", "expect_v1", "expect_v2")
    reader.keys(table, path, allowed, ("send",))
    name = None
    if "name" in table:
        name = reader.string(table["name"], key_path(path, "name"), empty=False)
        if name is not None and not _STEP_NAME.fullmatch(name):
            reader.problem(key_path(path, "name"), "use letters, digits, '-' and '_' only")
        elif name in scope:
            reader.problem(key_path(path, "name"), f"step name {name!r} is already used")
    step_profiles = profiles
    if "profiles" in table:
        chosen = _profiles(table["profiles"], key_path(path, "profiles"), reader)
        if chosen is not None and not set(chosen) <= set(profiles):
            reader.problem(key_path(path, "profiles"), "must be a subset of the scenario's profiles")
        step_profiles = tuple(p for p in profiles if chosen and p in chosen)
    refs = _Refs(scope, step_profiles, reader)
    send = _send(table.get("send"), key_path(path, "send"), refs, reader) if "send" in table else None
    expect = _expect_loader.expectations(table, path, step_profiles, refs.check, reader)
    if send is None or expect is None:
        return None
    return Step(index=index, name=name, profiles=step_profiles, send=send, expect=expect)


@dataclass
class _Refs:
    """Checks that a referenced step exists earlier and runs under every profile of this step."""

    scope: dict[str, tuple[Profile, ...]]
    profiles: tuple[Profile, ...]
    reader: Reader

    def check(self, name: str, path: str) -> None:
        if name not in self.scope:
            self.reader.problem(path, f"refers to step {name!r}, which is not an earlier named step")
            return
        missing = [p for p in self.profiles if p not in self.scope[name]]
        if missing:
            self.reader.problem(path, f"step {name!r} does not run under profile {', '.join(missing)}")


def _send(value: Any, path: str, refs: _Refs, reader: Reader) -> Optional[Send]:
    table = reader.table(value, path)
    if table is None:
        return None
    allowed = ("method", "path", "headers", "json", "body", "cookies", "cookie_header", "jar")
    ok = reader.keys(table, path, allowed, ("path",))
    method = reader.string(table.get("method", "GET"), key_path(path, "method"))
    if method is not None and not _METHOD.fullmatch(method):
        reader.problem(key_path(path, "method"), "expected an upper-case HTTP method such as 'GET'")
    target = reader.string(table.get("path", "/"), key_path(path, "path"))
    if target is not None and not target.startswith("/"):
        reader.problem(key_path(path, "path"), "must start with '/'")
    for first, second in (("json", "body"), ("cookies", "cookie_header")):
        if first in table and second in table:
            reader.problem(key_path(path, second), f"cannot be combined with {first!r}")
            ok = False
    headers = _spec_table(table.get("headers", {}), key_path(path, "headers"), refs, reader, False)
    cookies = None
    if "cookies" in table:
        cookies = _spec_table(table["cookies"], key_path(path, "cookies"), refs, reader, True)
    body = reader.string(table["body"], key_path(path, "body")) if "body" in table else None
    cookie_header = None
    if "cookie_header" in table:
        cookie_header = _cookie_header(table["cookie_header"], key_path(path, "cookie_header"), refs, reader)
    use_jar = reader.boolean(table.get("jar", True), key_path(path, "jar"))
    if not ok or None in (method, target, headers, use_jar) or ("cookies" in table and cookies is None):
        return None
    return Send(
        method=cast(str, method),
        path=cast(str, target),
        headers=cast(Any, headers),
        json=table.get("json"),
        body=body,
        cookies=cookies,
        cookie_header=cookie_header,
        use_jar=bool(use_jar),
    )


def _cookie_header(value: Any, path: str, refs: _Refs, reader: Reader) -> Optional[tuple[str, ...]]:
    lines = (value,) if isinstance(value, str) else reader.strings(value, path, non_empty=True)
    if lines is None:
        return None
    for line in lines:
        _check_placeholders(line, path, refs)
    return tuple(lines)


def _check_placeholders(text: str, path: str, refs: _Refs) -> None:
    for kind, step, cookie in placeholders(text):
        if (kind == "cookie") != (cookie is not None):
            refs.reader.problem(path, "placeholders are {token:STEP} and {cookie:STEP:NAME}")
        refs.check(step, path)


def _spec_table(
    value: Any, path: str, refs: _Refs, reader: Reader, cookies: bool
) -> Optional[tuple[tuple[str, ValueSpec], ...]]:
    table = reader.table(value, path)
    if table is None:
        return None
    specs = []
    for name, raw in table.items():
        spec = _value_spec(raw, key_path(path, name), refs, reader, chunk_ok=cookies)
        if spec is None:
            return None
        specs.append((name, spec))
    return tuple(specs)


def _value_spec(value: Any, path: str, refs: _Refs, reader: Reader, chunk_ok: bool) -> Optional[ValueSpec]:
    if isinstance(value, str):
        _check_placeholders(value, path, refs)
        return Literal_(value)
    table = reader.table(value, path)
    if table is None:
        return None
    kinds = [k for k in ("from", "forge", "forge_json", "chunked") if k in table]
    if len(kinds) != 1:
        reader.problem(path, "a value table needs exactly one of 'from', 'forge', 'forge_json', 'chunked'")
        return None
    kind = kinds[0]
    if kind == "chunked":
        return _chunked(table, path, refs, reader, chunk_ok)
    if kind == "from":
        reader.keys(table, path, ("from", "cookie", *_MODIFIER_KEYS))
        step = reader.string(table["from"], key_path(path, "from"), empty=False)
        if step is not None:
            refs.check(step, key_path(path, "from"))
        cookie = reader.string(table["cookie"], key_path(path, "cookie")) if "cookie" in table else None
        mods = _modifiers(table, path, reader)
        return None if step is None or mods is None else FromStep(step, cookie, mods)
    return _forge(table, kind, path, reader)


def _chunked(table: dict[str, Any], path: str, refs: _Refs, reader: Reader, chunk_ok: bool) -> Optional[ValueSpec]:
    if not chunk_ok:
        reader.problem(path, "'chunked' only makes sense for a cookie in send.cookies")
        return None
    reader.keys(table, path, ("chunked", "size"))
    inner = _value_spec(table["chunked"], key_path(path, "chunked"), refs, reader, chunk_ok=False)
    size = reader.integer(table.get("size", 4000), key_path(path, "size"), minimum=1)
    return None if inner is None or size is None else Chunked(inner, size)


def _forge(table: dict[str, Any], kind: str, path: str, reader: Reader) -> Optional[ValueSpec]:
    allowed = (kind, "ttl", "expiration", "password", "iterations", "algorithm", *_MODIFIER_KEYS)
    ok = reader.keys(table, path, allowed)
    payload = table[kind]
    if kind == "forge_json":
        text = reader.string(payload, key_path(path, kind))
        try:
            payload = json.loads(text) if text is not None else None
        except ValueError as exc:
            reader.problem(key_path(path, kind), f"not valid JSON: {exc}")
            ok = False
    if "ttl" in table and "expiration" in table:
        reader.problem(key_path(path, "expiration"), "give either 'ttl' or 'expiration', not both")
        ok = False
    ttl = expiration = None
    if "ttl" in table:
        try:
            ttl = parse_duration(_text(table["ttl"]))
        except TimeSpecError as exc:
            reader.problem(key_path(path, "ttl"), str(exc))
            ok = False
    if "expiration" in table:
        try:
            expiration = parse_relative(_text(table["expiration"]))
        except TimeSpecError as exc:
            reader.problem(key_path(path, "expiration"), str(exc))
            ok = False
    password = reader.string(table["password"], key_path(path, "password")) if "password" in table else None
    iterations = None
    if "iterations" in table:
        iterations = reader.integer(table["iterations"], key_path(path, "iterations"), minimum=1)
        ok = ok and iterations is not None
    algorithm = reader.choice(table.get("algorithm", "aes-256-cbc"), key_path(path, "algorithm"), _ALGORITHMS)
    mods = _modifiers(table, path, reader)
    if not ok or algorithm is None or mods is None:
        return None
    return Forge(payload, ttl, expiration, password, iterations, algorithm, mods)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TimeSpecError(f"expected a string such as '7d' or 'now-1h', got {value!r}")
    return value


def _modifiers(table: dict[str, Any], path: str, reader: Reader) -> Optional[Modifiers]:
    tamper = None
    if "tamper" in table:
        tamper = reader.choice(table["tamper"], key_path(path, "tamper"), TAMPER_PARTS)
        if tamper is None:
            return None
    urlencode = reader.boolean(table.get("urlencode", False), key_path(path, "urlencode"))
    quote = reader.boolean(table.get("quote", False), key_path(path, "quote"))
    if urlencode is None or quote is None:
        return None
    return Modifiers(tamper, urlencode, quote)
