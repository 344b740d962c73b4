"""Bounded key reuse: many seals share one pair of salts and keys, then the pair rotates."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from h3session import ConfigError, SessionConfig, SessionContext, engine, iron
from h3session.iron import _reuse

PASSWORD = "a-password-of-at-least-thirty-two-characters"
OTHER = "another-password-of-at-least-thirty-two-chars"
V1, V2 = iron.PRESET_V1, iron.PRESET_V2


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pool_of(clock: FakeClock, max_age_s: float = 60.0, max_uses: int = 1000) -> iron.ReusePool:
    return iron.ReusePool(iron.KeyReuse(max_age_s=max_age_s, max_uses=max_uses), clock=clock)


def salts(token: str) -> tuple[str, str]:
    parts = token.split("*")
    return parts[2], parts[6]


def seal(pool: iron.ReusePool, obj: Any = None, password: iron.PasswordInput = PASSWORD, **kw: Any) -> str:
    options = kw.pop("options", V1)
    return iron.seal({"n": 1} if obj is None else obj, password, options, reuse=pool, **kw)


def test_seals_share_salts_but_never_an_iv(clock: FakeClock) -> None:
    pool = pool_of(clock)
    tokens = [seal(pool, {"same": "plaintext"}) for _ in range(20)]
    assert len({salts(t) for t in tokens}) == 1
    assert len({t.split("*")[3] for t in tokens}) == 20  # fresh IV every time
    assert len({t.split("*")[4] for t in tokens}) == 20  # so the same plaintext never repeats


@pytest.mark.parametrize("options", [V1, V2], ids=["v1", "v2"])
def test_reused_tokens_unseal_without_the_pool_or_cache(clock: FakeClock, options: iron.SealOptions) -> None:
    pool = pool_of(clock)
    tokens = [seal(pool, {"n": n}, options=options) for n in range(3)]
    for n, token in enumerate(tokens):
        assert iron.unseal(token, PASSWORD, options, cache=iron.KeyCache(0)) == {"n": n}


def test_rotates_after_max_uses(clock: FakeClock) -> None:
    pool = pool_of(clock, max_uses=3)
    tokens = [seal(pool) for _ in range(7)]
    pairs = [salts(t) for t in tokens]
    assert pairs[0] == pairs[1] == pairs[2] != pairs[3]
    assert pairs[3] == pairs[4] == pairs[5] != pairs[6]
    assert pool.rotations == 3


def test_rotates_after_max_age(clock: FakeClock) -> None:
    pool = pool_of(clock, max_age_s=60)
    first = salts(seal(pool))
    clock.now += 59.9
    assert salts(seal(pool)) == first
    clock.now += 0.1
    second = salts(seal(pool))
    assert second != first
    clock.now -= 5  # a clock that goes backwards retires the pair as well
    assert salts(seal(pool)) not in (first, second)


def test_each_password_id_and_option_set_has_its_own_pair(clock: FakeClock) -> None:
    pool = pool_of(clock)
    variants: list[dict[str, Any]] = [
        {},
        {"password": OTHER},
        {"password": {"id": "k1", "secret": PASSWORD}},
        {"options": V2},
        {"options": iron.resolve_options({"encryption": {"algorithm": "aes-128-ctr"}}, V1)},
    ]
    pairs = [salts(seal(pool, **variant)) for variant in variants]
    assert len(set(pairs)) == len(variants)
    assert [salts(seal(pool, **variant)) for variant in variants] == pairs  # each pair is kept


def test_reused_keys_never_open_another_passwords_tokens(clock: FakeClock) -> None:
    pool = pool_of(clock)
    cache = iron.KeyCache(16)
    mine = seal(pool, cache=cache)
    theirs = seal(pool, password=OTHER, cache=cache)
    with pytest.raises(iron.MacError):
        iron.unseal(mine, OTHER, V1, cache=cache)
    with pytest.raises(iron.MacError):
        iron.unseal(theirs, PASSWORD, V1, cache=cache)


def test_rotation_fills_the_cache_so_own_tokens_come_back_warm(clock: FakeClock) -> None:
    pool = pool_of(clock)
    cache = iron.KeyCache(16)
    token = seal(pool, options=V2, cache=cache)
    enc_salt, mac_salt = salts(token)
    assert cache.contains(PASSWORD, enc_salt, 8192, 32)
    assert cache.contains(PASSWORD, mac_salt, 8192, 32)


def test_fixed_salts_and_raw_keys_bypass_the_pool(clock: FakeClock) -> None:
    pool = pool_of(clock)
    parts = iron.SealParts(encryption_salt="ab" * 32, hmac_salt="cd" * 32)
    assert salts(iron.seal({"n": 1}, PASSWORD, V1, reuse=pool, _parts=parts)) == ("ab" * 32, "cd" * 32)
    raw = iron.seal({"n": 1}, bytes(range(32)), V1, reuse=pool)
    assert salts(raw) == ("", "")
    assert pool.rotations == 0
    assert not pool.needs_rotation(iron.Password("", bytes(32), bytes(32)), V1)


def test_needs_rotation_answers_early_and_prepare_rotates(clock: FakeClock) -> None:
    pool = pool_of(clock, max_age_s=100, max_uses=1000)
    password = iron.Password("", PASSWORD, PASSWORD)
    cache = iron.KeyCache(16)
    assert pool.needs_rotation(password, V1)
    pool.prepare(password, V1, cache)
    assert not pool.needs_rotation(password, V1)
    first = salts(seal(pool))
    clock.now += 100 * (1 - _reuse.HEADROOM)  # still usable, but close enough to rotate ahead
    assert pool.needs_rotation(password, V1)
    assert salts(seal(pool)) == first
    pool.prepare(password, V1, cache)
    assert salts(seal(pool)) != first


@pytest.mark.parametrize(
    "kwargs", [{"max_age_s": 0}, {"max_age_s": float("inf")}, {"max_uses": 0}, {"max_uses": 1.5}, {"max_uses": True}]
)
def test_bounds_are_validated(kwargs: dict[str, Any]) -> None:
    with pytest.raises(iron.IronConfigError):
        iron.KeyReuse(**kwargs)


def test_session_config_takes_a_policy_or_false() -> None:
    assert SessionConfig(PASSWORD).reuse_pool is iron.shared_pool(iron.DEFAULT_KEY_REUSE)
    assert SessionConfig(PASSWORD, key_reuse=False).reuse_pool is None
    assert SessionConfig.from_h3({"password": PASSWORD, "keyReuse": False}).reuse_pool is None
    assert SessionConfig.from_h3({"password": PASSWORD, "keyReuse": True}).key_reuse == iron.DEFAULT_KEY_REUSE
    custom = SessionConfig.from_h3({"password": PASSWORD, "keyReuse": {"maxAge": 5, "maxUses": 10}})
    assert custom.key_reuse == iron.KeyReuse(max_age_s=5, max_uses=10)
    for bad in ({"maxAge": -1}, {"ttl": 5}, "yes"):
        with pytest.raises(ConfigError):
            SessionConfig.from_h3({"password": PASSWORD, "keyReuse": bad})
    with pytest.raises(ConfigError):
        SessionConfig(PASSWORD, key_reuse=None)  # type: ignore[arg-type]


def visit(config: SessionConfig, cookie: str = "") -> str:
    ctx = SessionContext.from_headers({"cookie": cookie} if cookie else {})
    session = engine.open_session(ctx, config)
    session.update({"count": (session.data.get("count") or 0) + 1})
    (line,) = ctx.set_cookie_lines()
    return line.split(";", 1)[0].split("=", 1)[1]


@pytest.fixture
def v1_config() -> Iterator[SessionConfig]:
    policy = iron.KeyReuse(max_age_s=3600, max_uses=10**6)  # a pool of its own, untouched by other tests
    yield SessionConfig(PASSWORD, profile="v1", key_reuse=policy)
    iron.shared_pool(policy).clear()


def test_sessions_reuse_keys_by_default_and_not_when_off(v1_config: SessionConfig) -> None:
    tokens = [visit(v1_config) for _ in range(3)]
    assert len({salts(t) for t in tokens}) == 1
    assert iron.unseal(visit(v1_config, f"h3={tokens[0]}"), PASSWORD, V1)["data"] == {"count": 2}
    off = v1_config.replace(key_reuse=False)
    assert len({salts(visit(off)) for _ in range(3)}) == 3


def test_needs_derivation_sees_the_pool() -> None:
    policy = iron.KeyReuse(max_age_s=3600, max_uses=10**6 + 1)
    config = SessionConfig(PASSWORD, key_reuse=policy)
    fresh = SessionContext.from_headers({})
    try:
        assert engine.needs_derivation(fresh, config)  # no pair yet
        engine.open_session_in_worker(fresh, config)
        assert not engine.needs_derivation(SessionContext.from_headers({}), config)
        token = iron.seal({"id": "x", "createdAt": 1, "data": {}}, PASSWORD, V2, reuse=config.reuse_pool)
        assert not engine.needs_derivation(SessionContext.from_headers({"cookie": f"h3={token}"}), config)
        cold = iron.seal({"id": "y", "createdAt": 1, "data": {}}, PASSWORD, V2, cache=iron.KeyCache(0))
        assert engine.needs_derivation(SessionContext.from_headers({"cookie": f"h3={cold}"}), config)
        assert not engine.needs_derivation(SessionContext.from_headers({"cookie": "h3=garbage"}), config)
    finally:
        iron.shared_pool(policy).clear()
    assert engine.needs_derivation(fresh, config.replace(key_reuse=False))


def test_concurrent_seals_respect_max_uses(clock: FakeClock) -> None:
    pool = pool_of(clock, max_uses=25)
    cache = iron.KeyCache(256)
    tokens: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            mine = [seal(pool, {"t": threading.get_ident()}, cache=cache) for _ in range(100)]
            with lock:
                tokens.extend(mine)
        except BaseException as error:  # collected: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(tokens) == 800
    uses = Counter(salts(t) for t in tokens)
    assert max(uses.values()) <= 25
    assert len(uses) >= 800 // 25
    assert all(iron.unseal(t, PASSWORD, V1, cache=cache)["t"] for t in tokens)


def test_a_forked_child_starts_its_own_pairs(clock: FakeClock) -> None:
    pool = pool_of(clock)
    first = salts(seal(pool))
    _reuse._forget_after_fork()  # what os.register_at_fork runs in the child
    assert salts(seal(pool)) != first


def test_the_security_md_example_runs() -> None:
    text = (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text(encoding="utf-8")
    section = text.split("## Key reuse", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "SECURITY.md", "exec"), {"password": PASSWORD})  # noqa: S102 - our own docs
