"""The worker's scheduled digests (monitoring.tasks.send_digests): a notice a person moved to the weekly digest
reaches them in the weekly letter, not the daily one."""

from __future__ import annotations

import pytest
from django.core import mail

from monitoring import tasks
from people import notices
from people.models import Delivery, Notice, NoticeKind


@pytest.mark.time_machine("2026-11-23 07:45 +03:00", tick=True)
def test_a_kind_switched_to_the_weekly_digest_arrives_in_the_weekly_letter(mentor):
    person = mentor.person
    person.email = "mentor@school.example.ru"
    person.notice_delivery = {NoticeKind.PAIR: Delivery.WEEKLY}
    person.save(update_fields=["email", "notice_delivery"])
    notices.tell(person, NoticeKind.PAIR, "Пара утверждена приказом № 12", committed=False)
    assert Notice.objects.get(person=person).delivery == Notice.State.PENDING
    assert mail.outbox == []

    assert tasks.send_digests.call("daily")["letters"] == 0
    result = tasks.send_digests.call("weekly")
    assert result["letters"] == 1 and result["notices"] == 1
    assert mail.outbox[0].to == ["mentor@school.example.ru"]
    assert "Пара утверждена приказом № 12" in mail.outbox[0].body
    assert Notice.objects.get(person=person).delivery == Notice.State.MAILED
