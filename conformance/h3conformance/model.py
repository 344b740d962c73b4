"""Scenarios as frozen values; the loader builds them, the runner reads them.

The format itself is described in conformance/SCENARIOS.md and scenario.schema.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional, Union

from .timespec import RelativeTime

__all__ = [
    "DEFAULT_PASSWORD",
    "LEVELS",
    "PROFILES",
    "TAMPER_PARTS",
    "THEMES",
    "Chunked",
    "CookieExpect",
    "Expect",
    "Forge",
    "FromStep",
    "IdMatcher",
    "JSONValue",
    "Level",
    "Literal_",
    "Modifiers",
    "Profile",
    "Scenario",
    "Send",
    "SessionExpect",
    "Step",
    "TimeMatcher",
    "ValueSpec",
]

# Anything json.loads can return; TOML cannot express null, so None never means "JSON null" here.
JSONValue = Any
Profile = Literal["v1", "v2"]
Level = Literal["must", "should", "info"]
PROFILES: tuple[Profile, ...] = ("v1", "v2")
LEVELS: tuple[Level, ...] = ("must", "should", "info")
THEMES = (
    "counter",
    "clear",
    "header",
    "options",
    "expiry",
    "tamper",
    "chunking",
    "idle",
    "legacy",
    "errors",
    "multi",
    "data",
    "cookies",
)
TAMPER_PARTS = (
    "prefix",
    "pwid",
    "enc-salt",
    "iv",
    "ciphertext",
    "expiration",
    "hmac-salt",
    "mac",
    "mac-first-char",
    "mac-last-char",
    "parts-7",
    "parts-9",
)
# The password of h3's documentation; the default config of `--url` runs and of `doctor`.
DEFAULT_PASSWORD = "80d42cfb-1cd2-462c-8f17-e3237d9027e9"  # noqa: S105 (public docs value)


@dataclass(frozen=True)
class Modifiers:
    """Applied to a token in this order: tamper, urlencode, quote."""

    tamper: Optional[str] = None
    urlencode: bool = False
    quote: bool = False


@dataclass(frozen=True)
class Literal_:
    """A literal string; {token:STEP} and {cookie:STEP:NAME} placeholders are expanded."""

    text: str


@dataclass(frozen=True)
class FromStep:
    """The session token set at `step` (chunks joined), or the raw value of cookie `cookie` there."""

    step: str
    cookie: Optional[str] = None
    modifiers: Modifiers = Modifiers()


@dataclass(frozen=True)
class Forge:
    """A token the kit seals itself at send time."""

    payload: JSONValue
    ttl_ms: Optional[int] = None
    expiration: Optional[RelativeTime] = None
    password: Optional[str] = None  # None: the scenario config's password
    iterations: Optional[int] = None  # None: the profile's (v1 = 1, v2 = 8192)
    algorithm: str = "aes-256-cbc"
    modifiers: Modifiers = Modifiers()


@dataclass(frozen=True)
class Chunked:
    """Only in send.cookies: NAME=__chunked__N followed by NAME.1 .. NAME.N."""

    inner: ValueSpec
    size: int = 4000


ValueSpec = Union[Literal_, FromStep, Forge, Chunked]


@dataclass(frozen=True)
class Send:
    method: str
    path: str
    headers: tuple[tuple[str, ValueSpec], ...] = ()
    json: Optional[JSONValue] = None
    body: Optional[str] = None
    cookies: Optional[tuple[tuple[str, ValueSpec], ...]] = None
    cookie_header: Optional[tuple[str, ...]] = None
    use_jar: bool = True


@dataclass(frozen=True)
class TimeMatcher:
    """absent | past | same:STEP | literal epoch ms | anchor+offset (now, createdAt, lastSeenAt)."""

    kind: Literal["absent", "past", "same", "literal", "relative"]
    step: Optional[str] = None
    literal: Optional[int] = None
    relative: Optional[RelativeTime] = None
    text: str = ""


@dataclass(frozen=True)
class IdMatcher:
    kind: Literal["new", "same", "different", "literal"]
    step: Optional[str] = None
    literal: JSONValue = None
    text: str = ""


@dataclass(frozen=True)
class CookieExpect:
    absent: Optional[bool] = None
    sealed: Optional[bool] = None
    value: Optional[str] = None
    chunked: Optional[int] = None
    deleted: Optional[bool] = None
    path: Optional[str] = None
    domain: Optional[str] = None
    httponly: Optional[bool] = None
    secure: Optional[bool] = None
    partitioned: Optional[bool] = None
    priority: Optional[str] = None
    samesite: Optional[str] = None
    max_age: Optional[Union[int, str]] = None
    expires: Optional[TimeMatcher] = None
    order: Optional[tuple[str, ...]] = None


@dataclass(frozen=True)
class SessionExpect:
    cookie: Optional[str] = None
    id: Optional[IdMatcher] = None
    created_at: Optional[TimeMatcher] = None
    last_seen_at: Optional[TimeMatcher] = None
    data: Optional[JSONValue] = None
    data_contains: Optional[JSONValue] = None
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    key_order: Optional[tuple[str, ...]] = None
    iterations: Optional[int] = None
    expiration: Optional[TimeMatcher] = None


@dataclass(frozen=True)
class Expect:
    """Every expectation of one step under one profile (per-profile values already resolved)."""

    status: int = 200
    body: Optional[str] = None
    body_pattern: Optional[str] = None
    json: Optional[JSONValue] = None
    set_cookie_count: Optional[int] = None
    set_cookie_order: Optional[tuple[str, ...]] = None
    no_set_cookie: Optional[bool] = None
    cookies: tuple[tuple[str, CookieExpect], ...] = ()
    session: Optional[SessionExpect] = None
    reported: Optional[SessionExpect] = None
    jar: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Step:
    index: int  # 1-based, as shown to people
    name: Optional[str]
    profiles: tuple[Profile, ...]
    send: Send
    expect: dict[str, Expect]  # by profile; only profiles the step runs under

    @property
    def label(self) -> str:
        return f"step {self.index}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True)
class Scenario:
    id: str
    theme: str
    title: str
    source: str
    level: Level
    profiles: tuple[Profile, ...]
    config: dict[str, JSONValue]
    steps: tuple[Step, ...]
    rows: tuple[str, ...] = ()
    reason: Optional[str] = None
    file: Path = field(default=Path(), compare=False)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def cookie_name(self) -> str:
        name = self.config.get("name", "h3")
        return name if isinstance(name, str) else "h3"

    @property
    def password(self) -> str:
        return str(self.config["password"])

    def steps_for(self, profile: str) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if profile in step.profiles)
