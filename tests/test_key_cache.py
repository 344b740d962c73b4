"""The derived-key cache only ever saves time: a remembered key never opens a token it should not."""

from __future__ import annotations

import hashlib
import threading

import pytest

from h3session import SessionConfig, iron
from h3session.iron import SealParts, _keys

PASSWORD = "a-password-of-at-least-thirty-two-characters"
OTHER = "another-password-of-at-least-thirty-two-chars"
V1, V2 = iron.PRESET_V1, iron.PRESET_V2


@pytest.fixture
def cache() -> iron.KeyCache:
    return iron.KeyCache(64)


def warm(token: str, password: iron.PasswordInput, options: iron.SealOptions, cache: iron.KeyCache) -> None:
    """Open ``token`` once so both of its keys are cached."""
    iron.unseal(token, password, options, cache=cache)


def swap_part(token: str, index: int, value: str) -> str:
    parts = token.split("*")
    parts[index] = value
    return "*".join(parts)


@pytest.mark.parametrize("options", [V1, V2], ids=["v1", "v2"])
def test_cached_keys_do_not_open_a_token_for_another_password(options: iron.SealOptions, cache: iron.KeyCache) -> None:
    token = iron.seal({"n": 1}, PASSWORD, options, cache=cache)
    warm(token, PASSWORD, options, cache)
    with pytest.raises(iron.MacError):
        iron.unseal(token, OTHER, options, cache=cache)


def test_cached_keys_do_not_follow_the_secret_to_another_id(cache: iron.KeyCache) -> None:
    token = iron.seal({"n": 1}, {"id": "a", "secret": PASSWORD}, V1, cache=cache)
    warm(token, {"a": PASSWORD}, V1, cache)
    # Id "a" now names OTHER; the keys PASSWORD derived for these very salts are cached but must not be used.
    with pytest.raises(iron.MacError):
        iron.unseal(token, {"a": OTHER, "b": PASSWORD}, V1, cache=cache)
    with pytest.raises(iron.UnknownPasswordError):
        iron.unseal(token, {"b": PASSWORD}, V1, cache=cache)
    with pytest.raises(iron.MacError):  # the id is under the MAC: relabelling it does not reuse the keys
        iron.unseal(swap_part(token, 1, "b"), {"b": PASSWORD}, V1, cache=cache)


@pytest.mark.parametrize(("sealed_with", "opened_with"), [(V1, V2), (V2, V1)], ids=["1-then-8192", "8192-then-1"])
def test_cached_keys_do_not_cross_iteration_counts(
    sealed_with: iron.SealOptions, opened_with: iron.SealOptions, cache: iron.KeyCache
) -> None:
    token = iron.seal({"n": 1}, PASSWORD, sealed_with, cache=cache)
    warm(token, PASSWORD, sealed_with, cache)
    with pytest.raises(iron.MacError):
        iron.unseal(token, PASSWORD, opened_with, cache=cache)


def test_cached_keys_do_not_open_a_token_whose_salt_was_swapped(cache: iron.KeyCache) -> None:
    first = iron.seal({"n": 1}, PASSWORD, V1, cache=cache)
    second = iron.seal({"n": 2}, PASSWORD, V1, cache=cache)
    for token in (first, second):
        warm(token, PASSWORD, V1, cache)
    first_parts, second_parts = first.split("*"), second.split("*")
    with pytest.raises(iron.MacError):  # the other token's (cached) integrity salt
        iron.unseal(swap_part(first, 6, second_parts[6]), PASSWORD, V1, cache=cache)
    with pytest.raises(iron.MacError):  # the encryption salt is covered by the MAC too
        iron.unseal(swap_part(first, 2, second_parts[2]), PASSWORD, V1, cache=cache)
    assert first_parts[6] != second_parts[6]


