"""`h3conformance new-adapter`: a small installable package holding one third-party adapter.

The files come from the plain-text templates in h3conformance/templates/, with `{name}`-style
placeholders replaced (no template engine: the generated Python must read as ordinary code).
Every contract route of the generated app answers 501 "TODO: ..." until written, so
`h3conformance doctor` reports the new adapter as broken: routes not implemented.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KINDS", "Scaffold", "ScaffoldError", "plan", "write"]

KINDS = ("wsgi", "asgi", "command")
# The distribution (and extra) that ships h3conformance; generated packages depend on it.
KIT_DISTRIBUTION = "h3session"
_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*\Z")


class ScaffoldError(Exception):
    """The name or kind is unusable, or a file to write already exists: nothing was written."""


@dataclass(frozen=True)
class Scaffold:
    """The files of one new adapter package: path relative to `root` -> text."""

    name: str
    kind: str
    root: Path
    module: str
    files: Mapping[str, str]


def _kit_requirement() -> str:
    try:
        version = importlib.metadata.version(KIT_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover (a source tree, not installed)
        return f"{KIT_DISTRIBUTION}[conformance]"
    return f"{KIT_DISTRIBUTION}[conformance]>={version}"


def _template(filename: str) -> str:
    return (importlib.resources.files(__package__) / "templates" / filename).read_text(encoding="utf-8")


def _render(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def plan(name: str, kind: str, directory: Path) -> Scaffold:
    """What `new-adapter` would write for adapter `name` of `kind`, in directory/name."""
    if not _NAME.match(name):
        raise ScaffoldError(
            f"adapter name {name!r}: lower-case letters and digits, words joined by '-' or '_' (e.g. 'my-framework')"
        )
    if kind not in KINDS:
        raise ScaffoldError(f"kind {kind!r}: one of {', '.join(KINDS)}")
    module = "h3adapter_" + name.replace("-", "_")
    values = {
        "name": name,
        "kind": kind,
        "module": module,
        "project": "h3adapter-" + name.replace("_", "-"),
        "kit_requirement": _kit_requirement(),
    }
    package = f"src/{module}"
    sources = {
        "pyproject.toml": "pyproject.toml.tmpl",
        "README.md": "README.md.tmpl",
        "noxfile.py": "noxfile.py.tmpl",
        f"{package}/expectations.toml": "expectations.toml.tmpl",
        f"tests/test_{module}.py": "test_adapter.py.tmpl",
    }
    if kind == "command":
        sources[f"{package}/__init__.py"] = "init_command.py.tmpl"
        sources[f"{package}/server.py"] = "server_command.py.tmpl"
    else:
        sources[f"{package}/__init__.py"] = "init_app.py.tmpl"
        sources[f"{package}/app.py"] = f"app_{kind}.py.tmpl"
    files = {path: _render(_template(template), values) for path, template in sorted(sources.items())}
    return Scaffold(name, kind, directory / name, module, files)


def write(scaffold: Scaffold) -> list[Path]:
    """Write every file of the scaffold, or none if any of them exists already."""
    paths = [scaffold.root / relative for relative in scaffold.files]
    existing = [str(path) for path in paths if path.exists() or path.is_symlink()]
    if existing:
        raise ScaffoldError(f"refusing to overwrite existing files: {', '.join(existing)}")
    for path, text in zip(paths, scaffold.files.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never clobber a file made meanwhile
            handle.write(text)
    return paths
