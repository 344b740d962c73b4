"""Suite-wide rules: in CI nothing may be skipped, so a missing dependency fails loudly."""

from __future__ import annotations

import os

import pytest

from h3conformance.loader import ScenarioSet, load_dir

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") and _skipped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"CI forbids skipped tests; {len(_skipped)} skipped: {_skipped[:10]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="module")
def scenarios() -> ScenarioSet:
    """The kit's own scenario set, loaded once per module."""
    return load_dir()