def test_key_length_is_part_of_the_cache_key(cache: iron.KeyCache) -> None:
    # PBKDF2's first 16 bytes of a 32-byte key equal the 16-byte key: a cache keyed without the
    # length would hand AES-128 keys to AES-256 (or the reverse).
    parts = SealParts(encryption_salt="ab" * 32, hmac_salt="cd" * 32, iv=bytes(16))
    ctr = iron.resolve_options({"encryption": {"algorithm": "aes-128-ctr"}}, V1)
    tokens = [
        (iron.seal({"alg": o.encryption.algorithm}, PASSWORD, o, cache=cache, _parts=parts), o) for o in (ctr, V1)
    ]
    for token, options in tokens * 2:
        assert iron.unseal(token, PASSWORD, options, cache=cache) == {"alg": options.encryption.algorithm}
    assert iron.unseal(tokens[1][0], PASSWORD, V1, cache=iron.KeyCache(0)) == {"alg": "aes-256-cbc"}


def test_a_forged_token_leaves_nothing_in_the_cache(cache: iron.KeyCache) -> None:
    token = iron.seal({"n": 1}, PASSWORD, V1, cache=iron.KeyCache(0))
    forged = swap_part(swap_part(token, 6, "00" * 32), 7, "A" * 43)
    for _ in range(3):
        with pytest.raises(iron.MacError):
            iron.unseal(forged, PASSWORD, V1, cache=cache)
    assert len(cache) == 0


def test_a_verified_token_is_warm_the_second_time(cache: iron.KeyCache) -> None:
    token = iron.seal({"n": 1}, PASSWORD, V2, cache=iron.KeyCache(0))
    warm(token, PASSWORD, V2, cache)
    misses = cache.misses
    assert iron.unseal(token, PASSWORD, V2, cache=cache) == {"n": 1}
    assert cache.misses == misses
    assert cache.hits >= 2


def test_the_cache_is_a_bounded_lru() -> None:
    cache = iron.KeyCache(2)
    for salt in ("s1", "s2"):
        cache.derive(PASSWORD, salt, 1, 32)
    cache.derive(PASSWORD, "s1", 1, 32)  # s1 is now the most recent
    cache.derive(PASSWORD, "s3", 1, 32)
    assert len(cache) == 2
    assert cache.contains(PASSWORD, "s1", 1, 32)
    assert not cache.contains(PASSWORD, "s2", 1, 32)


def test_a_zero_size_cache_is_off() -> None:
    cache = iron.KeyCache(0)
    token = iron.seal({"n": 1}, PASSWORD, V1, cache=cache)
    assert iron.unseal(token, PASSWORD, V1, cache=cache) == {"n": 1}
    assert len(cache) == 0
    assert not cache.contains(PASSWORD, token.split("*")[6], 1, 32)
    assert SessionConfig(PASSWORD, key_cache=iron.no_cache).key_cache is iron.no_cache
    with pytest.raises(ValueError, match="maxsize"):
        iron.KeyCache(-1)


def test_concurrent_unseals_share_a_small_cache() -> None:
    cache = iron.KeyCache(4)
    tokens = [iron.seal({"n": n}, PASSWORD, V1, cache=iron.KeyCache(0)) for n in range(12)]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(30):
                n = (offset + round_) % len(tokens)
                assert iron.unseal(tokens[n], PASSWORD, V1, cache=cache) == {"n": n}
                with pytest.raises(iron.MacError):
                    iron.unseal(tokens[n], OTHER, V1, cache=cache)
        except BaseException as error:  # collected: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(cache) <= 4


@pytest.mark.parametrize("backend", ["cryptography", "hashlib"])
def test_every_pbkdf2_backend_derives_the_same_keys(backend: _keys.Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = hashlib.pbkdf2_hmac("sha1", PASSWORD.encode(), b"salt-text", 50, 32)
    monkeypatch.setattr(_keys, "backend", backend)
    results: list[bytes] = []
    worker = threading.Thread(target=lambda: results.append(_keys.pbkdf2_sha1(PASSWORD, "salt-text", 50, 32)))
    worker.start()
    worker.join(timeout=30)
    assert results == [expected]
    assert _keys.pbkdf2_sha1(PASSWORD, "salt-text", 50, 32) == expected
