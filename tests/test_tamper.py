"""Every tampered token is rejected: single-character substitutions, deletions, truncations, part swaps.

For real session tokens (profile v1 with an expiration, v1 under a rotated
password id, and the v2 preset at 8192 iterations) every position is
substituted with characters of its part's own alphabet (so the token still
*looks* valid) plus a few foreign ones; every character is deleted; every
prefix and suffix is tried; parts are swapped within a token and spliced from
another valid token.  100% must be rejected, each before decryption (the MAC
or an earlier check fails, never AES or JSON), and a sample goes through the
whole session loader, which must hand out a fresh session.

The v1 sweeps are exhaustive over each part's alphabet; the v2 sweep uses a
few characters per position, because a changed MAC salt costs an 8192-iteration
derivation (everything else is rejected with the original salt's cached key).
"""

from __future__ import annotations

import base64
import itertools
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from _reliability import OLD_PASSWORD, PASSWORD, check_set_cookie, report
from h3session import SessionConfig, SessionContext, iron
from h3session.engine import get_session, open_session, unseal_session

NOW = 1_795_751_712_798
HEX = "0123456789abcdef"
B64URL = string.ascii_letters + string.digits + "-_"
WORD = string.ascii_letters + string.digits + "_"
DIGITS = string.digits
FOREIGN = "*=%+/ .\x00é"
#: Alphabet of each of the eight parts: prefix, id, encryption salt, IV, ciphertext, expiration, MAC salt, MAC.
PART_ALPHABETS = (B64URL + ".", WORD, HEX, B64URL, B64URL, DIGITS, HEX, B64URL)
#: A real token's loader check runs on every SAMPLE-th mutant (the rest go through ``unseal_session``).
SAMPLE = 25
MIN_TOTAL = 10_000


@dataclass(frozen=True)
class Case:
    label: str
    config: SessionConfig
    exhaustive: bool


CASES = [
    Case("v1", SessionConfig(password=PASSWORD, profile="v1", max_age=3600), exhaustive=True),
    Case(
        "v1-rotated",
        SessionConfig(password={"2": PASSWORD, "1": OLD_PASSWORD}, profile="v1", max_age=3600),
        exhaustive=True,
    ),
    Case("v2", SessionConfig(password=PASSWORD, profile="v2"), exhaustive=False),
]
COUNTS: dict[str, tuple[int, int]] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    total = sum(n for n, _ in COUNTS.values())
    rejected = sum(r for _, r in COUNTS.values())
    detail = ", ".join(f"{label}={n}" for label, (n, _) in COUNTS.items())
    report(request.config, f"\ntamper: {rejected}/{total} mutated tokens rejected ({detail})")
    if len(COUNTS) == len(CASES):
        assert total >= MIN_TOTAL, f"only {total} mutated tokens; the sweep promises at least {MIN_TOTAL}"


def real_token(config: SessionConfig, data: dict[str, object]) -> str:
    """A token exactly as the session layer writes it to the cookie."""
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    open_session(ctx, config).update(data)
    (line,) = ctx.set_cookie_lines()
    return check_set_cookie(line, config.name)


def part_of_each_position(token: str) -> list[int]:
    index, parts = 0, []
    for char in token:
        if char == "*":
            parts.append(-1)
            index += 1
        else:
            parts.append(index)
    return parts


