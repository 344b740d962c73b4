"""The sans-I/O session engine: request headers + config + now -> session + Set-Cookie lines.

This is h3's ``getSession``/``updateSession``/``clearSession`` step by step
(``src/utils/session.ts``), per profile.  It never touches a request object:
the WSGI and ASGI shells build a :class:`SessionContext` from headers and read
:meth:`SessionContext.set_cookie_lines` back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Callable, Optional, Union

from . import iron
from .config import SessionConfig
from .cookies import (
    ResponseCookies,
    delete_chunked,
    parse_cookie_header,
    read_chunked,
    write_chunked,
)
from .cookies._chunks import DEFAULT_CHUNK_MAX_LENGTH
from .errors import CookieTooLargeError, H3SessionError

HeaderLookup = Callable[[str], Optional[str]]
Update = Union[Mapping[str, Any], Callable[[dict[str, Any]], Optional[Mapping[str, Any]]], None]
#: v2 re-seals an idle session once more than half the window has passed (h3-behavior j10).
SLIDE_THRESHOLD = 0.5
#: The largest time JavaScript's Date holds (ms either side of the epoch).
MAX_DATE_MS = 8_640_000_000_000_000


class SessionExpiredError(H3SessionError):
    """A token that unseals but whose createdAt or lastSeenAt is too old (h3's 'Session expired!')."""


class Session:
    """What h3 seals: ``{id, createdAt, data}`` plus whatever else the token carried.

    ``payload`` keeps h3's key order (id, createdAt, data, then later keys such
    as ``lastSeenAt``), so the sealed JSON text matches h3's byte for byte.
    """

    __slots__ = ("is_new", "payload")

    def __init__(self) -> None:
        self.payload: dict[str, Any] = {"id": "", "createdAt": 0, "data": {}}
        self.is_new = False

    @property
    def id(self) -> Any:
        return self.payload["id"]

    @property
    def created_at(self) -> Any:
        return self.payload["createdAt"]

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.payload["data"]
        return data

    @property
    def last_seen_at(self) -> Optional[int]:
        return self.payload.get("lastSeenAt")

    def __repr__(self) -> str:
        return f"Session(id={self.id!r}, createdAt={self.created_at!r}, keys={sorted(self.data)!r})"


class SessionContext:
    """Everything one request needs: its headers, its clock, its sessions, its Set-Cookie lines."""

    def __init__(
        self,
        cookie_header: Optional[str],
        header: HeaderLookup,
        *,
        now: Optional[Callable[[], int]] = None,
        default_config: Optional[SessionConfig] = None,
    ) -> None:
        self.cookie_header = cookie_header or ""
        self._header = header
        self._now = now or iron.now_ms
        self.default_config = default_config
        self.sessions: dict[str, Session] = {}
        self.cookies = ResponseCookies()
        self._parsed: dict[str, dict[str, str]] = {}

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], **kwargs: Any) -> SessionContext:
        """A context from a plain mapping of request headers (any case)."""
        lowered = {k.lower(): v for k, v in headers.items()}
        return cls(lowered.get("cookie"), lowered.get, **kwargs)

    def now(self) -> int:
        return self._now()

    def header(self, name: str) -> Optional[str]:
        """A request header value, trimmed as Node trims it (row d5)."""
        value = self._header(name)
        return value.strip(" \t") if value is not None else None

    def request_cookies(self, profile: str) -> dict[str, str]:
        parsed = self._parsed.get(profile)
        if parsed is None:
            parsed = self._parsed[profile] = parse_cookie_header(self.cookie_header, profile)
        return parsed

    def set_cookie_lines(self) -> list[str]:
        return self.cookies.lines()


def _request_token(ctx: SessionContext, config: SessionConfig) -> tuple[Optional[str], bool]:
    """The sealed session and whether it came from the cookie: a present header wins (rows d1-d4)."""
    if config.header_name is not None:
        value = ctx.header(config.header_name)
        if value:
            return value, False
    cookies = ctx.request_cookies(config.profile)
    if config.profile == "v1":
        return cookies.get(config.name), True
    return read_chunked(cookies, config.name), True


