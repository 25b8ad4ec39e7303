"""Demo municipality: both demo organisations in one municipality with a coordinator (login «municipal»)."""

from __future__ import annotations


def seed_municipality(password: str) -> tuple[str, ...] | None:
    """Create the municipality and its coordinator; return the login row for the printed table, if any."""
    return None
