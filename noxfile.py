"""Developer and CI tasks: `nox -l` lists them.

Sessions install the project into their own virtualenv; the Node fixtures
(real h3, iron-webcrypto, @hapi/iron) come from node/package-lock.json via `npm ci`.
"""

from __future__ import annotations

import os
import shutil
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
    """mypy --strict: the three packages with every framework, and the reference for a Python 3.9 target."""
    session.install("-e", ALL_EXTRAS, MYPY)
    session.run("mypy", "--strict", *PACKAGES)
    # Frameworks and pytest use 3.10+ syntax that a 3.9 target cannot parse; the core needs only cryptography,
    # so the 3.9 run leaves out the optional framework glue modules.
    glue = r"h3session/(fastapi|falcon|django)\.py$"
    session.run("mypy", "--strict", "--python-version", "3.9", "--exclude", glue, "reference/h3session")


@nox.session(tags=["conformance"])
def conformance(session: nox.Session) -> None:
    """The main job: every bundled adapter against the scenario set, printing the matrix."""
    session.install("-e", ALL_EXTRAS)
    _npm_ci(session)
    report_dir = os.environ.get("H3_REPORT_DIR", str(ROOT / "reports" / "conformance"))
    session.run("h3conformance", "run", "--all-adapters", "--report-dir", report_dir, *session.posargs)


@nox.session(tags=["bench"])
def bench(session: nox.Session) -> None:
    """The performance suite of issue 5 (about 6 minutes on 2 cores); `-- --quick` for a smoke run."""
    session.install("-e", ALL_EXTRAS)
    _npm_ci(session)
    # wrk from Debian's packages when we may install it; without it the suite uses its asyncio client.
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        session.run("sh", "-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)", external=True)
    session.run("python", "-m", "benchmarks", *session.posargs)
