"""Developer and CI tasks: `nox -l` lists them.

Sessions install the project into their own virtualenv; the Node fixtures
(real h3, iron-webcrypto, @hapi/iron) come from node/package-lock.json via `npm ci`.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
PACKAGES = ["reference/h3session", "conformance/h3conformance", "adapters/h3adapters"]
# The newest mypy that still type-checks for a Python 3.9 target.
MYPY = "mypy==1.18.2"
# Every framework and server the bundled adapters use, for the in-process and over-HTTP tests.
ALL_EXTRAS = ".[test,frameworks,servers]"


def _npm_ci(session: nox.Session) -> None:
    """Install the Node fixtures exactly as locked, unless they are already in place."""
    if not (ROOT / "node" / "node_modules" / ".package-lock.json").exists():
        session.run("npm", "ci", "--prefix", str(ROOT / "node"), "--no-audit", "--no-fund", external=True)


@nox.session(tags=["tests"])
def tests(session: nox.Session) -> None:
    """Run the whole test suite (reference, kit, adapters, Node interop)."""
    session.install("-e", ALL_EXTRAS)
    _npm_ci(session)
    session.run("pytest", *session.posargs, env={"PYTHONHASHSEED": "0"})


@nox.session(tags=["lint"])
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(tags=["lint"])
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the three packages, for a Python 3.9 target."""
    session.install("-e", ALL_EXTRAS, MYPY)
    session.run("mypy", "--strict", "--python-version", "3.9", *PACKAGES)


@nox.session(tags=["conformance"])
def conformance(session: nox.Session) -> None:
    """The main job: every bundled adapter against the scenario set, printing the matrix."""
    session.install("-e", ALL_EXTRAS)
    _npm_ci(session)
    report_dir = os.environ.get("H3_REPORT_DIR", str(ROOT / "reports" / "conformance"))
    session.run("h3conformance", "run", "--all-adapters", "--report-dir", report_dir, *session.posargs)
