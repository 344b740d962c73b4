"""The one bridge from Python to the Node fixtures in ``node/`` (real h3 and iron).

Interop tests and the ``h3-node-v1``/``h3-node-v2`` adapters judge the Python reference
against the real libraries, so they need Node; everything they need from it goes through here.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from h3conformance.processes import stop_process_group

__all__ = [
    "NODE_DIR",
    "NodeError",
    "ensure_node_modules",
    "h3_server",
    "node_available",
    "run_batch",
    "server_command",
]

ServerVersion = Literal["v1", "v2"]


class NodeError(RuntimeError):
    """Node, npm or a fixture script is missing or failed; the message says which."""


def _find_node_dir() -> Path:
    # A source checkout keeps node/ beside adapters/; the env var serves any other layout.
    override = os.environ.get("H3SESSION_NODE_DIR")
    if override:
        return Path(override).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "node" / "package.json").is_file():
            return parent / "node"
    return Path.cwd() / "node"


NODE_DIR: Path = _find_node_dir()


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise NodeError("the `node` binary (Node >= 20) is not on PATH; install Node to run this")
    return node


def _dependencies() -> list[str]:
    manifest = json.loads((NODE_DIR / "package.json").read_text(encoding="utf-8"))
    return list(manifest.get("dependencies", {}))


def node_available() -> bool:
    """True if ``node`` is on PATH and every fixture dependency is installed in NODE_DIR."""
    if shutil.which("node") is None or not (NODE_DIR / "package.json").is_file():
        return False
    modules = NODE_DIR / "node_modules"
    return all((modules / name / "package.json").is_file() for name in _dependencies())


def ensure_node_modules(timeout: float = 600) -> None:
    """Install the locked fixture dependencies (``npm ci``) unless they are already there.

    Raises NodeError when node or npm is missing rather than letting tests skip: CI must never
    pass by silently not testing interop.
    """
    _node()
    if node_available():
        return
    if not (NODE_DIR / "package-lock.json").is_file():
        raise NodeError(f"no package-lock.json in {NODE_DIR}; set H3SESSION_NODE_DIR")
    npm = shutil.which("npm")
    if npm is None:
        raise NodeError("`npm` is not on PATH; run `npm ci --prefix node` by hand")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or not node_available():
        raise NodeError(f"`npm ci` in {NODE_DIR} failed:\n{done.stdout}\n{done.stderr}")


def run_batch(ops: Sequence[Mapping[str, Any]], timeout: float = 120) -> list[dict[str, Any]]:
    """Run many seal/unseal operations in ONE Node process (``node/iron-batch.mjs``).

    Returns one ``{"ok": True, "value": ...}`` or ``{"ok": False, "error": msg}`` per op, in
    order. Lone surrogates survive because ``json.dumps`` escapes them and so does Node.
    """
    done = subprocess.run(
        [_node(), str(NODE_DIR / "iron-batch.mjs")],
        cwd=NODE_DIR,
        input=json.dumps(list(ops)).encode("ascii"),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise NodeError(f"iron-batch.mjs exited {done.returncode}:\n{stderr}")
    results: list[dict[str, Any]] = json.loads(done.stdout.decode("utf-8"))
    if len(results) != len(ops):
        raise NodeError(f"iron-batch.mjs answered {len(results)} results for {len(ops)} ops")
    return results


def server_command(version: ServerVersion) -> list[str]:
    """The command that serves the app contract on real h3 (env H3_SESSION_CONFIG, PORT).

    Never raises for a missing Node, so adapters can be declared on machines without it.
    """
    if version not in ("v1", "v2"):
        raise ValueError(f"version must be 'v1' or 'v2', not {version!r}")
    return [shutil.which("node") or "node", str(NODE_DIR / "h3-server.mjs"), version]


def _wait_for_url(proc: subprocess.Popen[bytes], deadline: float) -> str | None:
    assert proc.stdout is not None
    line = b""
    while time.monotonic() < deadline and not line.endswith(b"\n"):
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(proc.stdout.fileno(), 256)
        if not chunk:  # the server exited before announcing itself
            break
        line += chunk
    text = line.decode("utf-8", "replace").strip()
    prefix = "listening on "
    return text[len(prefix) :] if text.startswith(prefix) else None


@contextlib.contextmanager
def h3_server(
    version: ServerVersion, config: Mapping[str, Any], *, port: int = 0, timeout: float = 30
) -> Iterator[str]:
    """Run a real h3 contract server on 127.0.0.1 and yield its base URL; stop it on exit.

    ``port=0`` lets the OS pick a free port (no race between choosing and binding).
    """
    command = [_node(), *server_command(version)[1:]]
    env = {**os.environ, "H3_SESSION_CONFIG": json.dumps(dict(config)), "PORT": str(port)}
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            command,
            cwd=NODE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            url = _wait_for_url(proc, time.monotonic() + timeout)
            if url is None:
                stderr.seek(0)
                log = stderr.read().decode("utf-8", "replace")
                raise NodeError(f"h3-server.mjs {version} did not start:\n{log}")
            yield url
        finally:
            stop_process_group(proc)
            if proc.stdout is not None:
                proc.stdout.close()
