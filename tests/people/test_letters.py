"""Letters leave from the task worker (people.letters), not from the request that decided something (issue 16):
the decision's request only queues them once it commits; the worker sends them and marks their notices; a mail
server that refuses marks them «failed», and a digest that could not leave is not counted as sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from people import letters, notices
from people.models import Notice
from tests.factories import PersonFactory

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def person(org):
    return PersonFactory(organization=org, with_account=True, email="frolova@school.example.ru")


def test_a_decision_queues_its_letter_for_the_worker_and_sends_nothing_itself(
    person, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE  # the real queue: a row the worker takes
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        [notice] = notices.tell(person, Notice.Kind.PAIR, "Пара утверждена", "Приказ № 5-од", "/o/x/pairs/1/")
    assert not DBTaskResult.objects.exists()  # nothing queued before the decision commits
    for callback in waiting:
        callback()
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "people.letters.deliver" and mail.outbox == []
    notice.refresh_from_db()
    assert notice.delivery == Notice.State.APP and notice.mailed_at is None  # not yet left

    # What the worker does with it.
    given = queued.args_kwargs["args"]
    assert letters.deliver.call(*given) == 1
    [letter] = mail.outbox
    assert letter.to == ["frolova@school.example.ru"] and letter.subject.endswith("Пара утверждена")
    notice.refresh_from_db()
    assert notice.delivery == Notice.State.MAILED and notice.mailed_at is not None


def test_a_refusing_mail_server_marks_the_notices_failed_and_logs_without_the_address(person, settings, caplog):
    settings.EMAIL_BACKEND = "tests.mailers.RefusingBackend"
    notice = notices.record(person, Notice.Kind.PAIR, "Пара утверждена", "", "", "", Notice.State.APP)
    assert letters.deliver.call([["frolova@school.example.ru", "Тема письма", "Текст"]], [notice.pk]) == 0
    notice.refresh_from_db()
    assert notice.delivery == Notice.State.FAILED and notice.mailed_at is None
    assert "Не удалось отправить письмо «Тема письма» (писем: 1)" in caplog.text


def test_a_digest_the_mail_server_refused_is_not_counted_as_sent(person, settings):
    person.notice_delivery = {Notice.Kind.PAIR: "daily"}
    person.save(update_fields=["notice_delivery"])
    notices.tell(person, Notice.Kind.PAIR, "Пара утверждена", committed=False)
    settings.EMAIL_BACKEND = "tests.mailers.RefusingBackend"
    assert notices.send_digests("daily") == (0, 0)
    assert Notice.objects.get(person=person).delivery == Notice.State.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices.send_digests("daily") == (0, 0)  # a failed notice is not sent again by the next digest
