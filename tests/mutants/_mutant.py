"""A mutant: the reference's plain WSGI contract app, wrong in exactly one way.

A mutant changes the reference in one of two ways, and says which in `bug`:
- `options`: rewrites the h3 option object before the app sees it (a port with a wrong default);
- `patches`: swaps one function of the reference for a wrong version, only while a request runs
  (the kit forges and decodes tokens between requests, with the real functions).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable
from unittest import mock

from h3adapters import plain_wsgi

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Options = dict[str, Any]


def _unchanged(options: Options) -> Options:
    return options


@dataclass(frozen=True)
class Patch:
    """Replace `owner.attribute` with `make(original)` while a request runs."""

    owner: object
    attribute: str
    make: Callable[[Any], Any]


@dataclass(frozen=True)
class Mutant:
    name: str
    bug: str
    options: Callable[[Options], Options] = _unchanged
    patches: tuple[Patch, ...] = field(default=())

    def app_factory(self, config: Options) -> WSGIApplication:
        inner = plain_wsgi.app_factory(self.options(copy.deepcopy(config)))

        def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            with self._patched():
                return list(inner(environ, start_response))

        return app

    @contextlib.contextmanager
    def _patched(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for patch in self.patches:
                original = getattr(patch.owner, patch.attribute)
                stack.enter_context(mock.patch.object(patch.owner, patch.attribute, patch.make(original)))
            yield


def cookie_default(key: str, value: Any, profiles: tuple[str, ...] = ("v1", "v2")) -> Callable[[Options], Options]:
    """An options rewrite: the cookie option `key` defaults to `value` unless the config sets it."""

    def rewrite(options: Options) -> Options:
        if options.get("profile", "v2") in profiles and options.get("cookie") is not False:
            cookie = dict(options.get("cookie") or {})
            cookie.setdefault(key, value)
            options["cookie"] = cookie
        return options

    return rewrite


def option(key: str, value: Any, profiles: tuple[str, ...] = ("v1", "v2")) -> Callable[[Options], Options]:
    """An options rewrite: the session option `key` is forced to `value`."""

    def rewrite(options: Options) -> Options:
        if options.get("profile", "v2") in profiles:
            options[key] = value
        return options

    return rewrite
