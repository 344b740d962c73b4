"""Deliberately wrong contract apps for the kit's self-test (tests/test_kit_mutants.py).

Each mutant is the reference's plain WSGI contract app, wrong in exactly one way that a real
port of h3's sessions gets wrong; the scenario set must catch every one with a `must` scenario.
"""

from __future__ import annotations

from . import crypto, identity, lifetime, reading, writing
from ._mutant import Mutant, Patch

ALL: tuple[Mutant, ...] = (
    *reading.MUTANTS,
    *identity.MUTANTS,
    *writing.MUTANTS,
    *lifetime.MUTANTS,
    *crypto.MUTANTS,
)

__all__ = ["ALL", "Mutant", "Patch"]
