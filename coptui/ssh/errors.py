"""The one error `coptui serve` raises for a problem the operator can fix."""

from __future__ import annotations


class ServeError(Exception):
    """A setup problem (key files, listening address) worded for the person starting the server."""
