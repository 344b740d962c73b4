"""`h3conformance new-adapter`, `h3conformance adapters`, and conformance/WRITING_ADAPTERS.md, run for real.

In process: a scaffold is broken until its TODO routes are filled with the reference (the
snippets of WRITING_ADAPTERS.md), then passes every must and should scenario. In a throwaway
virtualenv (the kit installed from its own wheel, the test environment's packages visible): a
scaffolded package installed with pip is found through its entry point, and every command of the
walk-through runs.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from h3conformance.adapter import Adapter, load_adapter
from h3conformance.cli import main
from h3conformance.loader import ScenarioSet
from h3conformance.results import ResultRecord, RunRecord, read_records
from h3conformance.runner import run_adapter

ROOT = Path(__file__).parents[1]
DOC = (ROOT / "conformance" / "WRITING_ADAPTERS.md").read_text(encoding="utf-8")
NOT_IMPLEMENTED = "broken: routes not implemented: GET /, GET /data, POST /update, GET /clear, GET /multi, GET /fail"
TODO_WRAP = "    # TODO: wrap the app in your session middleware, if your implementation has one.\n    return app\n"
# Offline, pip builds the packages with the hatchling already installed instead of fetching it.
NO_ISOLATION = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out), out.getvalue()


def doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def doc_commands() -> list[str]:
    return [line.split(" #")[0].strip() for block in doc_blocks("sh") for line in block.splitlines() if line.strip()]


def fill(module: str, kind: str) -> str:
    """The generated app module with its TODO handlers replaced as WRITING_ADAPTERS.md shows."""
    (block,) = [b for b in doc_blocks("python") if f"from h3session.{kind} import SessionMiddleware" in b]
    imports, _, handlers = block.partition("\n\n\n")
    start, end = module.index("def todo("), module.index("ROUTES:")
    module = module[:start] + handlers.strip() + "\n\n\n" + module[end:]
    after_typing = module.index("\n", module.index("from typing import"))
    module = module[:after_typing] + "\n\n" + imports.strip() + module[after_typing:]
    (wrap,) = [b for b in doc_blocks("python") if "SessionMiddleware(app)" in b]
    assert TODO_WRAP in module
    return module.replace(TODO_WRAP, wrap)


def expectations_from_doc() -> str:
    (block,) = [b for b in doc_blocks("toml") if "[expected_failures]" in b]
    return block


# -- the files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["wsgi", "asgi", "command"])
def test_new_adapter_writes_a_package_registering_the_adapter(tmp_path: Path, kind: str) -> None:
    code, out = cli("new-adapter", "my-thing", "--kind", kind, "--dir", str(tmp_path))
    assert code == 0, out
    root = tmp_path / "my-thing"
    package = root / "src" / "h3adapter_my_thing"
    program = "server.py" if kind == "command" else "app.py"
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == sorted(
        [
            "README.md",
            "noxfile.py",
            "pyproject.toml",
            "src/h3adapter_my_thing/__init__.py",
            f"src/h3adapter_my_thing/{program}",
            "src/h3adapter_my_thing/expectations.toml",
            "tests/test_h3adapter_my_thing.py",
        ]
    )
    assert f"created {package / program}" in out
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points."h3conformance.adapters"]\n"my-thing" = "h3adapter_my_thing:ADAPTER"' in pyproject
    assert '"h3session[conformance]>=' in pyproject
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text()
            leftovers = re.findall(r"\{(?:name|kind|module|project|kit_requirement)\}", text)
            assert not leftovers, f"{path}: {leftovers}"
            if path.suffix == ".py":
                compile(text, str(path), "exec")
    assert 'run", "--adapter", "my-thing"' in (root / "noxfile.py").read_text()
    assert 'load_adapter("my-thing")' in (root / "tests" / "test_h3adapter_my_thing.py").read_text()
    assert (package / "expectations.toml").read_text().startswith('# Scenarios adapter "my-thing"')
    assert f'kind="{kind}"' in (package / "__init__.py").read_text()


def test_new_adapter_refuses_to_overwrite_and_then_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "noxfile.py").write_text("# my own\n")
    code, _ = cli("new-adapter", "mine", "--kind", "wsgi", "--dir", str(tmp_path))
    assert code == 2
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["noxfile.py"]
    assert (tmp_path / "mine" / "noxfile.py").read_text() == "# my own\n"


@pytest.mark.parametrize("name", ["My-Thing", "1st", "my thing", "pkg.mod:OBJ", "trailing-"])
def test_new_adapter_refuses_names_that_are_no_entry_point_and_module_name(tmp_path: Path, name: str) -> None:
    code, _ = cli("new-adapter", name, "--kind", "asgi", "--dir", str(tmp_path))
    assert code == 2
    assert list(tmp_path.iterdir()) == []


def test_adapters_lists_each_with_its_requirements_and_flags_the_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    import h3conformance.cli as cli_module
    from h3conformance.adapter import AdapterError

    needy = Adapter("needy", "command", command=["srv"], requirements=["no-such-dist>=1"], profiles=["v2"])

    def load(name: str) -> Adapter:
        if name == "needy":
            return needy
        raise AdapterError("adapter 'gone' (gone.mod:ADAPTER) failed to load: ModuleNotFoundError('gone')")

    monkeypatch.setattr(cli_module, "available_adapters", lambda: ["gone", "needy"])
    monkeypatch.setattr(cli_module, "load_adapter", load)
    code, out = cli("adapters")
    assert code == 1
    assert out.splitlines() == [
        "gone   BROKEN: adapter 'gone' (gone.mod:ADAPTER) failed to load: ModuleNotFoundError('gone')",
        "needy  command  v2     no-such-dist MISSING",
        "2 adapter(s); 2 cannot run here (broken, or a requirement is MISSING)",
    ]
    code, out = cli("adapters", "--json")
    assert json.loads(out)[1] == {
        "name": "needy",
        "kind": "command",
        "profiles": ["v2"],
        "requirements": {"no-such-dist": "missing"},
        "installed": False,
        "description": "",
    }


# -- in process: broken until filled, then conformant ---------------------------------------------


@pytest.fixture
def scaffolded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Where the scaffolds go; their src/ folders are importable (and forgotten afterwards)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    before = set(sys.modules)
    yield tmp_path
    for module in set(sys.modules) - before:
        if module.startswith("h3adapter_"):
            del sys.modules[module]


def results(adapter: Adapter, scenarios: ScenarioSet) -> list[ResultRecord]:
    records = run_adapter(adapter, scenarios.scenarios, scenario_set_version=scenarios.version)
    return [r for r in records if isinstance(r, ResultRecord)]


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_a_scaffold_is_broken_until_its_routes_are_filled_with_the_reference(
    scaffolded: Path, monkeypatch: pytest.MonkeyPatch, kind: str, scenarios: ScenarioSet
) -> None:
    directory = scaffolded
    name = f"shop-{kind}"
    assert cli("new-adapter", name, "--kind", kind, "--dir", str(directory))[0] == 0
    package = directory / name / "src" / f"h3adapter_shop_{kind}"
    monkeypatch.syspath_prepend(str(package.parent))
    target = f"h3adapter_shop_{kind}:ADAPTER"

    code, out = cli("doctor", "--adapter", target)
    assert code == 1
    assert f"{name}: {NOT_IMPLEMENTED}" in out
    assert "answered 501: TODO: implement POST /update (see CONTRACT.md)" in out
    fresh = results(load_adapter(target), scenarios)
    assert {r.verdict for r in fresh if r.level == "must"} == {"fail"}

    app = package / "app.py"
    app.write_text(fill(app.read_text(), kind))
    del sys.modules[f"h3adapter_shop_{kind}.app"]
    code, out = cli("doctor", "--adapter", target)
    assert (code, out.splitlines()[-1]) == (
        0,
        f"{name}: healthy: every contract route answers as expected; `h3conformance run` judges conformance",
    ), out
    filled = results(load_adapter(target), scenarios)
    red = [f"{r.id} [{r.profile}] {r.message}" for r in filled if r.verdict != "pass" and r.level != "info"]
    assert not red, "\n".join(red)
    info = {(r.id, r.profile) for r in filled if r.verdict != "pass"}
    assert info  # the reference's deliberate differences from h3 bugs

    (package / "expectations.toml").write_text(expectations_from_doc())
    explained = results(load_adapter(target), scenarios)
    assert {(r.id, r.profile) for r in explained if r.verdict == "xfail"} == info
    assert {r.verdict for r in explained} == {"pass", "xfail"}
    assert all(r.expected_failure for r in explained if r.verdict == "xfail")


def test_a_command_scaffold_starts_and_reports_routes_not_implemented(
    scaffolded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = scaffolded
    assert cli("new-adapter", "my-server", "--kind", "command", "--dir", str(directory))[0] == 0
    src = directory / "my-server" / "src"
    monkeypatch.syspath_prepend(str(src))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]))
    code, out = cli("doctor", "--adapter", "h3adapter_my_server:ADAPTER", "--profile", "v2")
    assert code == 1
    assert "ok     [v2] Any other route answers HTTP 404" in out  # the server did start
    assert out.splitlines()[-2] == f"my-server: {NOT_IMPLEMENTED}"


def test_the_docs_expected_failures_are_the_reference_adapters_own(tmp_path: Path) -> None:
    from h3adapters.wsgi_registry import REFERENCE_EXPECTATIONS
    from h3conformance.adapter import load_expectations

    (tmp_path / "expectations.toml").write_text(expectations_from_doc())
    mine, reference = load_expectations(tmp_path / "expectations.toml"), load_expectations(REFERENCE_EXPECTATIONS)
    assert mine.ids() == reference.ids()
    for profile in ("v1", "v2"):
        assert {i for i in mine.ids() if mine.reason(i, profile)} == {
            i for i in reference.ids() if reference.reason(i, profile)
        }


# -- in a throwaway virtualenv: pip, the entry point, the walk-through -----------------------------


@dataclass
class Venv:
    root: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env.update(
            PATH=os.pathsep.join([str(self.bin), env.get("PATH", "")]),
            VIRTUAL_ENV=str(self.root),
            PIP_NO_INPUT="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            **extra,
        )
        return env

    def run(self, command: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        args = shlex.split(command)
        if args[:2] in (["pip", "install"], ["pip", "wheel"]):
            args += NO_ISOLATION
        return subprocess.run(
            args, cwd=cwd, env=self.env(**extra), capture_output=True, text=True, timeout=600, check=False
        )


def _parent_site_dirs() -> list[str]:
    dirs = site.getsitepackages() + ([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])
    return [d for d in dirs if Path(d).is_dir()]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A throwaway virtualenv with the kit installed from its own wheel, seeing the test environment's packages.

    Not `--system-site-packages`: under `nox -s tests` the test environment is itself a virtualenv, whose
    packages that flag would not show. A .pth file adds its site directories instead, after the venv's own.
    """
    base = tmp_path_factory.mktemp("kitvenv")
    root = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    python = root / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirs = ", ".join(repr(d) for d in _parent_site_dirs())
    (Path(purelib) / "_test_environment.pth").write_text(f"import site; list(map(site.addsitedir, ({dirs},)))\n")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", *NO_ISOLATION, "-w", str(base), str(ROOT)], check=True)
    (wheel,) = base.glob("h3session-*.whl")
    subprocess.run([*pip, "install", "-q", "--no-deps", str(wheel)], check=True)
    # pytest comes from the test environment, whose `pytest` script would run outside the virtualenv.
    launcher = root / "bin" / "pytest"
    launcher.write_text(f"#!{python}\nimport sys\nimport pytest\n\nsys.exit(pytest.console_main())\n")
    launcher.chmod(0o755)
    return Venv(root, wheel)


