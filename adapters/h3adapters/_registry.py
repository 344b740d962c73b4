"""How a bundled adapter is declared: a framework app built in-process, or a server command.

Declaring imports no framework: each app factory imports its framework when the kit first
calls it, so ``h3conformance`` can list every adapter and say which requirement is missing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from h3conformance.adapter import Adapter, Kind

from .serve import build_app, server_command

#: The h3 behaviours the reference deliberately does not copy, shared by every adapter on it.
REFERENCE_EXPECTATIONS = Path(__file__).with_name("expectations") / "reference.toml"
#: Those, plus what a WSGI server changes in the request before the app sees it.
SERVER_EXPECTATIONS = REFERENCE_EXPECTATIONS.with_name("wsgi-servers.toml")


def framework_adapter(name: str, kind: Kind, app: str, requirement: str, description: str) -> Adapter:
    """The contract app ``app`` (a module of h3adapters) run in-process."""
    return Adapter(
        name,
        kind,
        functools.partial(build_app, app),
        requirements=(requirement,),
        expectations=REFERENCE_EXPECTATIONS,
        description=description,
    )


def server_adapter(server: str, app: str, expectations: Path = REFERENCE_EXPECTATIONS) -> Adapter:
    """The contract app ``app`` served by ``server`` on 127.0.0.1, one process per config."""
    return Adapter(
        server,
        "command",
        command=server_command(server, app),
        requirements=(server, app),
        expectations=expectations,
        description=f"the {app.capitalize()} contract app served by {server} on 127.0.0.1",
    )
