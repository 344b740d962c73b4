"""The examples in conformance/SCENARIOS.md are real: they load, run and parse."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import kit_fakes
from h3conformance.adapter import load_expectations
from h3conformance.cli import main
from h3conformance.loader import load_text
from h3conformance.runner import run_scenario
from h3conformance.transports.wsgi import WSGITarget

DOC = (Path(__file__).parents[1] / "conformance" / "SCENARIOS.md").read_text(encoding="utf-8")
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", DOC, re.S)
SH_LINES = [
    line.split("#")[0].strip() for block in re.findall(r"```sh\n(.*?)```", DOC, re.S) for line in block.splitlines()
]


def test_the_first_example_loads_and_passes_on_a_counter_app() -> None:
    (scenario,) = load_text(TOML_BLOCKS[0])
    target = WSGITarget(kit_fakes.wsgi_app)
    try:
        verdicts = {p: run_scenario(scenario, p, target).verdict for p in scenario.profiles}
    finally:
        target.close()
    assert verdicts == {"v1": "pass", "v2": "pass"}


def test_the_expectations_example_parses(tmp_path: Path) -> None:
    path = tmp_path / "expectations.toml"
    path.write_text(TOML_BLOCKS[-1])
    expected = load_expectations(path)
    assert expected.reason("options.cookie-name-trap", "v1")
    assert expected.reason("chunking.v2-shrink-deletes-stale-chunks", "v2") == "not implemented yet"
    assert expected.reason("chunking.v2-shrink-deletes-stale-chunks", "v1") is None


def test_the_offline_commands_of_the_tools_section_work() -> None:
    offline = [
        line
        for line in SH_LINES
        if line.startswith(("h3conformance check", "h3conformance list", "h3conformance explain"))
    ]
    assert len(offline) == 4
    for line in offline:
        assert main(shlex.split(line)[1:], io.StringIO()) == 0, line