def test_the_kit_wheel_ships_the_scaffold_templates(venv: Venv) -> None:
    names = zipfile.ZipFile(venv.wheel).namelist()
    templates = sorted(p.name for p in (ROOT / "conformance" / "h3conformance" / "templates").iterdir())
    assert templates
    assert [n for n in names if "/templates/" in n] == [f"h3conformance/templates/{t}" for t in templates]


def test_an_adapter_installed_from_a_local_package_is_found_through_its_entry_point(venv: Venv, tmp_path: Path) -> None:
    made = venv.run("h3conformance new-adapter outside --kind asgi", tmp_path)
    assert made.returncode == 0, made.stderr
    app = tmp_path / "outside" / "src" / "h3adapter_outside" / "app.py"
    app.write_text(fill(app.read_text(), "asgi"))
    installed = venv.run("pip install --no-deps ./outside", tmp_path)  # a regular (not editable) install
    assert installed.returncode == 0, installed.stderr

    listed = venv.run("h3conformance adapters --json", tmp_path)
    assert listed.returncode == 0, listed.stderr
    (row,) = [row for row in json.loads(listed.stdout) if row["name"] == "outside"]
    assert row == {
        "name": "outside",
        "kind": "asgi",
        "profiles": ["v1", "v2"],
        "requirements": {},
        "installed": True,
        "description": "TODO: one line saying which framework and session library this runs",
    }
    ran = venv.run("h3conformance run --adapter outside --results results.jsonl", tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    records = list(read_records(tmp_path / "results.jsonl"))
    runs = [(r.adapter, r.kind, r.profile) for r in records if isinstance(r, RunRecord)]
    assert runs == [("outside", "asgi", "v1"), ("outside", "asgi", "v2")]
    assert {r.verdict for r in records if isinstance(r, ResultRecord) and r.level != "info"} == {"pass"}
    # Installed in the virtualenv only: the test environment itself does not see it.
    assert "outside" not in cli("adapters")[1].split()


WALKTHROUGH = [
    "h3conformance new-adapter myframework --kind wsgi",
    "pip install -e ./myframework",
    "h3conformance adapters",
    "h3conformance doctor --adapter myframework",
    "h3conformance doctor --adapter myframework",
    "h3conformance run --adapter myframework",
    "h3conformance run --adapter myframework",
    "h3conformance check",
    "pytest myframework",
    "pytest myframework --h3-adapter myframework --h3-only",
    "nox -f myframework/noxfile.py -s conformance",
    "h3conformance new-adapter myserver --kind command --dir servers",
    "pip install -e ./servers/myserver",
    "h3conformance doctor --adapter myserver",
    "pip wheel --no-deps -w dist ./myframework",
]


def test_every_command_of_writing_adapters_md_is_in_the_walkthrough() -> None:
    assert doc_commands() == WALKTHROUGH
    # Commands quoted inline in the prose are ones the walk-through runs too.
    inline = re.findall(r"`((?:h3conformance|pip|pytest|nox) [^`]*)`", DOC)
    assert inline
    assert set(inline) <= set(WALKTHROUGH), set(inline) - set(WALKTHROUGH)


@pytest.mark.slow
def test_the_walkthrough_of_writing_adapters_md_runs(venv: Venv, tmp_path: Path) -> None:
    assert shutil.which("nox"), "the walk-through runs nox: install it (`pip install nox`)"
    commands = iter(WALKTHROUGH)
    kit = f"{venv.wheel}[conformance]"

    def step(code: int, *wanted: str) -> str:
        command = next(commands)
        done = venv.run(command, tmp_path, H3CONFORMANCE_KIT=kit)
        output = done.stdout + done.stderr
        assert done.returncode == code, f"{command}: exit {done.returncode}\n{output[-3000:]}"
        for text in wanted:
            assert text in output, f"{command}: {text!r} not in\n{output[-3000:]}"
        return done.stdout

    step(0, "created myframework/pyproject.toml", "next: pip install -e ./myframework")
    step(0)
    assert re.search(r"^myframework +wsgi +v1,v2 +- +TODO: one line", step(0), re.M)
    (shown,) = [block for block in doc_blocks("text") if "routes not implemented" in block]
    step(1, *shown.strip().splitlines())

    app = tmp_path / "myframework" / "src" / "h3adapter_myframework" / "app.py"
    app.write_text(fill(app.read_text(), "wsgi"))
    step(0, "myframework: healthy: every contract route answers as expected")
    step(0, "FAIL  info   myframework [v2] options.cookie-name-trap", "0 must scenario(s) failed")

    expectations = tmp_path / "myframework" / "src" / "h3adapter_myframework" / "expectations.toml"
    expectations.write_text(expectations_from_doc())
    out = step(0)
    assert "FAIL" not in out
    assert re.search(r"myframework\s+v1\s+\d+\s+0\s+7\s+0\s+0\s+0\s+0", out), out
    step(0, ": 0 issue(s)")
    step(0, "2 passed")
    step(0, "passed", "xfailed")
    step(0, "Session conformance was successful")
    step(0, "created servers/myserver/src/h3adapter_myserver/server.py")
    step(0)
    step(1, f"myserver: {NOT_IMPLEMENTED}")
    step(0)
    (wheel,) = (tmp_path / "dist").glob("h3adapter_myframework-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (entry_points,) = [n for n in names if n.endswith("entry_points.txt")]
        assert (
            "[h3conformance.adapters]\nmyframework = h3adapter_myframework:ADAPTER"
            in archive.read(entry_points).decode()
        )
    assert "h3adapter_myframework/expectations.toml" in names
    assert next(commands, None) is None
