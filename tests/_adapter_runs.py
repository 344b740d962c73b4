"""Running one adapter through the whole scenario set, shared by the WSGI and ASGI adapter tests.

The scenario set itself is the ``scenarios`` fixture in conftest.py.
"""

from __future__ import annotations

from h3conformance.adapter import load_adapter
from h3conformance.loader import ScenarioSet
from h3conformance.results import ResultRecord
from h3conformance.runner import run_adapter


def run_scenarios(name: str, profile: str, scenarios: ScenarioSet) -> list[ResultRecord]:
    """Every scenario of ``profile`` against the installed adapter ``name``."""
    records = run_adapter(
        load_adapter(name), scenarios.scenarios, scenario_set_version=scenarios.version, profiles=[profile]
    )
    return [record for record in records if isinstance(record, ResultRecord)]


def assert_all_pass(results: list[ResultRecord]) -> None:
    """Only passes, and expected failures that come with their reason."""
    assert results, "no scenario ran"
    bad = [f"{r.id} [{r.profile}] {r.verdict}: {r.message}" for r in results if r.verdict not in ("pass", "xfail")]
    assert not bad, "\n".join(bad)
    assert all(r.expected_failure for r in results if r.verdict == "xfail")
