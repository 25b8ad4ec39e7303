"""Builders for the order pages' tests: an approved order through the real service, many orders in bulk."""

from __future__ import annotations

from datetime import date

from people.models import Organization, Person
from roadmap.models import Acknowledgement, Order, OrderKind
from roadmap.services import approve_order
from tests.roadmap.approval_fixtures import make_order


def approved(org: Organization, head_user, kind: str = OrderKind.FREE, *, acknowledgers=(), **fields) -> Order:
    """An order approved by the head through roadmap.services: number, date, stored PDF and hash are real."""
    order = make_order(org, kind, status=Order.Status.SUBMITTED, **fields)
    Acknowledgement.objects.bulk_create([Acknowledgement(order=order, person=p) for p in acknowledgers])
    return approve_order(order, by=head_user)


def bulk_orders(org: Organization, count: int, *, people: list[Person] = (), start: int = 1) -> list[Order]:
    """`count` approved orders written straight to the table (no PDF rendering), each with acknowledgements."""
    orders = Order.objects.bulk_create(
        [
            Order(
                organization=org,
                kind=OrderKind.FREE if n % 2 else OrderKind.FINAL_EVENT,
                status=Order.Status.APPROVED,
                heading=f"О проведении мероприятия № {n}",
                preamble="В соответствии с планом работы",
                items=["Провести мероприятие."],
                year=2025,
                number=n,
                reg_number=f"{n}-од",
                date=date(2025, 1, 1 + n % 28),
                pdf_sha256="0" * 64,
            )
            for n in range(start, start + count)
        ]
    )
    Acknowledgement.objects.bulk_create([Acknowledgement(order=o, person=p) for o in orders for p in people])
    return orders


def items_data(*items) -> dict:
    """The editor's item rows as a POST: each item a text or a dict {text, level, deadline, executor}."""
    data = {"items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        item = {"text": item} if isinstance(item, str) else item
        data[f"items-{n}-text"] = item.get("text", "")
        data[f"items-{n}-level"] = str(item.get("level", 0))
        data[f"items-{n}-deadline"] = item.get("deadline", "")
        executor = item.get("executor")
        data[f"items-{n}-executor"] = str(executor) if executor else ""
    return data
