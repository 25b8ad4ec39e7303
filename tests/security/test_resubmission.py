"""Two identical submissions at once: the second meets what the first saved, never a server error (PostgreSQL).

The first submission is held inside its transaction after it has written its row (as a slow request would be)
while the second arrives: the second's form check sees nothing yet, its insert waits on the unique index, and when
the first commits the database refuses it. That refusal must reach the person as a message, not as a 500.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection, connections, transaction
from django.urls import reverse

from config.resubmission import ALREADY_SAVED
from mentoring.models import ChangeRequest, Mentorship
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="concurrent transactions are tested on PostgreSQL only: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine("2026-12-03 10:00 +03:00"),
]


def wait_for_a_waiter(timeout: float = 10) -> None:
    """Hold on until another connection waits for a lock (the second request's insert on the unique index)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # The statistics are a snapshot per transaction, and this one is held open: take a fresh one each time.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)


def while_first_in_flight(first, second):
    """Run `first` in a transaction held open until `second` (another connection) is waiting; return `second`'s."""
    written, answers, errors = threading.Event(), [], []

    def hold() -> None:
        try:
            with transaction.atomic():
                first()
                written.set()
                wait_for_a_waiter()
        except BaseException as exc:  # asserted on below
            errors.append(exc)
            written.set()
        finally:
            connections.close_all()

    def send() -> None:
        try:
            written.wait(timeout=30)
            answers.append(second())
        except BaseException as exc:  # the test client re-raises a view's exception: that is the 500
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold), threading.Thread(target=send)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return answers[0]


def test_a_request_sent_twice_at_once_is_kept_once_and_the_second_is_told(org, mentee):
    pair = make_pair(PersonFactory(organization=org, surname="Фролова"), mentee.person, state=Mentorship.State.ACTIVE)
    url = reverse("mentoring:mentorship_ask", args=[org.slug, pair.pk])
    reason = "Не совпадают расписания."

    response = while_first_in_flight(
        lambda: ChangeRequest.objects.create(
            mentorship=pair, kind=ChangeRequest.Kind.CHANGE_MENTOR, requested_by=mentee.person, reason=reason
        ),
        lambda: mentee.client.post(url, {"reason": reason}, HTTP_REFERER=f"http://testserver/o/{org.slug}/"),
    )

    assert response.status_code == 302 and response["Location"] == f"http://testserver/o/{org.slug}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [ALREADY_SAVED]
    assert ChangeRequest.objects.filter(mentorship=pair, requested_by=mentee.person).count() == 1
