"""Heads approving at the same moment never share a registration number and never leave a gap (PostgreSQL).

Each thread has its own database connection and its own transaction, as concurrent requests would. SQLite
locks the whole database instead of rows, so these races only mean something on PostgreSQL, which CI runs.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from people.models import Role
from roadmap import services
from roadmap.models import Order, OrderCounter
from tests.concurrency import race
from tests.roadmap.approval_fixtures import make_order

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks (SELECT … FOR UPDATE) are tested on PostgreSQL only: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
]


@pytest.fixture
def quick_pdf(monkeypatch):
    """The numbering is under test here, not the document: a PDF-like stand-in that takes a while to "render".

    The pause holds every approval inside its transaction after it has taken its number, as a real rendering
    does, so without the row lock the approvals would read the same counter value and collide.
    """
    from roadmap import documents

    def render(order: Order, content: dict | None = None) -> bytes:
        time.sleep(0.15)
        return f"%PDF-1.7 {order.reg_number}".encode()

    monkeypatch.setattr(documents, "order_pdf_bytes", render)


def approval(order: Order, user):
    return lambda: services.approve_order(Order.objects.get(pk=order.pk), by=user).number


@pytest.mark.parametrize("counter", ["first of the year", "counter row exists"])
def test_eight_simultaneous_approvals_take_numbers_one_to_eight(org, head, quick_pdf, counter):
    if counter == "counter row exists":
        OrderCounter.objects.create(organization=org, year=timezone.localdate().year)
    orders = [make_order(org) for _ in range(8)]

    numbers, errors = race([approval(order, head.user) for order in orders])

    assert errors == []
    assert sorted(numbers) == list(range(1, 9))
    stored = sorted(Order.objects.filter(organization=org).values_list("number", "reg_number"))
    assert stored == [(n, f"{n}-од") for n in range(1, 9)]
    assert OrderCounter.objects.get(organization=org).last_number == 8


def test_two_organisations_keep_their_own_sequences(org, other_org, head, persona, quick_pdf):
    other_head = persona(other_org, Role.Kind.HEAD)
    jobs = [approval(make_order(org), head.user) for _ in range(4)]
    jobs += [approval(make_order(other_org), other_head.user) for _ in range(4)]

    _, errors = race(jobs)

    assert errors == []
    for organisation in (org, other_org):
        numbers = sorted(Order.objects.filter(organization=organisation).values_list("number", flat=True))
        assert numbers == [1, 2, 3, 4]


def test_one_order_approved_twice_at_once_is_approved_once(org, head, quick_pdf):
    order = make_order(org)

    numbers, errors = race([approval(order, head.user), approval(order, head.user)])

    assert numbers == [1]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "только приказ на утверждении" in errors[0].messages[0]
    assert OrderCounter.objects.get().last_number == 1
    assert order.events.filter(action="approved").count() == 1


def test_paper_registrations_and_approvals_at_once_never_share_a_number(org, head, quick_pdf):
    """Orders signed on paper take their serial under the same counter row: none clashes with an approval's."""
    from datetime import date

    from roadmap import paper

    year = timezone.localdate().year
    orders = [make_order(org) for _ in range(4)]

    def registration(number: str):
        signed = paper.PaperOrder(
            kind="free", date=date(year, 1, 9), number=number, title="О методическом дне", text="Провести."
        )
        return lambda: paper.register_paper_order(org, signed, by=head.user).number

    jobs = [approval(order, head.user) for order in orders]
    # Above what four approvals reach from an empty counter, so that only the paper numbers can clash.
    jobs += [registration("10-од"), registration("11"), registration("01-05/11")]

    numbers, errors = race(jobs)

    stored = list(Order.objects.filter(organization=org, number__isnull=False).values_list("number", flat=True))
    assert len(stored) == len(set(stored)) == len(numbers)
    # «11» and «01-05/11» name the same serial: exactly one of them is registered, the other refused.
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "Порядковый номер 11 " in errors[0].messages[0]
    assert len(stored) == 6 and {10, 11} <= set(stored)
    assert OrderCounter.objects.get(organization=org, year=year).last_number == max(stored)
