"""The nox menu keeps one conformance session per registered adapter, so the CI matrix cannot lose one.

The workflow (.github/workflows/conformance.yml) builds its jobs from ``nox -l --json``; these tests
read the same listing, from nox run as a subprocess, and hold it to the adapters registered in
pyproject.toml's "h3conformance.adapters" entry points.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from h3conformance import _toml
from h3conformance.adapter import ENTRY_POINT_GROUP, Adapter, load_adapter

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = _toml.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
REGISTERED = sorted(PYPROJECT["project"]["entry-points"][ENTRY_POINT_GROUP])
# The version matrix: the oldest supported and the latest release of these frameworks.
VERSIONED = {"flask", "django", "django-asgi", "starlette", "fastapi", "litestar"}


def nox_list(*selection: str) -> list[dict[str, Any]]:
    """``nox -l --json SELECTION``, e.g. ``-t adapter versions`` as the workflow runs it."""
    command = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-l", "--json", *selection]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stderr}"
    listed: list[dict[str, Any]] = json.loads(done.stdout)
    return listed


@pytest.fixture(scope="module")
def listing() -> list[dict[str, Any]]:
    """Every session: a keyword expression no session name matches, negated."""
    return nox_list("-k", "not __no_such_session__")


@pytest.fixture(scope="module")
def per_adapter() -> dict[str, dict[str, Any]]:
    """The workflow's job matrix (``-t adapter versions``) less the version matrix."""
    jobs = nox_list("-t", "adapter", "versions")
    return {s["call_spec"]["adapter"]: s for s in jobs if s["name"] == "conformance_adapter"}


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s;\[<>=!~]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def expected_tags(adapter: Adapter) -> set[str]:
    """wsgi/asgi by kind; a server command is `servers` plus the kind of the app it serves; Node is `node`."""
    if adapter.kind != "command":
        return {"adapter", adapter.kind}
    assert adapter.command
    if Path(adapter.command[0]).name == "node":
        return {"adapter", "node"}
    served = {load_adapter(r).kind for r in adapter.requirements if r in REGISTERED} - {"command"}
    return {"adapter", "servers", *served}


@functools.cache
def load_noxfile() -> ModuleType:
    """The noxfile as a module, imported once: nox refuses to register its sessions twice."""
    spec = importlib.util.spec_from_file_location("h3session_noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_registered_adapter_has_its_own_session(per_adapter: dict[str, dict[str, Any]]) -> None:
    assert sorted(per_adapter) == REGISTERED


@pytest.mark.parametrize("name", REGISTERED)
def test_adapter_session_is_tagged_by_what_it_runs(name: str, per_adapter: dict[str, dict[str, Any]]) -> None:
    session = per_adapter[name]
    assert set(session["tags"]) == expected_tags(load_adapter(name))
    assert session["session"] == f"conformance_adapter(adapter={name!r})"


@pytest.mark.parametrize("name", REGISTERED)
def test_adapter_session_installs_what_the_adapter_requires(name: str) -> None:
    extra = load_noxfile().ADAPTERS[name][0]
    extras = PYPROJECT["project"]["optional-dependencies"]
    installed = {requirement_name(r) for r in extras[extra]} if extra else set()
    required = {requirement_name(r) for r in load_adapter(name).requirements}
    assert required <= installed, f"extra {extra!r} lacks {sorted(required - installed)}"


def test_version_matrix_runs_oldest_supported_and_latest(listing: list[dict[str, Any]]) -> None:
    pins: dict[str, set[str]] = {}
    for session in listing:
        if session["name"] == "conformance_versions":
            assert "versions" in session["tags"]
            pins.setdefault(session["call_spec"]["adapter"], set()).add(session["call_spec"]["pin"])
    assert set(pins) == VERSIONED
    extras = PYPROJECT["project"]["optional-dependencies"]
    for adapter, found in pins.items():
        (requirement,) = extras[load_noxfile().ADAPTERS[adapter][0]]
        assert found == {requirement.replace(">=", "=="), "latest"}, adapter


def test_readme_nox_commands_name_real_sessions_and_tags(listing: list[dict[str, Any]]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sessions = {s["session"] for s in listing}
    tags = {tag for s in listing for tag in s["tags"]}
    named = [shlex.split(name)[0] for name in re.findall(r"nox -s (\"[^\"]+\"|[^\s`]+)", readme)]
    assert {"conformance", "tests", "conformance_merge"} <= set(named)
    assert set(named) <= sessions
    for line in re.findall(r"^\$ nox -t ([^#]+)", readme, re.M):
        assert set(line.split()) <= tags, line


def test_main_job_merge_and_browser_sessions_exist(listing: list[dict[str, Any]]) -> None:
    tags = {s["session"]: set(s["tags"]) for s in listing}
    assert tags["conformance"] == {"conformance"}
    assert tags["conformance_merge"] == {"merge"}
    assert tags["browser"] == {"browser"}


def test_the_menu_is_one_line_per_session(listing: list[dict[str, Any]]) -> None:
    for session in listing:
        assert session["description"], f"{session['session']} has no docstring"
        assert "\n" not in session["description"], session["session"]
