"""E-mails about orders: the head learns of an order awaiting them, the author of the head's decision.

A letter that cannot be sent must not undo a decision already stored, so failures are logged, not raised.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from people.models import Person
from roadmap.models import Order

log = logging.getLogger(__name__)


def order_link(order: Order) -> str:
    """An absolute link to the order page when the site's address is configured (SITE_URL), else ""."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    if not base:
        return ""
    try:
        return base + reverse("roadmap:order", args=[order.organization.slug, order.pk])
    except NoReverseMatch:
        return ""


def _send(template: str, subject: str, recipients: list[str], context: dict) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    body = render_to_string(f"roadmap/emails/{template}.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # the decision is stored; a mail server outage must not turn it into a 500
        log.exception("Не удалось отправить письмо «%s»", subject)


def _email(person) -> str:
    if person is None:
        return ""
    return person.email or (person.user.email if person.user_id else "")


def _author_email(order: Order) -> str:
    return order.created_by.email if order.created_by_id and order.created_by.email else ""


def order_submitted(order: Order) -> None:
    heads = list(Person.objects.heads_of(order.organization).select_related("user"))
    context = {"order": order, "org": order.organization, "link": order_link(order)}
    subject = f"{order.organization.short_name}: приказ на утверждение — «{order.heading}»"
    _send("submitted", subject, [_email(p) for p in heads], context)


def order_returned(order: Order, comment: str) -> None:
    context = {"order": order, "org": order.organization, "comment": comment, "link": order_link(order)}
    subject = f"{order.organization.short_name}: проект приказа возвращён на доработку"
    _send("returned", subject, [_author_email(order)], context)


def order_approved(order: Order) -> None:
    context = {"order": order, "org": order.organization, "link": order_link(order)}
    subject = f"{order.organization.short_name}: приказ утверждён, № {order.reg_number} от {order.date:%d.%m.%Y}"
    _send("approved", subject, [_author_email(order)], context)
