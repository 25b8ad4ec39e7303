"""Notices about orders (people.notices): the head learns of an order awaiting them, the author of the head's
decision, the people an approved order names that they are to read it.

Each goes to the notification centre and, as the person chose, by e-mail with an absolute link to the order.
A letter that cannot be sent must not undo a decision already stored, so failures are logged, not raised.
"""

from __future__ import annotations

from django.urls import reverse

from mentoring.models import Mentorship
from people import notices
from people.models import Person
from roadmap.models import Acknowledgement, Order, OrderKind


def order_path(order: Order) -> str:
    return reverse("roadmap:order", args=[order.organization.slug, order.pk])


def order_link(order: Order) -> str:
    """An absolute link to the order page (SITE_URL)."""
    return notices.absolute(order_path(order))


def _author(order: Order) -> Person | None:
    if not order.created_by_id:
        return None
    people = Person.objects.for_org(order.organization).filter(user_id=order.created_by_id)
    return people.select_related("organization", "user").first()


def order_submitted(order: Order) -> None:
    heads = list(Person.objects.heads_of(order.organization).select_related("organization", "user"))
    author = order.created_by.get_full_name() or order.created_by.get_username() if order.created_by_id else ""
    body = [f"Вид приказа: {order.get_kind_display()}."]
    if author:
        body.append(f"Автор проекта: {author}.")
    body.append("Проект ждёт вашего решения (раздел «На утверждение»): его можно утвердить или вернуть на доработку.")
    notices.tell(
        heads,
        notices.Kind.ORDER,
        f"Приказ на утверждение — «{order.heading}»",
        "\n".join(body),
        order_path(order),
        link_text="Открыть приказ",
        subject=f"приказ на утверждение — «{order.heading}»",
        committed=False,
    )


def order_returned(order: Order, comment: str) -> None:
    notices.tell(
        _author(order),
        notices.Kind.ORDER,
        f"Проект приказа «{order.heading}» возвращён на доработку",
        f"Комментарий руководителя: {comment}\nВнесите исправления и снова отправьте проект на утверждение.",
        order_path(order),
        link_text="Открыть проект",
        subject="проект приказа возвращён на доработку",
        committed=False,
    )


def order_approved(order: Order) -> None:
    """The author hears of the approval; everyone on the acknowledgement sheet is asked to read the order."""
    ref = f"№ {order.reg_number} от {order.date:%d.%m.%Y}"
    author = _author(order)
    notices.tell(
        author,
        notices.Kind.ORDER,
        f"Приказ «{order.heading}» утверждён, {ref}",
        f"Подписан: {order.signer_position}, {order.signer_name}.\n"
        "Работники из листа ознакомления увидят приказ и отметят, что ознакомлены с ним.",
        order_path(order),
        link_text="Открыть приказ",
        subject=f"приказ утверждён, {ref}",
        committed=False,
    )
    # Whom the order's effects already told of it (roadmap.loops: a pair's people, the appointed curator) hear
    # of the acknowledgement in that notice; one letter per person per order is enough.
    told: set[int] = {author.pk} if author else set()
    if order.kind == OrderKind.PAIRS:
        told.update(order.mentorships.values_list("mentor_id", flat=True))
        told.update(
            Mentorship.mentees.through.objects.filter(mentorship__orders=order).values_list("person_id", flat=True)
        )
    elif order.kind == OrderKind.CURATOR and order.appointee_id:
        told.add(order.appointee_id)
    readers = (
        Person.objects.filter(pk__in=Acknowledgement.objects.filter(order=order).values("person_id"))
        .exclude(pk__in=told)
        .select_related("organization", "user")
        .order_by("pk")
    )
    notices.tell(
        list(readers),
        notices.Kind.ORDER_ACK,
        f"Ознакомьтесь с приказом {ref} «{order.heading}»",
        "Откройте приказ и отметьте «Ознакомлен(а)»: дата попадёт в лист ознакомления.",
        order_path(order),
        link_text="Открыть приказ",
    )


def order_acknowledged(order: Order, person: Person) -> None:
    """The request to read the order is answered: its notice is read."""
    notices.settle(person, notices.Kind.ORDER_ACK, order_path(order))