def unseal_session(ctx: SessionContext, config: SessionConfig, token: str) -> tuple[dict[str, Any], bool]:
    """Open a token and apply h3's age checks; returns the payload and whether the legacy seal was used."""
    now = ctx.now()
    options = config.seal_options
    legacy = False
    try:
        payload = iron.unseal(token, config.password, options, now=now, cache=config.key_cache)
    except iron.MacError:
        # v2 retries a bad MAC with 1 iteration: cookies sealed by h3 v1 (item 1, rows e3, i1, i3).
        if config.profile != "v2" or not config.legacy_seal_fallback or options.integrity.iterations == 1:
            raise
        payload = iron.unseal(token, config.password, options.with_iterations(1), now=now, cache=config.key_cache)
        legacy = True
    if not isinstance(payload, dict) or not isinstance(payload.get("data", {}), dict):
        # h3 Object.assign-s strings and arrays onto the session (row g3); a fresh session is the sane reading.
        raise SessionExpiredError("sealed value is not a session object")
    if config.max_age and _age(now, payload.get("createdAt")) > config.max_age * 1000:
        raise SessionExpiredError("Session expired!")
    if (
        config.idle_timeout
        and _age(now, payload.get("lastSeenAt") or payload.get("createdAt")) > config.idle_timeout * 1000
    ):
        raise SessionExpiredError("Session expired!")
    return payload, legacy


def _age(now: int, since: Any) -> float:
    # h3: Date.now() - (createdAt || -Infinity): a missing or zero createdAt is infinitely old (item 8).
    # A time JavaScript's Date cannot hold is no time either: h3 would throw writing its Expires on every
    # update, and Python's gmtime overflows; only a key holder can seal one, and it reads as a fresh session.
    if isinstance(since, bool) or not isinstance(since, (int, float)) or not since or not abs(since) <= MAX_DATE_MS:
        return math.inf
    return float(now - since)


def _should_slide(session: Session, config: SessionConfig, now: int) -> bool:
    if not config.idle_timeout:
        return False
    last_seen = session.last_seen_at or session.created_at or 0
    return bool(now - last_seen > config.idle_timeout * 1000 * SLIDE_THRESHOLD)


def get_session(ctx: SessionContext, config: SessionConfig) -> Session:
    """The request's session named ``config.name``: loaded once, fresh when anything is wrong.

    v1 seals a brand-new session right here; v2 leaves that to ``use_session``
    (both end with one Set-Cookie, row b).
    """
    existing = ctx.sessions.get(config.name)
    if existing is not None:
        return existing
    session = ctx.sessions[config.name] = Session()
    token, from_cookie = _request_token(ctx, config)
    if token:
        try:
            payload, legacy = unseal_session(ctx, config, token)
        except (iron.IronError, H3SessionError):
            payload, legacy = {}, False  # every failure is a fresh session, never an error (item 14)
        session.payload.update(payload)
        session.payload["data"] = dict(session.payload.get("data") or {})
        if (
            session.id
            and from_cookie
            and config.profile == "v2"
            and (legacy or _should_slide(session, config, ctx.now()))
        ):
            update_session(ctx, config)
    if not session.id:
        session.payload["id"] = config.make_id()
        session.payload["createdAt"] = ctx.now()
        session.is_new = True
        if config.profile == "v1":
            update_session(ctx, config)
    return session


def update_session(ctx: SessionContext, config: SessionConfig, update: Update = None) -> Session:
    """Merge ``update`` into data (shallow, like ``Object.assign``) and reseal into the cookie."""
    session = ctx.sessions.get(config.name) or get_session(ctx, config)
    if callable(update):
        update = update(session.data)
    if update:
        session.data.update(update)
    session.is_new = False
    if config.cookie_enabled:
        _write_cookie(ctx, config, seal_session(ctx, config), session)
    return session


def seal_session(ctx: SessionContext, config: SessionConfig) -> str:
    """The sealed token of the request's session (v2 stamps ``lastSeenAt`` under idle_timeout)."""
    session = ctx.sessions.get(config.name) or get_session(ctx, config)
    now = ctx.now()
    if config.idle_timeout:
        session.payload["lastSeenAt"] = now
    return iron.seal(
        session.payload,
        config.seal_password,
        config.seal_options,
        now=now,
        cache=config.key_cache,
        reuse=config.reuse_pool,
    )


def _expires(session: Session, config: SessionConfig) -> Optional[int]:
    # Expires is absolute: createdAt + maxAge, and in v2 also lastSeenAt + idleTimeout (items 7, j10).
    times = []
    if config.max_age:
        times.append(session.created_at + config.max_age * 1000)
    if config.idle_timeout:
        times.append((session.last_seen_at or session.created_at) + config.idle_timeout * 1000)
    return int(min(times)) if times else None


def _write_cookie(ctx: SessionContext, config: SessionConfig, token: str, session: Session) -> None:
    attrs = config.cookie_attributes(_expires(session, config))
    before = ctx.cookies.snapshot()
    if config.profile == "v1":
        ctx.cookies.set(config.name, token, attrs, "v1")
    else:
        max_length = (config.cookie.chunk_max_length if config.cookie else None) or DEFAULT_CHUNK_MAX_LENGTH
        try:
            write_chunked(
                ctx.cookies, ctx.request_cookies("v2").get(config.name), config.name, token, attrs, max_length
            )
        except CookieTooLargeError:
            ctx.cookies.restore(before)
            raise
    _check_size(ctx, config, before)


