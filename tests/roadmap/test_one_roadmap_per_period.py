"""One roadmap in force per period: a second one is refused when drafted, when approved, and by the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roadmap.drafting import draft_order
from roadmap.models import Order, OrderKind, Roadmap
from roadmap.services import approve_order, submit_order
from tests.roadmap.roadmap_fixtures import make_roadmap

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-09-10 10:00 +03:00")]
IN_FORCE = "уже действует утверждённая дорожная карта"


def sent(roadmap: Roadmap, curator) -> Order:
    order = draft_order(roadmap.organization, OrderKind.ROADMAP, by=curator.user, roadmap=roadmap)
    submit_order(order, by=curator.user, notify=False)
    return order


def test_a_second_roadmap_of_the_same_period_is_refused_when_drafted(org, head, curator):
    approve_order(sent(make_roadmap(org, 3), curator), by=head.user, notify=False)
    second = make_roadmap(org, 3, title="Ещё одна дорожная карта")

    with pytest.raises(ValidationError, match=IN_FORCE):
        draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=second)


def test_two_roadmaps_of_one_period_sent_together_the_second_approval_changes_nothing(org, head, curator):
    first, second = make_roadmap(org, 3), make_roadmap(org, 3, title="Ещё одна дорожная карта")
    orders = [sent(first, curator), sent(second, curator)]
    approve_order(orders[0], by=head.user, notify=False)

    with pytest.raises(ValidationError) as refused:
        approve_order(orders[1], by=head.user, notify=False)

    assert IN_FORCE in refused.value.messages[0]
    assert "О внесении изменений в дорожную карту" in refused.value.messages[0]
    second.refresh_from_db()
    orders[1].refresh_from_db()
    assert second.status == Roadmap.Status.DRAFT and orders[1].status == Order.Status.SUBMITTED
    assert Roadmap.objects.approved().get() == first


def test_the_database_keeps_one_approved_roadmap_per_period(org):
    first, second = make_roadmap(org, 1), make_roadmap(org, 1)
    Roadmap.objects.filter(pk=first.pk).update(status=Roadmap.Status.APPROVED)

    with pytest.raises(IntegrityError, match="roadmap_one_approved_per_period"), transaction.atomic():
        Roadmap.objects.filter(pk=second.pk).update(status=Roadmap.Status.APPROVED)
