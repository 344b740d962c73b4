"""Real h3 passes the scenario set: the proof that the scenarios describe h3, not our reference.

Runs the kit's CLI exactly as a user would, against the Node contract servers
(h3 1.15.11 for profile v1, h3 2.0.8 for profile v2), both as registered
adapters and as a bare ``--command``.
"""

from __future__ import annotations

import shlex

import pytest

from h3adapters.node import ensure_node_modules, server_command
from h3conformance.cli import main
from h3conformance.reports import read_results

pytestmark = [pytest.mark.node, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def _node_modules() -> None:
    ensure_node_modules()


@pytest.mark.parametrize("profile", ["v1", "v2"])
def test_real_h3_passes_every_scenario_of_its_profile_as_a_command(profile: str, tmp_path, capsys) -> None:
    results = tmp_path / "results.jsonl"
    command = shlex.join(server_command(profile))
    code = main(["run", "--command", command, "--profile", profile, "--fail-on", "should", "--results", str(results)])
    records = list(read_results(results))
    verdicts = [r["verdict"] for r in records if r.get("type") == "result"]
    assert code == 0, capsys.readouterr().out[-3000:]
    assert len(verdicts) >= 80
    assert set(verdicts) == {"pass"}, sorted(set(verdicts))


def test_registered_node_adapters_run_only_their_own_profile(tmp_path) -> None:
    results = tmp_path / "results.jsonl"
    code = main(
        ["run", "--adapter", "h3-node-v1", "--adapter", "h3-node-v2", "--id", "counter.*", "--results", str(results)]
    )
    records = list(read_results(results))
    pairs = {(r["adapter"], r["profile"]) for r in records if r.get("type") == "result"}
    assert code == 0
    assert pairs == {("h3-node-v1", "v1"), ("h3-node-v2", "v2")}
