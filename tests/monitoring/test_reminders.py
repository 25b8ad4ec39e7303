"""The weekly digest: one letter per person responsible, nothing to people without an address."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from roadmap.models import Order, OrderKind, Roadmap, RoadmapActivity, RoadmapStage
from tests.mentoring.pair_fixtures import make_pair, programme, selected_mentor
from tests.roadmap.approval_fixtures import make_order


def setup_org(org, head, curator, mentor, mentee):
    selected_mentor(mentor.person)
    pair = make_pair(mentor.person, mentee.person, state="active")
    programme(pair, overdue=2, later=1)
    today = timezone.localdate()
    rm = Roadmap.objects.create(
        organization=org,
        title="Дорожная карта",
        period_label="год",
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=300),
    )
    stage = RoadmapStage.objects.create(roadmap=rm, number="2", model_stage=2, title="Банк наставляемых")
    RoadmapActivity.objects.create(
        roadmap=rm,
        stage=stage,
        number="2.1",
        content="Собрать запросы педагогов",
        deadline_date=today - timedelta(days=3),
    )
    Roadmap.objects.filter(pk=rm.pk).update(status=Roadmap.Status.APPROVED)  # only the approved one is current
    make_order(org, OrderKind.FREE, status=Order.Status.SUBMITTED, heading="О проведении семинара наставников")
    for p in (head, curator, mentor, mentee):
        p.person.email = f"{p.person.pk}@school.example"
        p.person.save()


def letters() -> dict[str, str]:
    return {m.to[0]: m.body for m in mail.outbox}


def test_one_digest_per_responsible_person(org, head, curator, mentor, mentee):
    setup_org(org, head, curator, mentor, mentee)
    call_command("send_reminders", stdout=StringIO())
    got = letters()
    assert len(mail.outbox) == 4 and all(len(m.to) == 1 for m in mail.outbox)
    assert "Мероприятие № 0" in got[mentor.person.email] and "наставник" in got[mentor.person.email]
    assert "Мероприятие № 1" in got[mentee.person.email]
    assert "2.1 Собрать запросы педагогов" in got[curator.person.email]
    assert "Программы с просроченными мероприятиями (1)" in got[curator.person.email]
    assert "О проведении семинара наставников" in got[head.person.email]
    assert "Мероприятие № 0" not in got[head.person.email]
    assert mail.outbox[0].subject.startswith("Наставничество")


def test_nobody_without_an_address_and_no_letter_without_overdue_items(org, head, curator, mentor, mentee, outsider):
    setup_org(org, head, curator, mentor, mentee)
    outsider.person.email = "outsider@ds2.example"
    outsider.person.save()
    mentee.person.email = ""
    mentee.person.save()
    mentee.user.email = ""
    mentee.user.save()
    call_command("send_reminders", stdout=StringIO())
    assert mentee.person.email not in letters() and len(mail.outbox) == 3
    assert outsider.person.email not in letters()  # another organisation with nothing overdue


def test_dry_run_prints_counts_only(org, head, curator, mentor, mentee):
    setup_org(org, head, curator, mentor, mentee)
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert mail.outbox == []
    text = out.getvalue()
    assert "Всего будет отправлено писем: 4" in text
    assert mentor.person.surname not in text and curator.person.surname not in text
