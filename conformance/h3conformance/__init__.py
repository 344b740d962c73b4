"""The h3 session conformance kit: scenarios as data, runners, reports."""

from __future__ import annotations

import importlib.metadata

try:
    __version__ = importlib.metadata.version("h3session")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover (a source tree, not installed)
    __version__ = "0+unknown"

__all__ = ["__version__"]
