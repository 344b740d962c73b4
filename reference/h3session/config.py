"""Session configuration: h3's ``SessionConfig`` in Python spelling, validated up front.

Everything h3 would only discover on the first request (a short password, an
invalid cookie attribute, ``SameSite=None`` without ``Secure`` in v2) or would
silently get wrong (``cookie.name``, row f2; a partial ``seal``, row i5) is a
:class:`ConfigError` here, at construction time.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Literal, Optional, Union

from . import iron
from .cookies import CookieAttributes, serialize
from .cookies._set_cookie import SameSite
from .errors import ConfigError, CookieError

Profile = Literal["v1", "v2"]
PROFILES = ("v1", "v2")
DEFAULT_NAME = "h3"
#: RFC 6265 section 6.1: browsers keep cookies of at least 4096 bytes (name, value and attributes).
DEFAULT_MAX_COOKIE_BYTES = 4096
#: The furthest a JavaScript Date reaches (8.64e15 ms): createdAt + maxAge must stay a valid Expires.
MAX_SECONDS = 8.64e12
_HEADER_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Path and Domain stay printable ASCII without ';': nothing in them can end the attribute or the header.
_UNSAFE = re.compile(r"[^\x20-\x3a\x3c-\x7e]")
# iron's ^\w+$ in JavaScript, which is ASCII-only.
_PASSWORD_ID = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class CookieOptions:
    """Cookie attributes; ``None`` means "use the profile's default".

    Defaults are ``Path=/; HttpOnly; Secure`` in both profiles, plus
    ``SameSite=Lax`` in v2 (h3-behavior item 10).  ``same_site=False`` drops it.
    """

    path: Optional[str] = None
    domain: Optional[str] = None
    secure: Optional[bool] = None
    http_only: Optional[bool] = None
    same_site: SameSite = None
    partitioned: Optional[bool] = None
    max_age: Optional[float] = None
    expires: Union[datetime, int, None] = None
    priority: Optional[Literal["low", "medium", "high"]] = None
    chunk_max_length: Optional[int] = None

    def attributes(self, profile: str, expires_ms: Optional[int] = None) -> CookieAttributes:
        """``{...DEFAULT_COOKIE, expires, ...config.cookie}`` as h3 builds it."""
        if self.expires is not None:
            expires_ms = _epoch_ms(self.expires)
        return CookieAttributes(
            path=self.path or "/",
            domain=self.domain,
            expires_ms=expires_ms,
            max_age=self.max_age,
            http_only=True if self.http_only is None else self.http_only,
            secure=True if self.secure is None else self.secure,
            same_site=("lax" if profile == "v2" else None) if self.same_site is None else self.same_site,
            partitioned=bool(self.partitioned),
            priority=self.priority,
        )


def _epoch_ms(value: Union[datetime, int]) -> int:
    return int(value.timestamp() * 1000) if isinstance(value, datetime) else int(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _default_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class SessionConfig:
    """One named session's configuration (h3's option names in snake_case).

    ``password`` may be a rotation map ``{"2": new, "1": old}``: the first id
    (or ``password_id``) seals, every id unseals.
    """

    password: iron.PasswordInput = field(repr=False)
    name: str = DEFAULT_NAME
    cookie: Union[CookieOptions, Literal[False]] = CookieOptions()
    max_age: Optional[float] = None
    session_header: Union[str, Literal[False], None] = None
    seal: iron.OptionsInput = None
    generate_id: Optional[Callable[[], Any]] = None
    profile: Profile = "v2"
    idle_timeout: Optional[float] = None
    legacy_seal_fallback: bool = True
    password_id: Optional[str] = None
    max_cookie_bytes: Optional[int] = DEFAULT_MAX_COOKIE_BYTES
    key_cache: Optional[iron.KeyCache] = field(default=None, repr=False, compare=False)
    #: Reuse one pair of sealing keys within these bounds (SECURITY.md, "Key reuse"); False derives per seal.
    key_reuse: Union[iron.KeyReuse, Literal[False]] = iron.DEFAULT_KEY_REUSE

    # Derived once, so a request does no option merging.
    header_name: Optional[str] = field(init=False, repr=False, compare=False)
    reuse_pool: Optional[iron.ReusePool] = field(init=False, repr=False, compare=False)
    seal_options: iron.SealOptions = field(init=False, repr=False, compare=False)
    seal_password: iron.Password = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ConfigError(f"profile must be 'v1' or 'v2', not {self.profile!r}")
        if not isinstance(self.name, str) or not _HEADER_TOKEN.fullmatch(self.name):
            # h3 v1 (cookie-es) would emit a name with ';', '=' or spaces verbatim into Set-Cookie.
            raise ConfigError(f"name must be a cookie-name token (letters, digits, !#$%&'*+-.^_`|~), got {self.name!r}")
        if self.profile == "v1" and self.idle_timeout:
            raise ConfigError("idle_timeout exists only in h3 v2: use profile='v2'")
        for label, value in (("max_age", self.max_age), ("idle_timeout", self.idle_timeout)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SECONDS
            ):
                raise ConfigError(f"{label} must be a number of seconds from 0 to {MAX_SECONDS:.0f}")
        if self.max_cookie_bytes is not None and self.max_cookie_bytes < 1:
            raise ConfigError("max_cookie_bytes must be positive, or None to allow any size")
        object.__setattr__(self, "header_name", self._header_name())
        try:
            options = iron.resolve_options(self.seal, self._base_seal_options())
            password = self._seal_password()
            iron._passwords.check_key(password.encryption, options.encryption)
            iron._passwords.check_key(password.integrity, options.integrity)
            self._check_rotation_map(options)
        except iron.IronConfigError as error:
            raise ConfigError(str(error)) from None
        object.__setattr__(self, "seal_options", options)
        object.__setattr__(self, "seal_password", password)
        if self.key_reuse is not False and not isinstance(self.key_reuse, iron.KeyReuse):
            raise ConfigError("key_reuse must be iron.KeyReuse(...) or False")
        object.__setattr__(self, "reuse_pool", iron.shared_pool(self.key_reuse) if self.key_reuse else None)
        self._check_cookie()

    def _header_name(self) -> Optional[str]:
        if self.session_header is False:
            return None
        header = f"x-{self.name.lower()}-session" if self.session_header is None else self.session_header
        if not isinstance(header, str) or not _HEADER_TOKEN.fullmatch(header):
            raise ConfigError(f"session_header must be a header name token, got {header!r}")
        return header.lower()

    def _base_seal_options(self) -> iron.SealOptions:
        # v1: ttl = maxAge; v2: ttl = maxAge || idleTimeout (h3-behavior section 3); config.seal wins (row g4).
        seconds = self.max_age if self.profile == "v1" else (self.max_age or self.idle_timeout)
        return iron.preset(self.profile).with_ttl(round((seconds or 0) * 1000))

    def _seal_password(self) -> iron.Password:
        password = self.password
        if isinstance(password, Mapping) and not ("secret" in password or "integrity" in password):
            if not password:
                raise ConfigError("the password map is empty")
            current = self.password_id if self.password_id is not None else next(iter(password))
            if current not in password:
                raise ConfigError(f"password_id {current!r} is not in the password map")
            entry = password[current]
            single = {**entry, "id": current} if isinstance(entry, Mapping) else {"id": current, "secret": entry}
            return iron._passwords.for_seal(single)
        return iron._passwords.for_seal(password)

    def _check_rotation_map(self, options: iron.SealOptions) -> None:
        """Every id and secret of a rotation map, not only the current one: an old entry fails on first use."""
        password = self.password
        if not isinstance(password, Mapping) or "secret" in password or "integrity" in password:
            return
        for pid, entry in password.items():
            if not isinstance(pid, str) or not _PASSWORD_ID.fullmatch(pid):
                raise ConfigError(f"password id {pid!r} must match ^\\w+$ (ASCII letters, digits and _)")
            single = {**entry, "id": pid} if isinstance(entry, Mapping) else {"id": pid, "secret": entry}
            try:
                found = iron._passwords.for_seal(single)
                iron._passwords.check_key(found.encryption, options.encryption)
                iron._passwords.check_key(found.integrity, options.integrity)
            except iron.IronConfigError as error:
                raise ConfigError(f"password {pid!r}: {error}") from None

    def _check_cookie(self) -> None:
        if self.cookie is False:
            return
        if not isinstance(self.cookie, CookieOptions):
            raise ConfigError("cookie must be CookieOptions or False")
        for label in ("path", "domain"):
            value = getattr(self.cookie, label)
            if value is not None and (not isinstance(value, str) or _UNSAFE.search(value)):
                raise ConfigError(f"cookie {label} must be printable ASCII without ';', got {value!r}")
        chunk_max_length, max_age = self.cookie.chunk_max_length, self.cookie.max_age
        if chunk_max_length is not None and (not _is_int(chunk_max_length) or chunk_max_length < 1):
            raise ConfigError("cookie chunk_max_length must be a positive integer")
        if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, (int, float))):
            raise ConfigError(f"cookie max_age must be a number of seconds, got {max_age!r}")
        try:  # a probe line surfaces every serialization error now rather than per request
            serialize(self.name, "probe", self.cookie_attributes(0), self.profile)
        except CookieError as error:
            raise ConfigError(f"invalid cookie options: {error}") from None

    def cookie_attributes(self, expires_ms: Optional[int] = None) -> CookieAttributes:
        cookie = self.cookie if self.cookie is not False else CookieOptions()
        return cookie.attributes(self.profile, expires_ms)

    @property
    def cookie_enabled(self) -> bool:
        return self.cookie is not False

    def make_id(self) -> Any:
        return (self.generate_id or _default_id)()

    def replace(self, **changes: Any) -> SessionConfig:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_h3(cls, options: Mapping[str, Any], **overrides: Any) -> SessionConfig:
        """Build from h3's own camelCase options (what ``H3_SESSION_CONFIG`` holds)."""
        kwargs: dict[str, Any] = {}
        for key, value in options.items():
            if key not in _H3_KEYS:
                raise ConfigError(f"unknown session option {key!r}")
            kwargs[_H3_KEYS[key]] = value
        if "password" not in kwargs and "password" not in overrides:
            raise ConfigError("password is required")
        cookie = kwargs.get("cookie")
        if isinstance(cookie, Mapping):
            kwargs["cookie"] = cookie_options_from_h3(cookie)
        elif cookie is not None and cookie is not False:
            raise ConfigError("cookie must be an object or false")
        if "key_reuse" in kwargs:
            kwargs["key_reuse"] = key_reuse_from_h3(kwargs["key_reuse"])
        kwargs.update(overrides)
        return cls(**kwargs)