def _check_size(ctx: SessionContext, config: SessionConfig, before: list[Any]) -> None:
    """Refuse a Set-Cookie line a browser would drop: an error, never a lost session (item 12)."""
    limit = config.max_cookie_bytes
    if limit is None:
        return
    for line in ctx.cookies.lines():
        size = len(line.encode("utf-8"))
        if size > limit and (line.startswith(f"{config.name}=") or line.startswith(f"{config.name}.")):
            ctx.cookies.restore(before)
            hint = "" if config.profile == "v1" else " (lower cookie.chunk_max_length or shorten the attributes)"
            raise CookieTooLargeError(
                f"the {config.name!r} Set-Cookie line is {size} bytes, "
                f"over the {limit}-byte limit browsers keep{hint}; "
                "store less in the session, use profile v2 (chunked cookies), or set max_cookie_bytes=None"
            )


def clear_session(ctx: SessionContext, config: SessionConfig) -> None:
    """Forget the session and delete its cookie, the way the profile does (rows c1, c2, f4, h4)."""
    ctx.sessions.pop(config.name, None)
    if not config.cookie_enabled:
        return  # h3 v1 still sends a clearing cookie here (row f5): a bug we do not copy
    attrs = config.cookie_attributes()
    if config.profile == "v1":
        ctx.cookies.set(config.name, "", attrs, "v1")  # no Max-Age: v1's clear keeps an empty cookie (item 6)
    else:
        delete_chunked(ctx.cookies, ctx.request_cookies("v2").get(config.name), config.name, attrs)


class SessionManager:
    """What ``use_session`` returns: h3's ``{id, data, update, clear}``."""

    __slots__ = ("config", "ctx")

    def __init__(self, ctx: SessionContext, config: SessionConfig) -> None:
        self.ctx = ctx
        self.config = config

    @property
    def session(self) -> Optional[Session]:
        return self.ctx.sessions.get(self.config.name)

    @property
    def id(self) -> Any:
        session = self.session
        return session.id if session else None

    @property
    def created_at(self) -> Any:
        session = self.session
        return session.created_at if session else None

    @property
    def data(self) -> dict[str, Any]:
        session = self.session
        return session.data if session else {}

    def update(self, update: Update = None) -> SessionManager:
        update_session(self.ctx, self.config, update)
        return self

    def clear(self) -> SessionManager:
        clear_session(self.ctx, self.config)
        return self

    def to_dict(self) -> dict[str, Any]:
        """The session as h3's ``/data`` example reports it."""
        return {"id": self.id, "createdAt": self.created_at, "data": self.data}

    def __repr__(self) -> str:
        return f"SessionManager(name={self.config.name!r}, session={self.session!r})"


def open_session(ctx: SessionContext, config: SessionConfig) -> SessionManager:
    """h3's ``useSession``: load the session and seal a brand-new one right away (row b2)."""
    session = get_session(ctx, config)
    if session.is_new:
        update_session(ctx, config)
    return SessionManager(ctx, config)


def needs_derivation(ctx: SessionContext, config: SessionConfig) -> bool:
    """Whether opening this request's session may run a PBKDF2 derivation (worth a thread in ASGI).

    Opening derives to unseal a token whose keys are not cached, and to seal a
    new session; with key reuse, sealing derives only when the pair is due to
    rotate, and :func:`open_session_in_worker` rotates it ahead of time so the
    seal that follows on the event loop finds it ready.
    """
    options = config.seal_options
    if options.encryption.iterations <= 1 and options.integrity.iterations <= 1:
        return False
    pool = config.reuse_pool
    if pool is not None and pool.needs_rotation(config.seal_password, options):
        return True
    token, _ = _request_token(ctx, config)
    if not token:
        return pool is None
    return not _keys_cached(token, config)


def _keys_cached(token: str, config: SessionConfig) -> bool:
    parts = token.split("*")
    if len(parts) != 8:
        return True  # refused before any derivation
    try:
        pw = iron._passwords.for_unseal(config.password, parts[1])
    except (iron.IronError, ValueError):
        return True
    cache = config.key_cache or iron.default_cache
    options = config.seal_options
    return all(
        isinstance(secret, bytes) or cache.contains(secret, salt, key.iterations, key.key_bytes)
        for secret, salt, key in (
            (pw.integrity, parts[6], options.integrity),
            (pw.encryption, parts[2], options.encryption),
        )
    )


def open_session_in_worker(ctx: SessionContext, config: SessionConfig) -> SessionManager:
    """``open_session`` plus any due key rotation: what async callers run in a worker thread."""
    if config.reuse_pool is not None:
        config.reuse_pool.prepare(config.seal_password, config.seal_options, config.key_cache or iron.default_cache)
    return open_session(ctx, config)
