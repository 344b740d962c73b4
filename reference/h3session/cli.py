"""``h3session``: seal and open h3 session tokens from a shell, and make passwords.

    h3session seal --password-env H3_PASSWORD < session.json
    h3session unseal --password-env H3_PASSWORD 'h3=Fe26.2**…'
    h3session gen-password

Exit status: 0 on success, 1 when sealing or unsealing fails (the error class and
iron's message go to stderr, nothing to stdout), 2 for a malformed command line.
Secrets are never echoed; prefer ``--password-env`` to keep them out of ``ps``.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from . import iron
from ._jsonjs import parse as js_parse
from ._jsonjs import stringify as js_stringify
from .cookies import CHUNKED_PREFIX, parse_cookie_header, read_chunked

PROG = "h3session"
# iron's ^\w+$ (ASCII in JavaScript): what may stand before '=' in ID=SECRET.
_PASSWORD_ID = re.compile(r"[A-Za-z0-9_]+")
_HEADER_PREFIX = re.compile(r"(?:set-)?cookie:", re.IGNORECASE)


class CliError(Exception):
    """A problem with the command's input that is not iron's (a missing variable, no such cookie)."""


@dataclass(frozen=True)
class _PasswordSource:
    """One ``--password`` or ``--password-env`` as given; env variables are read after parsing."""

    id: Optional[str]
    value: str
    from_env: bool

    def resolve(self) -> tuple[Optional[str], str]:
        if not self.from_env:
            return self.id, self.value
        secret = os.environ.get(self.value)
        if not secret:
            raise CliError(f"environment variable {self.value} is not set or empty")
        return self.id, secret


def _split_id(text: str) -> tuple[Optional[str], str]:
    head, sep, tail = text.partition("=")
    if sep and tail and _PASSWORD_ID.fullmatch(head):
        return head, tail
    return None, text


def _literal(text: str) -> _PasswordSource:
    pid, secret = _split_id(text)
    return _PasswordSource(pid, secret, from_env=False)


def _env(text: str) -> _PasswordSource:
    pid, variable = _split_id(text)
    return _PasswordSource(pid, variable, from_env=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Seal and unseal h3 (iron Fe26.2) session tokens, or generate a password.",
        epilog="Exit status: 0 ok, 1 the token or input was refused (error on stderr), 2 bad usage.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    iron_options = argparse.ArgumentParser(add_help=False)
    iron_options.add_argument(
        "--password",
        dest="passwords",
        action="append",
        type=_literal,
        default=[],
        metavar="[ID=]SECRET",
        help="a password, optionally with an iron password id; repeat for a rotation map (the first one seals)",
    )
    iron_options.add_argument(
        "--password-env",
        dest="passwords",
        action="append",
        type=_env,
        metavar="[ID=]VAR",
        help="read the password from environment variable VAR (keeps it out of the process list)",
    )
    iron_options.add_argument(
        "--profile",
        choices=("v1", "v2"),
        default="v2",
        help="h3 version whose iron preset to use: v1 = 1 PBKDF2 iteration, v2 = 8192 (default)",
    )
    iron_options.add_argument(
        "--seal-options",
        metavar="JSON",
        help="iron SealOptions in camelCase, deep-merged over the profile preset, e.g. '{\"ttl\": 60000}'",
    )
    iron_options.add_argument("--now", type=int, metavar="MS", help="act as of this time (ms since the epoch)")

    seal = commands.add_parser("seal", parents=[iron_options], help="seal the JSON read from stdin; print the token")
    seal.set_defaults(handler=_seal)

    unseal = commands.add_parser(
        "unseal", parents=[iron_options], help="open a token, a name=value pair or a Cookie header; print JSON"
    )
    unseal.add_argument(
        "source",
        nargs="?",
        default="-",
        metavar="TOKEN",
        help="an Fe26.2 token, 'name=value', or a whole Cookie header; '-' or nothing reads stdin",
    )
    unseal.add_argument("--name", default="h3", help="the session cookie to pick from a Cookie header (default h3)")
    unseal.add_argument(
        "--no-legacy",
        action="store_true",
        help="v2: do not retry a bad MAC with the 1-iteration seal of h3 v1",
    )
    unseal.set_defaults(handler=_unseal)

    generate = commands.add_parser("gen-password", help="print a new random password (32 bytes, base64url)")
    generate.set_defaults(handler=_gen_password)
    return parser


def _options(args: argparse.Namespace) -> iron.SealOptions:
    base = iron.preset(args.profile)
    if args.seal_options is None:
        return base
    try:
        given = js_parse(args.seal_options)
    except ValueError as error:
        raise CliError(f"--seal-options is not valid JSON: {error}") from None
    return iron.resolve_options(given, base)


def _passwords(args: argparse.Namespace) -> list[tuple[Optional[str], str]]:
    return [source.resolve() for source in args.passwords]


def _seal_password(passwords: list[tuple[Optional[str], str]]) -> iron.PasswordInput:
    pid, secret = passwords[0]
    return {"id": pid, "secret": secret} if pid else secret


def _unseal_password(passwords: list[tuple[Optional[str], str]]) -> iron.PasswordInput:
    if len(passwords) == 1 and passwords[0][0] is None:
        return passwords[0][1]  # a bare secret opens a token of any id, as in iron
    rotation: dict[str, str] = {}
    for pid, secret in passwords:
        key = pid or "default"  # iron looks an id-less token up as "default"
        if key in rotation:
            raise CliError(f"password id {key!r} is given twice")
        rotation[key] = secret
    return rotation


def _read_stdin() -> str:
    return sys.stdin.read()


def _seal(args: argparse.Namespace) -> str:
    options = _options(args)
    password = _seal_password(_passwords(args))
    text = _read_stdin()
    if not text.strip():
        raise CliError("nothing to seal: pass the session as JSON on stdin")
    try:
        value = js_parse(text)
    except ValueError as error:
        raise CliError(f"stdin is not valid JSON: {error}") from None
    return iron.seal(value, password, options, now=args.now)


def pick_token(text: str, name: str = "h3", profile: str = "v2") -> str:
    """The token in ``text``: a bare token, or the ``name`` cookie of a Cookie header (v2 chunks joined)."""
    text = text.strip()
    if text.startswith("Fe26.") or "=" not in text:
        return text
    text = _HEADER_PREFIX.sub("", text, count=1).strip()
    cookies = parse_cookie_header(text, profile)
    value = read_chunked(cookies, name) if profile == "v2" else cookies.get(name)
    if value:
        return value
    if cookies.get(name, "").startswith(CHUNKED_PREFIX):
        raise CliError(f"cookie {name!r} is chunked, but a chunk is missing or its count is invalid")
    found = ", ".join(repr(key) for key in cookies) or "none"
    raise CliError(f"no {name!r} cookie in the input (cookies found: {found}); choose one with --name")


def _unseal(args: argparse.Namespace) -> str:
    options = _options(args)
    password = _unseal_password(_passwords(args))
    sealed = pick_token(_read_stdin() if args.source == "-" else args.source, args.name, args.profile)
    try:
        value = iron.unseal(sealed, password, options, now=args.now)
    except iron.MacError:
        # What h3 v2 does for cookies sealed by h3 v1 (h3-behavior item 1).
        if args.profile != "v2" or args.no_legacy or options.integrity.iterations == 1:
            raise
        value = iron.unseal(sealed, password, options.with_iterations(1), now=args.now)
        print(f"{PROG}: note: opened with the 1-iteration seal of h3 v1 (legacy fallback)", file=sys.stderr)
    return js_stringify(value)


def _gen_password(args: argparse.Namespace) -> str:
    return secrets.token_urlsafe(32)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command in ("seal", "unseal") and not args.passwords:
        parser.error("a password is required: --password [ID=]SECRET or --password-env [ID=]VAR")
    handler: Any = args.handler
    try:
        output: str = handler(args)
    except (iron.IronError, CliError) as error:
        print(f"{PROG}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
