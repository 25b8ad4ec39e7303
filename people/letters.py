"""Letters leave in the task worker, not in the request that decided something: an order approved for thirty
people, or a questionnaire round for a hundred, returns at once however slow the mail server is, and a server
that is down costs the user nothing (the letters' notices are marked «failed» and stay in the system).

`send(letters, notice_ids)` queues them (the caller runs it once its decision commits); `deliver`, the task,
sends them over one connection and marks the notices they carry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django_tasks import task

from people.models import Notice

log = logging.getLogger(__name__)

Letter = tuple[str, str, str]  # (address, subject, body)


def send(letters: Iterable[Letter], notice_ids: Iterable[int] = ()) -> None:
    """Queue `letters` to go together; `notice_ids` are the notices they carry."""
    letters = [list(letter) for letter in letters]
    if letters:
        deliver.enqueue(letters, list(notice_ids))


@task()
def deliver(letters: list[list[str]], notice_ids: list[int]) -> int:
    """Send the letters over one connection; their notices become «mailed», or «failed» when the mail server
    refuses (logged with the subject, never the address). Returns how many left."""
    messages = [EmailMessage(subject, body, None, [address]) for address, subject, body in letters]
    try:
        sent = get_connection().send_messages(messages) or 0
    except Exception:
        subjects = "», «".join(dict.fromkeys(message.subject for message in messages))
        log.exception("Не удалось отправить письмо «%s» (писем: %d)", subjects, len(messages))
        Notice.objects.filter(pk__in=notice_ids).update(delivery=Notice.State.FAILED, mailed_at=None)
        return 0
    Notice.objects.filter(pk__in=notice_ids).update(delivery=Notice.State.MAILED, mailed_at=timezone.now())
    return sent
