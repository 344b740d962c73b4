"""Every scenario file passes the loader and the JSON Schema that other-language runners use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from h3conformance import _toml
from h3conformance.loader import ScenarioFormatError, default_scenario_dir, load_text

SCHEMA = json.loads((default_scenario_dir().parent / "scenario.schema.json").read_text(encoding="utf-8"))
FILES = sorted(default_scenario_dir().glob("*.toml")) + sorted(
    (Path(__file__).parent / "fixtures" / "scenarios").glob("*.toml")
)


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scenario_file_passes_loader_and_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_text(text, path)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(_toml.loads(text))]
    assert errors == []


BAD = {
    "unknown key": 'expect.cookies.h3 = { colour = "red" }',
    "bad tamper": 'send = { path = "/", cookies = { h3 = { from = "a", tamper = "nope" } } }',
    "ttl and expiration": 'send = { path = "/", cookies = { h3 = { forge = {}, ttl = "1d", expiration = "now" } } }',
    "bad duration": 'send = { path = "/", cookies = { h3 = { forge = {}, ttl = "1 day" } } }',
    "per-profile of the wrong type": "expect.status = { v1 = true }",
    "json and body": 'send = { path = "/", json = {}, body = "x" }',
    "bad time matcher": 'expect.session.createdAt = "yesterday"',
}


@pytest.mark.parametrize("fragment", BAD.values(), ids=list(BAD))
def test_loader_and_schema_both_reject_a_bad_file(fragment: str) -> None:
    send = "" if fragment.startswith("send") else 'send = { path = "/" }\n'
    text = f"""
theme = "counter"
[[scenario]]
id = "counter.bad"
title = "t"
source = "s"
profiles = ["v1"]
level = "must"
config = {{ password = "x" }}
[[scenario.step]]
name = "a"
{send}{fragment}
"""
    with pytest.raises(ScenarioFormatError):
        load_text(text)
    assert list(_validator().iter_errors(_toml.loads(text)))
