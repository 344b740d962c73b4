"""An implementation in any language: one server process per configuration, on a loopback port.

The process gets H3_SESSION_CONFIG (JSON, with "profile") and PORT, runs in its own process
group so that wrappers (npm, shells) are stopped with it, and logs to a file the kit reads back
when the server fails to start or to answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Optional

import httpx

from ..processes import free_port, stop_process_group
from .base import Origin, Request, Response, Transport, TransportError, config_key
from .url import URLTransport

__all__ = ["CommandTarget", "Server", "free_port"]

READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
_LOG_TAIL = 4000


class Server:
    """One running server process; `log()` returns the tail of what it printed."""

    def __init__(
        self,
        command: Sequence[str],
        config: Mapping[str, Any],
        cwd: Optional[Path] = None,
        ready_timeout: float = READY_TIMEOUT_S,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        env = {**os.environ, "H3_SESSION_CONFIG": json.dumps(dict(config)), "PORT": str(self.port)}
        try:
            self._process = subprocess.Popen(
                list(command),
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            self._log.close()
            raise TransportError(f"cannot start {list(command)}: {exc}") from exc
        self.transport = URLTransport(self.base_url)
        try:
            self._wait_ready(ready_timeout)
        except TransportError:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        """Ready once it answers HTTP at all (any status), within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        probe = httpx.Request("GET", f"{self.base_url}/.well-known/h3conformance-ready")
        with httpx.HTTPTransport(retries=0) as transport:
            while time.monotonic() < deadline:
                code = self._process.poll()
                if code is not None:
                    raise TransportError(f"server exited with code {code} before answering:\n{self.log()}")
                with contextlib.suppress(httpx.HTTPError):
                    transport.handle_request(probe).close()
                    return
                time.sleep(0.05)
        raise TransportError(f"server did not answer HTTP within {timeout:g} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        return text[-_LOG_TAIL:] if text else "(no output)"

    def send(self, request: Request) -> Response:
        try:
            return self.transport.send(request)
        except TransportError as exc:
            code = self._process.poll()
            state = f"server exited with code {code}" if code is not None else "server still running"
            raise TransportError(f"{exc}\n{state}; its output:\n{self.log()}") from exc

    def stop(self) -> None:
        stop_process_group(self._process, STOP_TIMEOUT_S)
        self.transport.close()
        self._log.close()


class CommandTarget:
    """Servers started on demand, one per configuration; at most `max_servers` alive at once."""

    origin = Origin()

    def __init__(
        self,
        command: Sequence[str],
        *,
        cwd: Optional[Path] = None,
        max_servers: int = 32,
        ready_timeout: float = READY_TIMEOUT_S,
    ) -> None:
        if not command:
            raise ValueError("an empty command")
        self.command = list(command)
        self.cwd = cwd
        self.max_servers = max_servers
        self.ready_timeout = ready_timeout
        self._servers: OrderedDict[str, Server] = OrderedDict()
        self._failed: dict[str, TransportError] = {}

    def for_config(self, config: Mapping[str, Any]) -> Transport:
        key = config_key(config)
        if key in self._failed:  # do not wait for a broken start once per scenario
            raise self._failed[key]
        if key in self._servers:
            self._servers.move_to_end(key)
            return self._servers[key]
        while len(self._servers) >= self.max_servers:
            _, oldest = self._servers.popitem(last=False)
            oldest.stop()
        try:
            server = Server(self.command, config, self.cwd, self.ready_timeout)
        except TransportError as exc:
            self._failed[key] = exc
            raise
        self._servers[key] = server
        return server

    def close(self) -> None:
        while self._servers:
            _, server = self._servers.popitem()
            server.stop()
