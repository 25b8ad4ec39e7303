"""Telling a person what a decision means for them: a notice on their home page and, if they have an address, a letter.

The letter leaves only once the decision is committed (a rolled-back approval tells nobody), and a mail server
that fails is logged, never raised: the decision is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from people.models import Notice, Person

log = logging.getLogger(__name__)

# Set while history is replayed (the demo builds past pairs): nobody is told of what happened long ago.
_silenced: ContextVar[bool] = ContextVar("notices_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Within the block, `tell` leaves no notice and sends no letter."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def absolute(link: str) -> str:
    """The link with the site's address in front when SITE_URL is set; without it, "" (a bare path helps nobody)."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + link if base and link else ""


def email_of(person: Person) -> str:
    if person.email:
        return person.email
    return person.user.email if person.user_id and person.user.email else ""


def send_letter(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # the decision is stored; a mail server outage must not turn it into a 500
        log.exception("Не удалось отправить письмо «%s»", subject)


def tell(person: Person, text: str, *, subject: str, link: str = "", link_text: str = "", lines=()) -> Notice | None:
    """Leave `text` on the person's home page and e-mail it (with `lines` of detail) once the transaction commits."""
    if _silenced.get():
        return None
    notice = Notice.objects.create(
        organization_id=person.organization_id, person=person, text=text[:500], link=link, link_text=link_text
    )
    address = email_of(person)
    if address:
        context = {"person": person, "text": text, "lines": list(lines), "link": absolute(link)}
        body = render_to_string("people/emails/notice.txt", context)
        full_subject = f"{person.organization.short_name}: {subject}"
        transaction.on_commit(lambda: send_letter(address, full_subject, body))
    return notice
