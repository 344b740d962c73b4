"""Section 3: iron-webcrypto and h3's own sealSession/unsealSession, timed inside Node by the batch fixture."""

from __future__ import annotations

from typing import Any

from h3adapters import node
from h3session import iron

from ._stats import Figure, Results
from .micro import PASSWORD, SESSION

V2_OPTIONS = {"encryption": {"iterations": 8192}, "integrity": {"iterations": 8192}}


def _cases() -> list[tuple[str, str, str, dict[str, Any], int]]:
    """(key, label, unit, op, calls per round)."""
    v1_token = iron.seal(SESSION, PASSWORD, iron.PRESET_V1)
    v2_token = iron.seal(SESSION, PASSWORD, iron.PRESET_V2)
    web = {"lib": "iron-webcrypto", "password": PASSWORD}
    return [
        ("node-iron-seal-1", "iron-webcrypto 1.2.1 seal, 1 it", "us", {"op": "seal", "object": SESSION, **web}, 300),
        ("node-iron-unseal-1", "iron-webcrypto unseal, 1 it", "us", {"op": "unseal", "token": v1_token, **web}, 300),
        (
            "node-iron-seal-8192",
            "iron-webcrypto seal, 8192 it",
            "ms",
            {"op": "seal", "object": SESSION, "options": V2_OPTIONS, **web},
            15,
        ),
        (
            "node-iron-unseal-8192",
            "iron-webcrypto unseal, 8192 it",
            "ms",
            {"op": "unseal", "token": v2_token, "options": V2_OPTIONS, **web},
            15,
        ),
        (
            "node-h3v1-seal",
            "h3 v1 sealSession (1 it)",
            "us",
            {"op": "h3-seal-session", "lib": "h3v1", "session": SESSION, "password": PASSWORD},
            300,
        ),
        (
            "node-h3v1-unseal",
            "h3 v1 unsealSession (1 it)",
            "us",
            {"op": "h3-unseal-session", "lib": "h3v1", "token": v1_token, "password": PASSWORD},
            300,
        ),
        (
            "node-h3v2-seal",
            "h3 v2 sealSession (8192 it)",
            "ms",
            {"op": "h3-seal-session", "lib": "h3v2", "session": SESSION, "password": PASSWORD},
            15,
        ),
        (
            "node-h3v2-unseal",
            "h3 v2 unsealSession (8192 it, never cached)",
            "ms",
            {"op": "h3-unseal-session", "lib": "h3v2", "token": v2_token, "password": PASSWORD},
            15,
        ),
    ]


def node_figures(results: Results, repeats: int) -> None:
    section = "3 Node"
    if not node.node_available():
        node.ensure_node_modules()
    cases = _cases()
    # One extra round per case, dropped: V8 compiles the hot path during the first.
    ops = [
        {"op": "time", "clock": "cpu", "target": op, "repeat": calls, "rounds": repeats + 1}
        for _, _, _, op, calls in cases
    ]
    answers = node.run_batch(ops, timeout=600)
    for (key, label, unit, _, _), answer in zip(cases, answers):
        if not answer["ok"]:
            results.add(Figure(section, key, label, unit, note=f"failed: {answer['error']}"))
            continue
        scale = 1000.0 if unit == "us" else 1.0
        results.add(Figure(section, key, label, unit, [ms * scale for ms in answer["value"][1:]]))
