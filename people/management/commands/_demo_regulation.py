"""The regulation part of the demo: the kindergarten's Положение adopted by the council and approved, together
with its roadmap, by one order of the head; the school's adopted and waiting for its approval order.

Also installs the model programme templates, which stage 1 of the roadmap counts. A second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from mentoring.programmes import ensure_programme_templates
from people.management.commands._demo_orders import _approve
from people.models import Organization, Person, Role
from roadmap import regulation as regulations
from roadmap.models import Regulation


def seed_regulation(org: Organization, *, approve: bool) -> int:
    """Return 1 when the regulation was created now, 0 when it was there already."""
    ensure_programme_templates(org)
    if Regulation.objects.filter(organization=org).exists():
        return 0
    head = Person.objects.for_org(org).filter(roles__kind=Role.Kind.HEAD, user__isnull=False).first()
    curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
    if head is None or curator is None:
        return 0
    roadmap = regulations.latest_roadmap(org)
    start = roadmap.period_start if roadmap else None
    regulation = regulations.generate(org, by=curator.user)
    council_day = (start + timedelta(days=14)) if start else None
    if council_day is None:
        return 1
    regulations.adopt(regulation, council_date=council_day, council_number="2")
    if approve:
        with _quiet_emails():
            order = regulations.draft_approval_order(regulation, by=curator.user)
            _approve(order, head.user, curator.user, council_day + timedelta(days=3))
    return 1


def _quiet_emails():
    from unittest import mock

    from roadmap import services

    return mock.patch.object(services, "emails")
