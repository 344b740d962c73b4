"""The interop matrix: can a session written by one implementation be read by another?

For every ordered pair (writer A, reader B) of a profile, both configured alike (the docs password,
the default cookie name): POST /update to A from an empty jar, then GET /data on B with exactly the
cookies A set. Within a profile B must continue A's session. Across profiles a cell expects what
real h3 does (h3-behavior i1, i2, e3): a v2 reader takes a v1 cookie through the legacy fallback
and re-seals it at 8192 iterations ("upgrades"); a v1 reader never takes a v2 cookie ("rejects").
Verdicts and the record format: conformance/INTEROP.md.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Callable, Literal, Optional

from .adapter import Adapter
from .checks import json_subset
from .jar import CookieJar
from .model import DEFAULT_PASSWORD, PROFILES
from .results import BAD_VERDICTS, Failure, InteropRecord, StepRecord
from .runner import _request_dict, _response_dict, wall_clock_ms
from .setcookie import parse_set_cookie
from .tokens import ITERATIONS, Decoded, decode, join_chunks
from .transports import Request, Response, Target, Transport, TransportError, UnsupportedConfig, open_target

__all__ = ["COOKIE", "Expect", "Pair", "interop_config", "plan", "red_cells", "render_grids", "run_interop", "run_pair"]

Expect = Literal["reads", "upgrades", "rejects"]
COOKIE = "h3"  # the default name: every cell uses the same configuration
_OTHER = {"v1": "v2", "v2": "v1"}


def interop_config(profile: str) -> dict[str, Any]:
    """The one configuration of a profile that every implementation of the matrix runs."""
    return {"password": DEFAULT_PASSWORD, "profile": profile}


@dataclass(frozen=True)
class Pair:
    """One cell: `writer` running `writer_profile` writes, `reader` running `profile` reads."""

    profile: str
    writer: Adapter
    writer_profile: str
    reader: Adapter

    @property
    def expect(self) -> Expect:
        if self.writer_profile == self.profile:
            return "reads"
        return "upgrades" if self.profile == "v2" else "rejects"

    @property
    def writer_label(self) -> str:
        if self.writer_profile == self.profile:
            return self.writer.name
        return f"{self.writer.name} ({self.writer_profile})"


def plan(adapters: Sequence[Adapter], profiles: Optional[Iterable[str]] = None) -> list[Pair]:
    """Every cell, table by table: rows are the profile's writers, then the other profile's."""
    wanted = [p for p in PROFILES if profiles is None or p in profiles]
    unique: dict[str, Adapter] = {}
    for adapter in adapters:
        unique.setdefault(adapter.name, adapter)
    pairs: list[Pair] = []
    for profile in wanted:
        readers = [a for a in unique.values() if profile in a.profiles]
        if not readers:
            continue
        other = _OTHER[profile]
        writers = [(a, profile) for a in readers] + [(a, other) for a in unique.values() if other in a.profiles]
        pairs += [Pair(profile, writer, wrote, reader) for writer, wrote in writers for reader in readers]
    return pairs


# -- one cell ------------------------------------------------------------------------------------


class _Stop(Exception):
    """The cell has its verdict before its last step."""

    def __init__(self, verdict: str, message: str) -> None:
        super().__init__(message)
        self.verdict, self.message = verdict, message


def _session(response: Response, profile: str) -> Optional[Decoded]:
    """The session token the response set (v2 chunks joined), unsealed with the config password."""
    values = {c.name: c.value for c in map(parse_set_cookie, response.set_cookies) if c is not None}
    token = join_chunks(COOKIE, values)
    return decode(token, DEFAULT_PASSWORD, profile) if token else None


def _reported(response: Response) -> Any:
    try:
        return json.loads(response.text)
    except ValueError:
        return None


def _check_write(response: Response, written: Optional[Decoded], marker: dict[str, Any], profile: str) -> list[Failure]:
    if response.status != 200:
        return [Failure("status", 200, response.status)]
    if written is None:
        return [Failure(f"cookies.{COOKIE}", "a session cookie", "none set")]
    if not written.ok:
        return [Failure(f"cookies.{COOKIE}", "a token that unseals with the configured password", written.error)]
    session = written.value
    failures = []
    if not isinstance(session, dict) or not session.get("id"):
        failures.append(Failure("session.id", "a session id", session))
    elif not json_subset(marker, session.get("data")):
        failures.append(Failure("session.data", marker, session.get("data")))
    # A writer sealing at the wrong iteration count would make the cross-profile cells test nothing.
    if written.iterations != ITERATIONS[profile]:
        failures.append(Failure("session.iterations", ITERATIONS[profile], written.iterations))
    return failures


def _check_read(
    expect: Expect, response: Response, written: Mapping[str, Any], resealed: Optional[Decoded], marker: dict[str, Any]
) -> list[Failure]:
    if response.status != 200:
        return [Failure("status", 200, response.status)]
    reported = _reported(response)
    if not isinstance(reported, dict) or "id" not in reported or not isinstance(reported.get("data"), dict):
        return [Failure("reported", 'JSON {"id", "createdAt", "data"}', response.text[:200])]
    same = reported["id"] == written["id"] and json_subset(marker, reported["data"])
    if expect == "rejects":
        # h3 v1 has no upward fallback: a v2 token is "Bad hmac value", swallowed (h3-behavior i2).
        return [] if not same else [Failure("reported.id", "a new session (v1 rejects a v2 token)", reported["id"])]
    failures = []
    if reported["id"] != written["id"]:
        failures.append(Failure("reported.id", written["id"], reported["id"]))
    if not json_subset(marker, reported["data"]):
        failures.append(Failure("reported.data", marker, reported["data"]))
    if expect == "upgrades" and not failures:
        failures += _check_reseal(written, resealed)
    return failures


def _check_reseal(written: Mapping[str, Any], resealed: Optional[Decoded]) -> list[Failure]:
    """v2 re-seals a legacy cookie session at 8192 even on a read-only request (h3-behavior i1)."""
    if resealed is None:
        return [Failure(f"cookies.{COOKIE}", "the session re-sealed at 8192 iterations", "none set")]
    if not resealed.ok:
        return [Failure(f"cookies.{COOKIE}", "a token that unseals with the configured password", resealed.error)]
    failures = []
    if resealed.iterations != ITERATIONS["v2"]:
        failures.append(Failure(f"cookies.{COOKIE}.iterations", ITERATIONS["v2"], resealed.iterations))
    session = resealed.value
    if not isinstance(session, dict) or session.get("id") != written["id"]:
        failures.append(Failure(f"cookies.{COOKIE}.id", written["id"], session))
    return failures


# A passing cross-profile cell says what happened, since "pass" alone reads as "shared the session".
_PASSED = {
    "upgrades": "read the v1 cookie through the legacy fallback and re-sealed it at 8192 iterations",
    "rejects": "started a new session: a v1 reader rejects a v2 cookie",
}
_HINTS = {
    "reported.id": " (a new session: the reader did not take the writer's cookie)",
    "reported.data": " (the reader lost the data the writer stored)",
}


def _describe(step: StepRecord, who: str, failures: list[Failure]) -> str:
    first = failures[0]
    more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
    hint = _HINTS.get(first.expectation, "") if step.name == "read" else ""
    where = f"step {step.step} ({step.name}), {step.request.get('method')} {step.request.get('path')} on the {who}"
    return f"{where}: {first.expectation}: expected {first.expected!r}, got {first.actual!r}{hint}{more}"


def _transport(target: Target, profile: str, who: str) -> Transport:
    try:
        return target.for_config(interop_config(profile))
    except UnsupportedConfig as exc:
        raise _Stop("skip", f"the {who} cannot run profile {profile} with the docs password: {exc}") from exc
    except TransportError as exc:
        raise _Stop("error", f"cannot reach the {who}: {exc}") from exc


def _send(transport: Transport, request: Request, step: StepRecord, who: str) -> Response:
    try:
        response = transport.send(request)
    except TransportError as exc:
        raise _Stop("error", f"step {step.step} ({step.name}): the {who} did not answer: {exc}") from exc
    step.response = _response_dict(response)
    return response


def _run_steps(
    pair: Pair,
    writer: Target,
    reader: Target,
    marker: dict[str, Any],
    transcript: list[StepRecord],
    clock: Callable[[], int],
) -> None:
    write_to = _transport(writer, pair.writer_profile, "writer")
    read_from = _transport(reader, pair.profile, "reader")
    body = json.dumps(marker, separators=(",", ":")).encode()
    request = Request("POST", "/update", (("content-type", "application/json"),), body)
    step = StepRecord(1, "write", _request_dict(request), None)
    transcript.append(step)
    response = _send(write_to, request, step, "writer")
    jar = CookieJar(writer.origin.host, writer.origin.secure)
    jar.update(response.set_cookies, request.path, clock())
    written = _session(response, pair.writer_profile)
    if written is not None and written.ok:
        step.decoded = {COOKIE: written.value}
    step.failures = _check_write(response, written, marker, pair.writer_profile)
    if step.failures:
        raise _Stop("fail", _describe(step, "writer", step.failures))
    assert written is not None  # checked above
    cookies = jar.header("/data", clock())
    request = Request("GET", "/data", (("cookie", cookies),) if cookies else ())
    step = StepRecord(2, "read", _request_dict(request), None)
    transcript.append(step)
    response = _send(read_from, request, step, "reader")
    resealed = _session(response, pair.profile)
    if resealed is not None and resealed.ok:
        step.decoded = {COOKIE: resealed.value}
    step.failures = _check_read(pair.expect, response, written.value, resealed, marker)
    if step.failures:
        raise _Stop("fail", _describe(step, "reader", step.failures))


def run_pair(
    pair: Pair, writer: Target, reader: Target, *, n: int, clock: Callable[[], int] = wall_clock_ms
) -> InteropRecord:
    """Judge one cell; never raises for anything the implementations do."""
    record = InteropRecord(
        profile=pair.profile,
        writer=pair.writer_label,
        reader=pair.reader.name,
        verdict="pass",
        expect=pair.expect,
        writer_adapter=pair.writer.name,
        writer_profile=pair.writer_profile,
        reader_adapter=pair.reader.name,
    )
    started = time.monotonic()
    marker = {"interop": pair.writer_label, "n": n}
    try:
        _run_steps(pair, writer, reader, marker, record.transcript, clock)
        record.message = _PASSED.get(pair.expect, "")
    except _Stop as stop:
        record.verdict, record.message = stop.verdict, stop.message
    except Exception as exc:  # a bug in the kit must not end the whole matrix
        record.verdict, record.message = "error", f"internal error in the kit: {exc!r}"
    record.duration_ms = int((time.monotonic() - started) * 1000)
    return record


# -- the matrix ----------------------------------------------------------------------------------


def run_interop(
    adapters: Sequence[Adapter],
    profiles: Optional[Iterable[str]] = None,
    *,
    targets: Optional[Mapping[str, Target]] = None,
    rng: Optional[random.Random] = None,
    clock: Callable[[], int] = wall_clock_ms,
) -> Iterator[InteropRecord]:
    """Yield one record per cell of `plan(adapters, profiles)`.

    Each adapter gets one target (given in `targets` by adapter name, or opened here and closed
    at the end), so a command server starts once per profile and serves every pair it is in.
    """
    rng = rng or random.Random()
    given = dict(targets or {})
    opened: dict[str, Target] = {}

    def target(adapter: Adapter) -> Target:
        if adapter.name in given:
            return given[adapter.name]
        if adapter.name not in opened:
            opened[adapter.name] = open_target(adapter)
        return opened[adapter.name]

    try:
        for pair in plan(adapters, profiles):
            yield run_pair(pair, target(pair.writer), target(pair.reader), n=rng.randrange(1, 2**31), clock=clock)
    finally:
        for owned in opened.values():
            owned.close()


def red_cells(records: Iterable[InteropRecord]) -> list[InteropRecord]:
    return [r for r in records if r.verdict in BAD_VERDICTS]


_PASS_CELL = {"reads": "ok", "upgrades": "up", "rejects": "rej"}
_OTHER_CELL = {"fail": "FAIL", "error": "ERR", "skip": "skip"}
LEGEND = (
    "ok: continues the writer's session; up: continues a v1 cookie through the legacy fallback and re-seals it\n"
    "at 8192 iterations; rej: starts a new session, as h3 v1 does for a v2 cookie; FAIL, ERR, skip: see below"
)


def _cell(record: Optional[InteropRecord]) -> str:
    if record is None:
        return "-"
    if record.verdict == "pass":
        return _PASS_CELL.get(record.expect, "pass")
    return _OTHER_CELL.get(record.verdict, record.verdict)


def _grid(profile: str, records: list[InteropRecord]) -> list[str]:
    readers = list(dict.fromkeys(r.reader for r in records))
    writers = list(dict.fromkeys(r.writer for r in records))
    cells = {(r.writer, r.reader): r for r in records}
    number = {name: i for i, name in enumerate(readers, 1)}
    labels = [f"{number[w]:>2} {w}" if w in number else f"   {w}" for w in writers]
    left = max(len(label) for label in labels)
    width = max(len(str(len(readers))), 4) + 1
    lines = [
        f"interop [{profile}]: a session written by the row, read by the column",
        " " * left + "".join(str(i).rjust(width) for i in range(1, len(readers) + 1)),
    ]
    for writer, label in zip(writers, labels):
        row = "".join(_cell(cells.get((writer, reader))).rjust(width) for reader in readers)
        lines.append(label.ljust(left) + row)
    lines.append("readers: " + ", ".join(f"{i} {name}" for name, i in number.items()))
    return lines


def render_grids(records: Sequence[InteropRecord]) -> str:
    """Writer x reader grids, one per profile, the legend, then every cell that is not green."""
    if not records:
        return "interop: no pair ran"
    parts = []
    for profile in dict.fromkeys(r.profile for r in records):
        parts.append("\n".join(_grid(profile, [r for r in records if r.profile == profile])))
    parts.append(LEGEND)
    red = red_cells(records)
    skipped = [r for r in records if r.verdict == "skip"]
    lines = [f"interop: {len(records)} pair(s), {len(red)} red, {len(skipped)} skipped"]
    for r in red + skipped:
        message = r.message.replace("\n", "\n    ")
        lines.append(f"  {r.verdict.upper()} [{r.profile}] {r.writer} -> {r.reader}: {message}")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)
