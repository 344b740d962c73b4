"""Real h3 under Node as adapters: the yardstick every other row of the matrix is read against.

Each is a server command (node/h3-server.mjs) for one h3 major version, so it
runs only that version's profile.  Nothing is expected to fail: where a
scenario disagrees with real h3, the scenario is wrong.
"""

from __future__ import annotations

from h3conformance.adapter import Adapter

from .node import NODE_DIR, server_command

__all__ = ["H3_NODE_V1", "H3_NODE_V2"]

H3_NODE_V1 = Adapter(
    "h3-node-v1",
    "command",
    command=server_command("v1"),
    profiles=("v1",),
    cwd=NODE_DIR,
    description="real h3 1.15.11 under Node (node/h3-server.mjs v1)",
)
H3_NODE_V2 = Adapter(
    "h3-node-v2",
    "command",
    command=server_command("v2"),
    profiles=("v2",),
    cwd=NODE_DIR,
    description="real h3 2.0.8 under Node (node/h3-server.mjs v2)",
)
