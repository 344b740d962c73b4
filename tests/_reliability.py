"""Shared pieces of the reliability and security suite (issue 6).

Passwords, the Set-Cookie safety check, the hostile request corpus, a raw
HTTP/1.1 client that can send what ordinary clients refuse to, and a runner
for the reference under real servers (uvicorn, gunicorn) on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Optional

from h3conformance.processes import free_port, stop_process_group
from h3session import SessionConfig, SessionContext
from h3session.engine import open_session

PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"
OLD_PASSWORD = "an-older-password-that-was-rotated-out-0001"
#: The Fe26.2 alphabet: the prefix, `*`, hex salts, base64url, digits and ``\w`` ids (and ``__chunked__N``).
TOKEN_VALUE = re.compile(r"[A-Za-z0-9_*.\-]*")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
_ATTRIBUTE = re.compile(
    r"Max-Age=-?[0-9]+|Domain=[\x21-\x3a\x3c-\x7e]+|Path=[\x20-\x3a\x3c-\x7e]+"
    r"|Expires=(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4,6} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
    r"|HttpOnly|Secure|Partitioned|Priority=(Low|Medium|High)|SameSite=(Strict|Lax|None)"
)


def check_set_cookie(line: str, name: str) -> str:
    """Assert one Set-Cookie line cannot smuggle anything; return its value.

    Printable ASCII only (no CR, LF, NUL or non-ASCII), the cookie is ``name`` or
    one of its chunks, the value is in the token alphabet and every attribute is
    one the reference writes.
    """
    assert _PRINTABLE_ASCII.fullmatch(line), f"Set-Cookie line with unsafe characters: {line!r}"
    first, *attributes = line.split("; ")
    cookie_name, equals, value = first.partition("=")
    assert equals, f"no '=' in {first!r}"
    assert re.fullmatch(re.escape(name) + r"(\.[0-9]+)?", cookie_name), f"unexpected cookie name {cookie_name!r}"
    assert TOKEN_VALUE.fullmatch(value), f"cookie value outside the token alphabet: {value[:80]!r}"
    for attribute in attributes:
        assert _ATTRIBUTE.fullmatch(attribute), f"unexpected attribute {attribute!r} in {line!r}"
    return value


def session_token(options: Mapping[str, Any], data: Mapping[str, Any]) -> tuple[str, str]:
    """A real sealed session for ``options`` (h3 camelCase): (its id, its token)."""
    config = SessionConfig.from_h3(options)
    ctx = SessionContext.from_headers({})
    manager = open_session(ctx, config)
    manager.update(dict(data))
    (line,) = ctx.set_cookie_lines()
    return str(manager.id), check_set_cookie(line, config.name)


# --- the hostile corpus ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """One hostile request: extra raw header lines (and a body), and what the session must be."""

    label: str
    headers: tuple[bytes, ...]
    expect: str = "fresh"  # "fresh" | "kept"
    method: bytes = b"GET"
    path: bytes = b"/"
    body: bytes = b""


def _variants(token: str) -> list[tuple[str, bytes, str]]:
    """Hostile session values built around one valid token: (label, value, expectation)."""
    raw = token.encode("ascii")
    parts = raw.split(b"*")
    swapped = parts.copy()
    swapped[2], swapped[6] = swapped[6], swapped[2]
    big_expiration = b"*".join([*parts[:5], b"1" * 5000, *parts[6:]])
    flipped = raw[:-1] + (b"A" if raw[-1:] != b"A" else b"B")
    return [
        ("empty", b"", "fresh"),
        ("word", b"hello", "fresh"),
        ("stars", b"*" * 4000, "fresh"),
        ("seven stars", b"Fe26.2*******", "fresh"),
        ("nine parts", raw + b"*x", "fresh"),
        ("flipped mac", flipped, "fresh"),
        ("truncated", raw[: len(raw) // 2], "fresh"),
        ("parts swapped", b"*".join(swapped), "fresh"),
        ("huge expiration", big_expiration, "fresh"),
        ("other prefix", b"Fe26.1" + raw[6:], "fresh"),
        ("unknown password id", raw.replace(b"Fe26.2**", b"Fe26.2*nope*", 1), "fresh"),
        ("non-utf8", b"\xff\xfe\xfd\xc3\x28", "fresh"),
        ("latin-1 in token", raw[:40] + b"\xe9" + raw[41:], "fresh"),
        ("utf-8 emoji", "🍪".encode() * 10, "fresh"),
        ("percent garbage", b"%zz%E0%A4%A%", "fresh"),
        ("percent crlf", b"%0D%0ASet-Cookie:%20evil=1", "fresh"),
        ("percent nul", b"%00" + raw, "fresh"),
        ("huge value", b"A" * 12_000, "fresh"),
        ("trailing whitespace", raw + b" \t", "kept"),  # servers and both parsers trim it
    ]


def hostile_corpus(token: str, name: str = "h3", profile: str = "v2") -> list[Hostile]:
    """The deterministic hostile requests sent to every server: cookie, header and chunk attacks."""
    raw = token.encode("ascii")
    encoded_star = raw.replace(b"*", b"%2A")
    header = f"x-{name.lower()}-session".encode()
    cookie = name.encode()
    items: list[Hostile] = []
    for label, value, expect in _variants(token):
        items.append(Hostile(f"cookie {label}", (b"Cookie: " + cookie + b"=" + value,), expect))
        if value.strip():  # a present header wins over the cookie even when it is garbage (row d2)
            pair = (header + b": " + value, b"Cookie: " + cookie + b"=" + raw)
            items.append(Hostile(f"header {label}", pair, expect))
    half = len(raw) // 2
    items += [
        Hostile("no cookie at all", ()),
        Hostile("garbage then valid", (b"Cookie: " + cookie + b"=garbage; " + cookie + b"=" + raw,)),
        Hostile("valid then garbage", (b"Cookie: " + cookie + b"=" + raw + b"; " + cookie + b"=garbage",), "kept"),
        Hostile("quoted", (b"Cookie: " + cookie + b'="' + raw + b'"',), "kept" if profile == "v1" else "fresh"),
        Hostile("percent-encoded stars", (b"Cookie: " + cookie + b"=" + encoded_star,), "kept"),
        Hostile("header percent-encoded", (header + b": " + encoded_star,)),
        Hostile("many cookies", (b"Cookie: " + b"; ".join(b"c%d=v%d" % (i, i) for i in range(1000)),)),
        Hostile("many duplicates", (b"Cookie: " + b"; ".join([cookie + b"=x"] * 1000),)),
        Hostile("only separators", (b"Cookie: ;;;;=;=;==;",)),
        Hostile("name case", (b"Cookie: " + cookie.upper() + b"X=" + raw,)),
        Hostile("two cookie lines", (b"Cookie: a=b", b"Cookie: " + cookie + b"=garbage")),
        Hostile("crlf injection attempt", (b"Cookie: " + cookie + b"=x\r\nSet-Cookie: evil=1",)),
        Hostile("chunked, no chunks", (b"Cookie: " + cookie + b"=__chunked__3",)),
        Hostile("chunked, huge count", (b"Cookie: " + cookie + b"=__chunked__" + b"9" * 5000,)),
        Hostile("chunked, negative", (b"Cookie: " + cookie + b"=__chunked__-2; " + cookie + b".1=" + raw,)),
        Hostile("chunked, 101", (b"Cookie: " + cookie + b"=__chunked__101",)),
        Hostile(
            "chunked, swapped",
            (b"Cookie: %s=__chunked__2; %s.1=%s; %s.2=%s" % (cookie, cookie, raw[half:], cookie, raw[:half]),),
        ),
        Hostile(
            "chunked, one missing",
            (b"Cookie: %s=__chunked__3; %s.1=%s; %s.2=%s" % (cookie, cookie, raw[:half], cookie, raw[half:]),),
        ),
        Hostile(
            "chunked, valid",
            (b"Cookie: %s=__chunked__2; %s.1=%s; %s.2=%s" % (cookie, cookie, raw[:half], cookie, raw[half:]),),
            "kept" if profile == "v2" else "fresh",
        ),
        Hostile("read-only route, garbage", (b"Cookie: " + cookie + b"=garbage",), path=b"/data"),
        Hostile(
            "update with a hostile string",
            (b"Content-Type: application/json",),
            method=b"POST",
            path=b"/update",
            body=json.dumps({"x": "a;b\r\nSet-Cookie: evil=1 é 🍪 \u0000"}).encode(),
        ),
    ]
    if profile == "v2":  # a 5000-byte key needs chunks; v1 refuses the line (CookieTooLargeError) by design
        items.append(
            Hostile(
                "update with a 5000-digit key",
                (b"Content-Type: application/json",),
                method=b"POST",
                path=b"/update",
                body=b'{"' + b"1" * 5000 + b'": 1}',
            )
        )
    return items


# servers reject these themselves; each is counted apart (a 4xx from the server, never the app)
def malformed_requests(token: str, name: str = "h3") -> list[Hostile]:
    cookie = name.encode()
    return [
        Hostile("bare CR in cookie", (b"Cookie: " + cookie + b"=a\rb",)),
        Hostile("NUL in cookie", (b"Cookie: " + cookie + b"=a\x00b",)),
        Hostile("obs-fold", (b"Cookie: " + cookie + b"=a", b" b")),
        Hostile("non-ASCII header name", (b"x-s\xe9ssion: 1",)),
        Hostile("header without colon", (b"Cookie " + cookie + b"=a",)),
        Hostile("64 KiB cookie", (b"Cookie: " + cookie + b"=" + b"A" * 65_536,)),
    ]


# --- in-process WSGI and ASGI calls ---------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def set_cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def cookie_header(self) -> str:
        """What a browser sends back after this reply (ignoring deletions)."""
        pairs = [line.split(";", 1)[0] for line in self.set_cookies()]
        return "; ".join(pair for pair in pairs if not pair.endswith("="))


def call_wsgi(
    app: Any, method: str, path: str, headers: Optional[Mapping[str, str]] = None, body: bytes = b""
) -> Reply:
    """One request through a WSGI app, the way a server calls it (latin-1 header strings)."""
    import io

    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started: list[Any] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [int(status.split()[0]), response_headers]
        return lambda data: None

    chunks = app(environ, start_response)
    body_out = b"".join(chunks)
    return Reply(started[0], list(started[1]), body_out)


def call_asgi(
    app: Any, method: str, path: str, headers: Optional[Mapping[str, str]] = None, body: bytes = b""
) -> Reply:
    """One HTTP request through an ASGI app, with raw latin-1 header bytes as servers pass them."""
    import asyncio

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        messages.append(dict(message))

    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", ())]
    content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return Reply(start["status"], response_headers, content)


# --- raw HTTP/1.1 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name]


def raw_request(base_url: str, item: Hostile, timeout: float = 20) -> RawResponse:
    """Send ``item`` byte for byte on a fresh connection (``Connection: close``) and read the answer."""
    host, port = base_url.removeprefix("http://").rstrip("/").split(":")
    lines = [item.method + b" " + item.path + b" HTTP/1.1", b"Host: " + host.encode(), b"Connection: close"]
    lines += list(item.headers)
    if item.body or item.method == b"POST":
        lines.append(b"Content-Length: %d" % len(item.body))
    request = b"\r\n".join(lines) + b"\r\n\r\n" + item.body
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            sock.sendall(request)
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return _parse_response(b"".join(chunks))


def _parse_response(data: bytes) -> RawResponse:
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = status_line.split(" ", 2)
    status = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0  # 0: the server hung up
    headers = [(k.strip(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines if h)]
    if any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers):
        body = _dechunk(body)
    return RawResponse(status, headers, body)


def _dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return out


# --- real servers ---------------------------------------------------------------------------


def serve_command(server: str, *, workers: int = 1, threads: int = 1) -> list[str]:
    """The server command: ``h3adapters.serve`` as-is, or the server's CLI for workers/threads.

    ``h3adapters.serve`` runs one uvicorn worker and one 4-thread gunicorn worker; the soak wants
    more, so it runs the CLIs on ``h3adapters.serve:app_from_env`` (env ``H3ADAPTERS_APP``).
    """
    if server == "uvicorn" and workers == 1:
        return [sys.executable, "-m", "h3adapters.serve", "--server", "uvicorn", "--app", "asgi"]
    if server == "uvicorn":
        return [
            *(sys.executable, "-m", "uvicorn", "--factory", "h3adapters.serve:app_from_env"),
            *("--host", "127.0.0.1", "--port", "{port}", "--workers", str(workers)),
            *("--log-level", "warning", "--no-access-log"),
        ]
    if server == "gunicorn" and workers == 1 and threads in (1, 4):
        return [sys.executable, "-m", "h3adapters.serve", "--server", "gunicorn", "--app", "wsgi"]
    if server == "gunicorn":
        return [
            *(sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}"),
            *("--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"),
            *("--graceful-timeout", "2", "--log-level", "warning", "h3adapters.serve:app_from_env()"),
        ]
    raise ValueError(f"unknown server {server!r}")


_INTERFACE = {"uvicorn": "asgi", "gunicorn": "wsgi"}


@contextlib.contextmanager
def real_server(
    server: str, options: Mapping[str, Any], *, workers: int = 1, threads: int = 1, timeout: float = 30
) -> Iterator[tuple[str, IO[bytes]]]:
    """Run the plain contract app under ``server`` on 127.0.0.1; yield (base URL, its stderr file).

    The server runs in its own process group, stopped (SIGTERM, then SIGKILL) on exit.
    """
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in serve_command(server, workers=workers, threads=threads)]
    env = {
        **os.environ,
        "H3_SESSION_CONFIG": json.dumps(dict(options)),
        "PORT": str(port),
        "H3ADAPTERS_APP": _INTERFACE[server],
        "PYTHONUNBUFFERED": "1",
    }
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_serving(proc, port, time.monotonic() + timeout, log)
            yield url, log
        finally:
            stop_process_group(proc)


def _wait_until_serving(proc: subprocess.Popen[bytes], port: int, deadline: float, log: IO[bytes]) -> None:
    probe = Hostile("probe", (), path=b"/no-such-route")
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if raw_request(f"http://127.0.0.1:{port}", probe, timeout=2).status == 404:
                return
        except OSError:
            pass
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError(f"server on port {port} did not start:\n{log.read().decode('utf-8', 'replace')}")


def read_log(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")


def report(config: Any, line: str) -> None:
    """Print a figure on the terminal even while pytest captures output (the nox sessions show it)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        print(line)
        return
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        reporter.write_line(line)
