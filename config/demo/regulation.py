"""The regulation part of the demo: the kindergarten's Положение adopted by the council and approved, together
with its roadmap, by one order of the head; the school's adopted and waiting for its approval order, while its
roadmap of the year is approved by an order of its own («Об утверждении дорожной карты»).

Also installs the model programme templates, which stage 1 of the roadmap counts. A second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from config.demo.orders import _approve
from mentoring.programmes import ensure_programme_templates
from people.models import Organization, Person, Role
from roadmap import regulation as regulations
from roadmap.drafting import draft_order
from roadmap.models import OrderKind, Regulation


def seed_regulation(org: Organization, *, approve: bool) -> int:
    """Return 1 when the regulation was created now, 0 when it was there already."""
    ensure_programme_templates(org)
    if Regulation.objects.filter(organization=org).exists():
        return 0
    head = Person.objects.for_org(org).filter(roles__kind=Role.Kind.HEAD, user__isnull=False).first()
    curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
    if head is None or curator is None:
        return 0
    roadmap = regulations.approvable_roadmaps(org).order_by("-period_start", "-id").first()
    start = roadmap.period_start if roadmap else None
    regulation = regulations.generate(org, by=curator.user)
    if start is None:
        return 1
    # Two weeks into the year, but never after today: seeded in early September, the council's protocol and the
    # head's approval would otherwise be dated in the future, which adopt() rightly refuses.
    today = timezone.localdate()
    council_day = min(start + timedelta(days=14), today)
    regulations.adopt(regulation, council_date=council_day, council_number="2")
    approval_day = min(council_day + timedelta(days=3), today)
    if approve:
        # The first year: the regulation and the roadmap the curator chose, by one order.
        order = regulations.draft_approval_order(regulation, by=curator.user, roadmap=roadmap)
        _approve(order, head.user, curator.user, approval_day)  # no e-mail: see _approve
    else:
        # The regulation waits for its order; the roadmap of the year is approved by an order of its own.
        order = draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=roadmap)
        _approve(order, head.user, curator.user, approval_day)
    return 1
