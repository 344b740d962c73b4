"""A browser's cookie storage (RFC 6265 section 5.3), reduced to what one origin needs.

Secure cookies are stored and sent: every transport is in-process or on loopback, which browsers
treat as a secure context (h3-behavior j11).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from .setcookie import SetCookie, parse_set_cookie

__all__ = ["CookieJar", "StoredCookie", "default_path", "path_matches"]


@dataclass(frozen=True)
class StoredCookie:
    name: str
    value: str
    domain: str
    host_only: bool
    path: str
    secure: bool
    http_only: bool
    expiry_ms: Optional[int]  # None: a session cookie
    created: int  # insertion counter; replacements keep the old one (RFC 6265 5.3 step 11.3)


def default_path(request_path: str) -> str:
    path = urlsplit(request_path).path
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rindex("/")]


def path_matches(request_path: str, cookie_path: str) -> bool:
    path = urlsplit(request_path).path or "/"
    if path == cookie_path:
        return True
    return path.startswith(cookie_path) and (cookie_path.endswith("/") or path[len(cookie_path)] == "/")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _domain_matches(host: str, domain: str) -> bool:
    if host == domain:
        return True
    return not _is_ip(host) and host.endswith("." + domain)


class CookieJar:
    """Cookies for one host; fresh per scenario."""

    def __init__(self, host: str = "127.0.0.1", secure_context: bool = True) -> None:
        self.host = host.lower()
        self.secure_context = secure_context
        self._cookies: dict[tuple[str, str, str], StoredCookie] = {}
        self._counter = 0

    def update(self, set_cookie_lines: Iterable[str], request_path: str, now_ms: int) -> None:
        for line in set_cookie_lines:
            parsed = parse_set_cookie(line)
            if parsed is not None:
                self.store(parsed, request_path, now_ms)

    def store(self, cookie: SetCookie, request_path: str, now_ms: int) -> None:
        domain_attr = (cookie.attribute("Domain") or "").lstrip(".").lower()
        if domain_attr and not _domain_matches(self.host, domain_attr):
            return  # a browser ignores a cookie for another domain
        path = cookie.attribute("Path") or ""
        if not path.startswith("/"):
            path = default_path(request_path)
        secure = cookie.has("Secure")
        if secure and not self.secure_context:
            return
        if not self._prefix_ok(cookie, secure, domain_attr, path):
            return
        key = (cookie.name, domain_attr or self.host, path)
        expiry = cookie.expiry_ms(now_ms)
        old = self._cookies.pop(key, None)
        if expiry is not None and expiry <= now_ms:
            return  # deletion (or an already expired cookie): nothing is stored
        self._counter += 1
        self._cookies[key] = StoredCookie(
            name=cookie.name,
            value=cookie.value,
            domain=key[1],
            host_only=not domain_attr,
            path=path,
            secure=secure,
            http_only=cookie.has("HttpOnly"),
            expiry_ms=expiry,
            created=old.created if old else self._counter,
        )

    @staticmethod
    def _prefix_ok(cookie: SetCookie, secure: bool, domain: str, path: str) -> bool:
        if cookie.name.startswith("__Secure-"):
            return secure
        if cookie.name.startswith("__Host-"):
            return secure and not domain and path == "/"
        return True

    def cookies_for(self, request_path: str, now_ms: int) -> list[StoredCookie]:
        """Cookies a browser would send, longest path first, then oldest first."""
        live = []
        for cookie in list(self._cookies.values()):
            if cookie.expiry_ms is not None and cookie.expiry_ms <= now_ms:
                del self._cookies[(cookie.name, cookie.domain, cookie.path)]
                continue
            host_ok = self.host == cookie.domain if cookie.host_only else _domain_matches(self.host, cookie.domain)
            if host_ok and path_matches(request_path, cookie.path) and (self.secure_context or not cookie.secure):
                live.append(cookie)
        return sorted(live, key=lambda c: (-len(c.path), c.created))

    def header(self, request_path: str, now_ms: int) -> Optional[str]:
        """The Cookie header value, or None when there is nothing to send."""
        pairs = [f"{c.name}={c.value}" if c.name else c.value for c in self.cookies_for(request_path, now_ms)]
        return "; ".join(pairs) if pairs else None

    def get(self, name: str) -> Optional[StoredCookie]:
        """The stored cookie called `name` (any domain or path; the newest if several)."""
        found = [c for c in self._cookies.values() if c.name == name]
        return max(found, key=lambda c: c.created) if found else None

    def state(self, name: str) -> str:
        """ "absent", "empty" or "present" (the forms scenarios use in expect.jar)."""
        cookie = self.get(name)
        if cookie is None:
            return "absent"
        return "empty" if cookie.value == "" else "present"

    def snapshot(self) -> dict[str, str]:
        return {c.name: c.value for c in sorted(self._cookies.values(), key=lambda c: c.created)}
