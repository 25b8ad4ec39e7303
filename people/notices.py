"""Telling people what concerns them: one entry point, `tell`, for every notice of the system.

A notice always stays in the system (the bell on every page, the notification centre, the home page until read).
Whether it is also e-mailed, and when, is the person's choice per kind (Person.notice_delivery): at once, in the
daily or weekly digest (`manage.py send_digests`), or not at all. A letter is queued only once the decision is
committed (a rolled-back approval tells nobody) and leaves from the task worker (people.letters), carries
absolute links (settings.SITE_URL), and a mail server that fails is logged, never raised: the decision is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from people import letters
from people.models import Delivery, Notice, NoticeKind, Person, delivery_for

log = logging.getLogger(__name__)

# Set while history is replayed (the demo builds past pairs): nobody is told of what happened long ago.
_silenced: ContextVar[bool] = ContextVar("notices_silenced", default=False)
# Set while the demo leaves notices of today: they are shown in the system, and nobody gets a letter.
_no_letters: ContextVar[bool] = ContextVar("notices_no_letters", default=False)

Kind = NoticeKind


@contextmanager
def silenced() -> Iterator[None]:
    """Within the block, `tell` leaves no notice and sends no letter."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


@contextmanager
def without_letters() -> Iterator[None]:
    """Within the block, `tell` leaves notices in the system only (the demo: its addresses are not real)."""
    token = _no_letters.set(True)
    try:
        yield
    finally:
        _no_letters.reset(token)


def site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute(link: str) -> str:
    """The link with the site's address in front (SITE_URL); an empty link stays empty."""
    if not link:
        return ""
    if link.startswith(("http://", "https://")):
        return link
    base = site_url()
    return base + link if base else ""


def email_of(person: Person) -> str:
    if person.email:
        return person.email
    return person.user.email if person.user_id and person.user.email else ""


def tell(
    people: Person | Iterable[Person],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    *,
    committed: bool = True,
    link_text: str = "",
    subject: str = "",
) -> list[Notice]:
    """Leave a notice of `kind` for each of `people` (one person or several; the same person once) and e-mail it
    to those who want `kind` at once. `link` is the site's path (reverse()); letters carry it absolute.

    `committed=True` (inside a decision's transaction) sends the letters once it commits; `committed=False`
    (commands outside any transaction) sends them now. The letter's subject is `subject` (the title by default)
    after the organisation's name.
    """
    if _silenced.get():
        return []
    if people is None:
        return []
    if isinstance(people, Person):
        people = [people]
    seen: set[int] = set()
    notices: list[Notice] = []
    for person in people:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        notices.append(_tell_one(person, kind, title, body, link, committed, link_text, subject))
    return notices


def _tell_one(
    person: Person, kind: str, title: str, body: str, link: str, committed: bool, link_text: str, subject: str
):
    mode = Delivery.OFF if _no_letters.get() else delivery_for(person, kind)
    address = email_of(person) if mode != Delivery.OFF else ""
    if mode == Delivery.OFF:
        state = Notice.State.APP
    elif not address:
        state = Notice.State.NO_ADDRESS
    elif mode == Delivery.NOW:
        state = Notice.State.APP  # becomes «mailed» once the letter leaves
    else:
        state = Notice.State.PENDING
    notice = record(person, kind, title, body, link, link_text, state)
    if mode == Delivery.NOW and address:
        subject = f"{person.organization.short_name}: {subject or title}"
        if len(subject) > 200:
            subject = subject[:199] + "…"
        letter = render_to_string(
            "people/emails/notice.txt",
            {"person": person, "text": title, "lines": body.splitlines(), "link": absolute(link), "site": site_url()},
        )
        if committed:
            transaction.on_commit(lambda: letters.send([(address, subject, letter)], [notice.pk]))
        else:
            letters.send([(address, subject, letter)], [notice.pk])
    return notice


def record(person: Person, kind: str, title: str, body: str, link: str, link_text: str, state: str) -> Notice:
    """The notice itself, for a caller that sends its own letter (questionnaires mail their links in one go)."""
    return Notice.objects.create(
        organization_id=person.organization_id,
        person=person,
        kind=kind,
        text=title[:500],
        body=body,
        link=link,
        link_text=link_text or ("Открыть" if link else ""),
        delivery=state,
    )


def settle(person: Person, kind: str, link: str) -> int:
    """What a notice asked of `person` is done (an order read, a form answered): its notices leave the unread list."""
    unread = Notice.objects.filter(person=person, kind=kind, link=link, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


def wants_now(person: Person, kind: str) -> bool:
    """Whether `person` wants `kind` by e-mail at once (and has an address for it)."""
    return delivery_for(person, kind) == Delivery.NOW and bool(email_of(person))


# --- digests ----------------------------------------------------------------------------------------------------

DIGEST_MODES = {
    # The daily run also carries what was waiting when its person switched to «at once».
    "daily": {Delivery.DAILY, Delivery.NOW},
    "weekly": {Delivery.WEEKLY},
}


def send_digests(period: str) -> tuple[int, int]:
    """One letter per person with their notices waiting for the `period` ("daily" or "weekly") digest.

    Returns (letters sent, notices in them). Notices of a kind the person has since switched off stay in the
    system only. A fixed number of queries per run, plus one update per letter.
    """
    modes = DIGEST_MODES[period]
    waiting = (
        Notice.objects.waiting_for_digest()
        .select_related("person__user", "organization")
        .order_by("person_id", "created_at", "id")
    )
    by_person: dict[int, list[Notice]] = {}
    switched_off: list[int] = []
    for notice in waiting:
        mode = delivery_for(notice.person, notice.kind)
        if mode == Delivery.OFF:
            switched_off.append(notice.pk)
        elif mode in modes:
            by_person.setdefault(notice.person_id, []).append(notice)
    if switched_off:
        Notice.objects.filter(pk__in=switched_off).update(delivery=Notice.State.APP)
    sent = count = 0
    label = "за день" if period == "daily" else "за неделю"
    for items in by_person.values():
        person = items[0].person
        address = email_of(person)
        ids = [n.pk for n in items]
        if not address:
            Notice.objects.filter(pk__in=ids).update(delivery=Notice.State.NO_ADDRESS)
            continue
        subject = f"{person.organization.short_name}: уведомления {label} ({len(items)})"
        body = render_to_string(
            "people/emails/digest.txt",
            {
                "person": person,
                "label": label,
                "items": [{"notice": n, "link": absolute(n.link)} for n in items],
                "centre": absolute(f"/o/{person.organization.slug}/notices/"),
            },
        )
        # The digest runs in the worker already: its letters leave from here, one by one as they are made. A letter
        # the mail server refused is not counted (its notices are marked «failed»).
        if letters.deliver.call([[address, subject, body]], ids):
            sent += 1
            count += len(items)
    return sent, count