def substitutes(part: int, exhaustive: bool) -> str:
    """The characters tried at a position: its part's whole alphabet, or a sample, plus foreign ones."""
    alphabet = PART_ALPHABETS[part] if part >= 0 else "*"
    chosen = alphabet if exhaustive else alphabet[:: max(1, len(alphabet) // 4)][:4]
    return chosen + FOREIGN if exhaustive else chosen + "*é"


def mutants(token: str, other: str, exhaustive: bool) -> Iterator[str]:
    """Every single-character substitution and deletion, every truncation, every part swap."""
    owners = part_of_each_position(token)
    for at, (char, part) in enumerate(zip(token, owners)):
        for replacement in substitutes(part, exhaustive):
            if replacement != char:
                yield token[:at] + replacement + token[at + 1 :]
        yield token[:at] + token[at + 1 :]
    for at in range(len(token)):
        yield token[:at]
        yield token[at + 1 :]
    parts, others = token.split("*"), other.split("*")
    for i, j in itertools.combinations(range(8), 2):
        swapped = parts.copy()
        swapped[i], swapped[j] = swapped[j], swapped[i]
        yield "*".join(swapped)
    for mask in range(1, 2**8 - 1):  # every mix of this token's parts with another valid token's
        yield "*".join(others[i] if mask >> i & 1 else parts[i] for i in range(8))
    for i in range(8):  # one character into each (possibly empty) part, at its start and its end
        for char in substitutes(i, exhaustive=False)[:3]:
            yield "*".join(p if k != i else char + p for k, p in enumerate(parts))
            yield "*".join(p if k != i else p + char for k, p in enumerate(parts))


def check_rejected(config: SessionConfig, token: str) -> bool:
    """True when the session layer refuses ``token`` before decrypting it."""
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    try:
        unseal_session(ctx, config, token)
    except iron.DecryptError:
        return False  # the MAC passed: a forgery
    except iron.IronTokenError:
        return True
    return False


def check_loader_fresh(config: SessionConfig, token: str, known_id: str) -> None:
    ctx = SessionContext.from_headers({"cookie": f"{config.name}={token}"}, now=lambda: NOW)
    session = get_session(ctx, config)
    assert session.id != known_id, f"a tampered token opened a session: {token!r}"
    assert session.data == {}


def sweep(case: Case) -> tuple[int, int, list[str]]:
    config = case.config
    token = real_token(config, {"count": 41, "who": "Zoë"})
    other = real_token(config, {"count": 41, "who": "Zoë"})
    ctx = SessionContext.from_headers({}, now=lambda: NOW)
    known = unseal_session(ctx, config, token)[0]  # also caches the token's verified keys
    assert not check_rejected(config, token), "the checker is vacuous"
    assert not check_rejected(config, other)
    unique = {m for m in mutants(token, other, case.exhaustive)} - {token, other}
    accepted = []
    for n, mutant in enumerate(sorted(unique)):
        if not check_rejected(config, mutant):
            accepted.append(mutant)
        elif n % SAMPLE == 0:
            check_loader_fresh(config, mutant, known["id"])
    return len(unique), len(unique) - len(accepted), accepted


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_every_tampered_token_is_rejected_before_decryption(case: Case) -> None:
    total, rejected, accepted = sweep(case)
    COUNTS[case.label] = (total, rejected)
    assert not accepted, f"{len(accepted)} of {total} tampered tokens accepted, e.g. {accepted[:3]!r}"
    assert rejected == total


def test_a_token_from_another_config_is_rejected() -> None:
    """Sealed under another password, or at the other iteration count without the v2 fallback."""
    strict_v2 = SessionConfig(password=PASSWORD, profile="v2", legacy_seal_fallback=False)
    pairs: Sequence[tuple[SessionConfig, SessionConfig]] = [
        (SessionConfig(password=OLD_PASSWORD, profile="v1"), CASES[0].config),
        (SessionConfig(password=PASSWORD, profile="v2"), SessionConfig(password=PASSWORD, profile="v1")),
        (SessionConfig(password=PASSWORD, profile="v1"), strict_v2),
        (SessionConfig(password={"9": PASSWORD}, profile="v1"), CASES[1].config),  # an id the map lacks
    ]
    for sealer, reader in pairs:
        assert check_rejected(reader, real_token(sealer, {"count": 1}))


@pytest.mark.parametrize(("profile", "iterations"), [("v1", 1), ("v2", 8192)])
def test_testing_one_password_guess_costs_the_profiles_pbkdf2_iterations(
    profile: str, iterations: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline brute force: whoever holds a cookie checks a guess with one derivation of the MAC key.

    That derivation is the whole work factor: 1 PBKDF2 round in v1 (iron's default), 8192 in v2.
    """
    token = real_token(SessionConfig(password=PASSWORD, profile=profile), {"count": 1})  # type: ignore[arg-type]
    rounds: list[int] = []
    real = iron._keys.pbkdf2_sha1

    def counting(secret: iron._passwords.Secret, salt: str, n: int, length: int) -> bytes:
        rounds.append(n)
        return real(secret, salt, n, length)

    monkeypatch.setattr(iron._keys, "pbkdf2_sha1", counting)
    guess = "a-wrong-guess-that-is-long-enough-000"
    with pytest.raises(iron.MacError):
        iron.unseal(token, guess, iron.preset(profile), cache=iron.KeyCache(0))
    assert rounds == [iterations], "one derivation, then the MAC comparison fails; nothing is decrypted"


def test_the_token_shows_nothing_of_the_data_but_its_length() -> None:
    """Confidentiality: AES with a fresh IV per seal; equal data gives unrelated ciphertexts of one length."""
    config = SessionConfig(password=PASSWORD, profile="v1")
    secret = "hunter2-the-session-secret"
    first, second = (real_token(config, {"secret": secret}) for _ in range(2))
    for token in (first, second):
        assert secret not in token
        assert base64.urlsafe_b64encode(secret.encode()).decode()[:16] not in token
    assert first.split("*")[4] != second.split("*")[4]
    assert len(first) == len(second)
