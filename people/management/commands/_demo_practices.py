"""Demo data of the practices part of monitoring (issue 7), called by seed_demo for each organisation. Idempotent."""

from __future__ import annotations

from people.models import Organization, Person


def seed_practices(org: Organization, people: dict[str, Person], by) -> int:
    """Create what the demo needs in `org` and return how many objects were new."""
    return 0