_H3_KEYS = {
    "password": "password",
    "name": "name",
    "cookie": "cookie",
    "maxAge": "max_age",
    "sessionHeader": "session_header",
    "seal": "seal",
    "generateId": "generate_id",
    "profile": "profile",
    "idleTimeout": "idle_timeout",
    "legacySealFallback": "legacy_seal_fallback",
    "passwordId": "password_id",
    "maxCookieBytes": "max_cookie_bytes",
    "keyReuse": "key_reuse",
}
_COOKIE_KEYS = {
    "path": "path",
    "domain": "domain",
    "secure": "secure",
    "httpOnly": "http_only",
    "sameSite": "same_site",
    "partitioned": "partitioned",
    "maxAge": "max_age",
    "expires": "expires",
    "priority": "priority",
    "chunkMaxLength": "chunk_max_length",
}


def cookie_options_from_h3(options: Mapping[str, Any]) -> CookieOptions:
    """h3's ``cookie`` object; ``cookie.name`` is refused because h3 v2 mishandles it (row f2)."""
    kwargs: dict[str, Any] = {}
    for key, value in options.items():
        if key == "name":
            raise ConfigError(
                "cookie.name is not supported: set the top-level name (h3 v2 renames only the written cookie)"
            )
        if key not in _COOKIE_KEYS:
            raise ConfigError(f"unknown cookie option {key!r}")
        kwargs[_COOKIE_KEYS[key]] = value
    return CookieOptions(**kwargs)


def key_reuse_from_h3(value: object) -> Union[iron.KeyReuse, Literal[False]]:
    """``keyReuse``: ``false``, ``true`` (the defaults) or ``{"maxAge": seconds, "maxUses": n}``."""
    if value is False or value is True:
        return iron.KeyReuse() if value else False
    if not isinstance(value, Mapping) or not set(value) <= {"maxAge", "maxUses"}:
        raise ConfigError('keyReuse must be false, true or {"maxAge": seconds, "maxUses": n}')
    try:
        return iron.KeyReuse(
            max_age_s=value.get("maxAge", iron.DEFAULT_MAX_AGE_S), max_uses=value.get("maxUses", iron.DEFAULT_MAX_USES)
        )
    except iron.IronConfigError as error:
        raise ConfigError(str(error)) from None
