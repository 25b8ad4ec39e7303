"""Who hears what (issue 16, point 2): each decision tells the people it concerns, in the system and by e-mail
with an absolute link to act on it."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship
from monitoring.reminders import post_reminders
from people.declension import gendered
from people.models import Notice, Role
from roadmap.models import RoadmapActivity
from roadmap.services import approve_order, return_order, submit_order
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.mentoring.pair_fixtures import programme as plan_of
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows
from tests.monitoring.questionnaire_fixtures import launch, small_set
from tests.roadmap.approval_fixtures import make_order
from tests.roadmap.roadmap_fixtures import approve_roadmap, make_roadmap

pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.time_machine("2026-12-03 10:00 +03:00")]
SITE = "https://nastavnik.example.ru"


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE


def told(person, kind: str) -> list[Notice]:
    return list(Notice.objects.filter(person=person, kind=kind).order_by("id"))


def letters_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# --- orders -------------------------------------------------------------------------------------------------


def test_a_pair_approved_by_order_tells_its_mentor_and_mentee_with_an_absolute_link(org, head, curator, capture):
    mentor = PersonFactory(organization=org, with_account=True, email="frolova@school.example.ru")
    mentee = PersonFactory(organization=org, with_account=True, email="smirnova@school.example.ru")
    pair = make_pair(mentor, mentee, state=Mentorship.State.PROPOSED)
    order = make_order(org, "pairs", author=curator.user, mentorships=[pair])
    with capture(execute=True):
        approve_order(order, by=head.user)
    path = reverse("mentoring:programme", args=[org.slug, pair.pk])
    for person, address in ((mentor, "frolova@school.example.ru"), (mentee, "smirnova@school.example.ru")):
        [notice] = told(person, Notice.Kind.PAIR)
        assert notice.link == path and notice.read_at is None
        assert "Ознакомьтесь с приказом" in notice.body
        [letter] = letters_to(address)  # one letter per person for the order, not two
        assert f"{SITE}{path}" in letter.body
    # The curator (on the acknowledgement sheet, and its author) hears of the approval with the order's link.
    [approved] = told(curator.person, Notice.Kind.ORDER)
    assert approved.link == reverse("roadmap:order", args=[org.slug, order.pk])
    assert f"{SITE}{approved.link}" in letters_to(curator.person.email)[0].body


def test_an_order_sent_returned_and_approved_tells_the_head_and_the_author(org, head, curator):
    order = make_order(org, status="draft", author=curator.user)
    link = reverse("roadmap:order", args=[org.slug, order.pk])
    submit_order(order, by=curator.user)
    [to_head] = told(head.person, Notice.Kind.ORDER)
    assert to_head.text.startswith("Приказ на утверждение") and to_head.link == link

    return_order(order, by=head.user, comment="Уточните срок в пункте 2.")
    [returned] = told(curator.person, Notice.Kind.ORDER)
    assert "возвращён на доработку" in returned.text and "Уточните срок в пункте 2." in returned.body

    submit_order(order, by=curator.user)
    approve_order(order, by=head.user)
    approved = told(curator.person, Notice.Kind.ORDER)[-1]
    assert "утверждён" in approved.text and approved.link == link
    assert all(f"{SITE}{link}" in m.body for m in mail.outbox)


def test_people_on_the_acknowledgement_sheet_are_asked_to_read_the_order(org, head, curator, persona):
    other_curator = persona(org, Role.Kind.CURATOR)
    approve_order(make_order(org, author=curator.user), by=head.user)
    [ask] = told(other_curator.person, Notice.Kind.ORDER_ACK)
    assert ask.text.startswith("Ознакомьтесь с приказом №")
    assert not told(curator.person, Notice.Kind.ORDER_ACK)  # the author heard of the approval already


def test_an_early_end_tells_the_mentor_and_the_mentee(org, head, mentor, mentee, capture):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    order = make_order(org, "early_end", mentorships=[pair], end_reason=Mentorship.EndReason.MUTUAL)
    with capture(execute=True):
        approve_order(order, by=head.user)
    for person in (mentor.person, mentee.person):
        [ended] = told(person, Notice.Kind.PAIR)
        assert "завершена досрочно 03.12.2026" in ended.text


# --- programmes ---------------------------------------------------------------------------------------------


def test_the_programme_chain_tells_each_side_what_waits_for_them(org, curator, mentor, mentee, capture):
    pair = active_pair(mentor.person, mentee.person)
    programme = programme_with_rows(pair)
    link = reverse("mentoring:programme", args=[org.slug, pair.pk])
    with capture(execute=True):
        programme.send(mentor.user)
    [sent] = told(mentee.person, Notice.Kind.PROGRAMME)
    verb = gendered(mentor.person, "отправил", "отправила")  # the verb agrees with the mentor, no «(а)»
    assert f"{mentor.person.short_name} {verb} вам программу на ознакомление" in sent.text and sent.link == link
    assert f"{SITE}{link}" in letters_to(mentee.person.email)[0].body

    with capture(execute=True):
        programme.acknowledge(mentee.person)
    [acknowledged] = told(mentor.person, Notice.Kind.PROGRAMME)
    assert "ознакомился(лась) с программой" in acknowledged.text
    assert org.programme_approver == Role.Kind.CURATOR  # the default: the curator approves programmes
    [waiting] = told(curator.person, Notice.Kind.PROGRAMME)
    assert waiting.text.startswith("Программа (пара наставника") and waiting.text.endswith("ждёт утверждения")

    programme.approve(curator.user)
    assert told(mentor.person, Notice.Kind.PROGRAMME)[-1].text.endswith("утверждена")
    assert told(mentee.person, Notice.Kind.PROGRAMME)[-1].text.endswith("утверждена")


def test_a_mentee_s_remarks_go_back_to_the_mentor(org, mentor, mentee):
    programme = programme_with_rows(active_pair(mentor.person, mentee.person))
    programme.send(mentor.user)
    programme.comment(mentee.person, "Добавьте посещение уроков в апреле.")
    [back] = told(mentor.person, Notice.Kind.PROGRAMME)
    assert back.text == "Программа возвращена вам на доработку"
    assert "Добавьте посещение уроков в апреле." in back.body


def test_a_change_after_sending_tells_the_mentee_once(org, mentor, mentee):
    programme = programme_with_rows(active_pair(mentor.person, mentee.person))
    programme.send(mentor.user)
    for row in programme.activities.order_by("position")[:2]:
        row.activity += " (уточнено)"
        row.save()
    changed = [n for n in told(mentee.person, Notice.Kind.PROGRAMME) if "изменена после отправки" in n.text]
    assert len(changed) == 1


# --- requests, questionnaires -------------------------------------------------------------------------------


def test_a_participant_s_request_reaches_the_curators(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    pair.ask_for_change(person=mentee.person, reason="Нужен наставник-логопед")
    [request] = told(curator.person, Notice.Kind.REQUEST)
    assert mentee.person.short_name in request.text and "Нужен наставник-логопед" in request.body
    assert request.link == reverse("mentoring:change_requests", args=[org.slug])
    assert not told(mentor.person, Notice.Kind.REQUEST)


def test_a_questionnaire_invitation_is_a_notice_and_respects_the_digest_choice(
    org, mentor, mentee, django_capture_on_commit_callbacks
):
    make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    plan_of(Mentorship.objects.get(mentor=mentor.person))
    mentee.person.notice_delivery = {Notice.Kind.QUESTIONNAIRE: "weekly"}
    mentee.person.save(update_fields=["notice_delivery"])
    with django_capture_on_commit_callbacks(execute=True):
        launch(org, small_set(org), notify=True)
    [to_mentor] = told(mentor.person, Notice.Kind.QUESTIONNAIRE)
    [to_mentee] = told(mentee.person, Notice.Kind.QUESTIONNAIRE)
    assert to_mentor.delivery == Notice.State.MAILED and letters_to(mentor.person.email)
    assert to_mentee.delivery == Notice.State.PENDING and not letters_to(mentee.person.email)
    assert to_mentee.link.startswith(f"/o/{org.slug}/my/questionnaires/")


# --- deadlines ----------------------------------------------------------------------------------------------


def test_plan_items_due_this_week_and_overdue_reach_the_mentor_and_the_mentee(org, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    plan_of(pair, overdue=2, this_week=1, later=3)
    post_reminders(org)
    for person in (mentor.person, mentee.person):
        [reminder] = told(person, Notice.Kind.PLAN_DUE)
        assert reminder.text == "Мероприятия программы: на этой неделе — 1, просрочено — 2"
        assert reminder.body.count("•") == 3 and "просрочено" in reminder.body
    post_reminders(org)  # a second run the same week adds nothing
    assert Notice.objects.filter(kind=Notice.Kind.PLAN_DUE).count() == 2


def test_a_roadmap_item_reminds_its_responsible_person_not_only_the_curator(org, curator, persona):
    methodist = persona(org, Role.Kind.COUNCIL)
    roadmap = make_roadmap(org, activities=3)
    today = timezone.localdate()
    first, second, third = RoadmapActivity.objects.filter(roadmap=roadmap).order_by("id")
    RoadmapActivity.objects.filter(pk=first.pk).update(responsible_person=methodist.person, deadline_date=today)
    RoadmapActivity.objects.filter(pk=second.pk).update(deadline_date=today - timedelta(days=3))
    RoadmapActivity.objects.filter(pk=third.pk).update(deadline_date=date(2027, 5, 1))
    approve_roadmap(roadmap)
    post_reminders(org)
    [own] = told(methodist.person, Notice.Kind.ROADMAP_DUE)
    assert own.text == "Мероприятия дорожной карты: на этой неделе — 1" and first.content in own.body
    [to_curator] = told(curator.person, Notice.Kind.ROADMAP_DUE)
    assert to_curator.text == "Мероприятия дорожной карты: просрочено — 1" and second.content in to_curator.body
    assert first.content not in to_curator.body


def test_the_weekly_run_reminds_and_sends_one_digest(org, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    plan_of(pair, overdue=1)
    mail.outbox.clear()
    out = StringIO()
    call_command("send_digests", "--weekly", stdout=out)
    assert "Напоминаний о сроках: 2" in out.getvalue()
    [letter] = letters_to(mentee.person.email)
    assert "Мероприятия программы: просрочено — 1" in letter.body
    assert f"{SITE}/o/{org.slug}/pairs/{pair.pk}/programme/" in letter.body
