"""Builders for the approval tests: orders in a chosen state, made directly (not through the drafting pages)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mentoring.models import Mentorship
from people.models import Organization, Person
from roadmap.documents import content_sha256, order_content
from roadmap.models import Order, OrderEvent, OrderKind
from tests.mentoring.pair_fixtures import make_pair
from tests.people.bank_fixtures import bulk_people

HEADINGS = {
    OrderKind.PAIRS: "О закреплении наставнических пар (групп)",
    OrderKind.CURATOR: "О назначении куратора программы наставничества",
    OrderKind.EARLY_END: "О досрочном завершении наставничества",
    OrderKind.FREE: "О проведении методического дня наставников",
}


@pytest.fixture
def media(settings, tmp_path):
    """Stored order PDFs go to a temporary folder the test can inspect."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_order(
    org: Organization,
    kind: str = OrderKind.FREE,
    *,
    author=None,
    status: str = Order.Status.SUBMITTED,
    mentorships=(),
    rewarded=(),
    **fields,
) -> Order:
    """An order of `kind` with a heading, preamble and two items, already in `status` (not approved)."""
    fields.setdefault("heading", HEADINGS.get(kind, "О приказе"))
    fields.setdefault("preamble", "В соответствии с Положением о системе наставничества педагогических работников")
    fields.setdefault("items", ["Утвердить прилагаемый состав.", "Ознакомить работников с приказом."])
    fields.setdefault("control_item", "Контроль за исполнением приказа оставляю за собой.")
    if kind == OrderKind.PAIRS:
        fields.setdefault("starts_on", timezone.localdate())  # the pairs start on the day it is signed
    order = Order.objects.create(organization=org, kind=kind, status=Order.Status.DRAFT, created_by=author, **fields)
    order.mentorships.set(mentorships)
    order.rewarded.set(rewarded)
    OrderEvent.objects.create(order=order, actor=author, action=OrderEvent.Action.CREATED)
    if status != Order.Status.DRAFT:
        OrderEvent.objects.create(order=order, actor=author, action=OrderEvent.Action.SUBMITTED)
    if status == Order.Status.SUBMITTED:
        # As submit_order does: the head reviews, and approval stores, the content frozen now.
        content = order_content(order)
        order.frozen, order.frozen_sha256 = content, content_sha256(content)
    order.status = status
    order.save(update_fields=["status", "frozen", "frozen_sha256"])
    return order


def proposed_pairs(org: Organization, count: int, *, start: int = 500) -> list[Mentorship]:
    """`count` pairs included in an order draft (state «proposed»), each participant with the duties consent."""
    people = bulk_people(org, 2 * count, start=start)
    return [make_pair(people[2 * n], people[2 * n + 1], state=Mentorship.State.PROPOSED) for n in range(count)]


def pairs_order(org: Organization, count: int = 3, *, author=None, start: int = 500) -> Order:
    return make_order(org, OrderKind.PAIRS, author=author, mentorships=proposed_pairs(org, count, start=start))


def names(people: list[Person]) -> list[str]:
    return sorted(p.short_name for p in people)
