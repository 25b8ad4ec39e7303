"""The programme chain at model level: sending needs a complete programme, an edit after sending withdraws the
acknowledgement, approved content never changes in place (progress marks do), a change takes effect only when the
mentee agrees and the approver approves, and the version it replaced is kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mentoring.models import Mentorship, PlanActivity, Programme, ProgrammeRevision
from mentoring.programmes import propose_correction, propose_extension, versions
from tests.mentoring.programme_fixtures import END, active_pair, approved_programme, programme_with_rows

# Mid-programme (the fixtures run 01.09.2025–31.05.2026): dates done and due are judged against this day.
pytestmark = pytest.mark.time_machine("2025-11-20 10:00 +03:00", tick=True)


@pytest.fixture
def programme(mentor, mentee) -> Programme:
    return programme_with_rows(active_pair(mentor.person, mentee.person), rows=3)


@pytest.fixture
def approved(programme, mentor, mentee, curator) -> Programme:
    return approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)


def fresh(programme: Programme) -> Programme:
    return Programme.objects.get(pk=programme.pk)


# --- sending and acknowledging ---


def test_a_draft_cannot_be_acknowledged_before_it_is_sent(programme, mentee):
    with pytest.raises(ValidationError, match="ещё не отправлена"):
        programme.acknowledge(mentee.person)
    assert fresh(programme).acknowledged_at is None


def test_an_incomplete_programme_cannot_be_sent(mentor, mentee):
    programme = programme_with_rows(active_pair(mentor.person, mentee.person), rows=0, content="")
    with pytest.raises(ValidationError) as refused:
        programme.send(mentor.user)
    assert refused.value.messages == [
        "Чтобы отправить программу, заполните:",
        "раздел «Содержание деятельности» пояснительной записки",
        "план мероприятий: добавьте хотя бы одно мероприятие",
    ]
    assert fresh(programme).status == Programme.Status.DRAFT


def test_editing_the_note_after_acknowledgement_withdraws_it(programme, mentor, mentee):
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    programme = fresh(programme)
    programme.goals = "Новая цель"
    programme.save()
    programme = fresh(programme)
    assert (programme.status, programme.acknowledged_at, programme.acknowledged_by) == ("draft", None, None)
    assert "ознакомление снято" in programme.remark and programme.remark_at is not None
    with pytest.raises(ValidationError):
        programme.approve(mentor.user)


def test_editing_adding_or_deleting_a_row_after_sending_returns_to_draft(programme, mentor, mentee):
    for change in (
        lambda row: PlanActivity.objects.filter(pk=row.pk).update(activity="Другое"),
        lambda row: PlanActivity.objects.create(programme=row.programme, activity="Ещё одно", deadline=row.deadline),
        lambda row: row.delete(),
    ):
        programme.send(mentor.user)
        programme.acknowledge(mentee.person)
        change(programme.activities.first())
        assert fresh(programme).status == Programme.Status.DRAFT
        programme = fresh(programme)


def test_progress_marks_before_approval_do_not_withdraw_the_acknowledgement(programme, mentor, mentee):
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    row = programme.activities.first()
    row.mentee_reflection = "Полезно"
    row.status, row.done_on = PlanActivity.Status.DONE, date(2025, 9, 8)
    row.save()
    assert fresh(programme).status == Programme.Status.ACKNOWLEDGED


def test_the_mentee_comments_instead_and_the_programme_goes_back(programme, mentor, mentee):
    programme.send(mentor.user)
    with pytest.raises(ValidationError):
        programme.comment(mentee.person, "   ")
    programme.comment(mentee.person, "Добавьте встречу с психологом.")
    programme = fresh(programme)
    assert (programme.status, programme.remark, programme.remark_by) == (
        "draft",
        "Добавьте встречу с психологом.",
        mentee.person,
    )
    programme.send(mentor.user)
    assert fresh(programme).remark == ""


# --- approved content is immutable; progress is not ---


def test_approved_content_cannot_be_changed_in_any_way(approved):
    programme = fresh(approved)
    programme.goals = "Подмена"
    with pytest.raises(ValidationError, match="Программа утверждена"):
        programme.save()
    with pytest.raises(ValidationError):
        Programme.objects.filter(pk=approved.pk).update(end=date(2026, 12, 31))
    with pytest.raises(ValidationError):
        Programme.objects.filter(pk=approved.pk).delete()
    with pytest.raises(ValidationError):
        fresh(approved).delete()
    row = approved.activities.first()
    row.activity = "Подмена"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        PlanActivity.objects.filter(programme=approved).update(deadline=date(2025, 10, 1))
    with pytest.raises(ValidationError):
        PlanActivity.objects.filter(programme=approved).delete()
    with pytest.raises(ValidationError):
        approved.activities.first().delete()
    with pytest.raises(ValidationError):
        PlanActivity.objects.create(programme=approved, activity="Добавка", deadline=date(2025, 10, 1))
    assert fresh(approved).goals == "Помочь освоиться в должности."
    assert approved.activities.count() == 3


def test_progress_marks_on_an_approved_plan_stay_editable(approved):
    row = approved.activities.first()
    row.status, row.done_on, row.mentor_note = PlanActivity.Status.DONE, date(2025, 9, 8), "Проведено"
    row.mentee_reflection = "Понятно"
    row.save()
    assert PlanActivity.objects.filter(programme=approved).update(status=PlanActivity.Status.IN_PROGRESS) == 3
    # Chain fields of the approved programme are not its content either.
    assert Programme.objects.filter(pk=approved.pk).update(remark="") == 1
    assert fresh(approved).status == Programme.Status.APPROVED


# --- changes: proposals agreed and approved, kept as versions ---


def test_a_change_needs_the_mentees_agreement_then_the_approval(approved, mentor, mentee, curator):
    change = propose_extension(approved, new_end=date(2026, 8, 31), reason="Болезнь", by=mentor.user)
    assert fresh(approved).end == END
    with pytest.raises(ValidationError, match="после согласия наставляемого"):
        change.approve(curator.user)
    with pytest.raises(ValidationError, match="уже на согласовании"):
        propose_extension(approved, new_end=date(2026, 7, 31), reason="Ещё", by=mentor.user)
    change.agree(mentee.person)
    assert fresh(approved).end == END
    change.approve(curator.user)
    assert fresh(approved).end == date(2026, 8, 31)
    change.refresh_from_db()
    assert change.status == ProgrammeRevision.Status.APPROVED
    assert change.previous["note"]["end"] == "2026-05-31"


def test_reworking_an_agreed_change_asks_the_mentee_again(approved, mentor, mentee):
    change = propose_extension(approved, new_end=date(2026, 8, 31), reason="Болезнь", by=mentor.user)
    change.agree(mentee.person)
    change = propose_extension(approved, new_end=date(2026, 9, 30), reason="Болезнь", by=mentor.user, revision=change)
    assert (change.status, change.agreed_at) == (ProgrammeRevision.Status.PROPOSED, None)


def test_a_correction_keeps_the_rows_progress_and_the_old_version(approved, mentor, mentee, curator):
    first = approved.activities.first()
    first.status, first.done_on, first.mentor_note = PlanActivity.Status.DONE, date(2025, 9, 8), "Проведено"
    first.save()
    content = approved.snapshot()
    rows = [*content["rows"][:2], {**content["rows"][0], "id": None, "activity": "Открытый урок"}]
    rows[0] = {**rows[0], "activity": "Посещение двух уроков"}
    change = propose_correction(
        approved, reason="Уточнение", note={**content["note"], "tasks": "Новые задачи"}, rows=rows, by=mentor.user
    )
    change.agree(mentee.person)
    change.approve(curator.user)
    programme = fresh(approved)
    assert programme.tasks == "Новые задачи"
    activities = list(programme.activities.all())
    assert [a.activity for a in activities] == [
        "Посещение двух уроков",
        content["rows"][1]["activity"],
        "Открытый урок",
    ]
    assert (activities[0].pk, activities[0].status, activities[0].mentor_note) == (first.pk, "done", "Проведено")
    old, new = versions(Programme.objects.prefetch_related("revisions").get(pk=approved.pk))
    assert old.content["note"]["tasks"] == approved.tasks and len(old.content["rows"]) == 3
    assert new.is_current and new.revision == change


def test_a_correction_must_stay_complete(approved, mentor):
    content = approved.snapshot()
    with pytest.raises(ValidationError, match="Чтобы предложить изменения"):
        propose_correction(approved, reason="x", note={**content["note"], "goals": ""}, rows=[], by=mentor.user)
    with pytest.raises(ValidationError, match="ничем не отличается"):
        propose_correction(approved, reason="x", note=content["note"], rows=content["rows"], by=mentor.user)
    assert not approved.revisions.exists()


def test_a_declined_change_returns_to_its_author(approved, mentor, mentee):
    change = propose_extension(approved, new_end=date(2026, 8, 31), reason="Болезнь", by=mentor.user)
    change.send_back(mentee.person, "Не согласна с датой")
    change.refresh_from_db()
    assert (change.status, change.remark) == (ProgrammeRevision.Status.RETURNED, "Не согласна с датой")
    with pytest.raises(ValidationError):
        change.agree(mentee.person)


def test_lists_show_where_each_programme_stands(org, persona, mentor, mentee, curator):
    states = {}
    for status in ("draft", "sent", "acknowledged", "approved", "change"):
        pair = active_pair(persona(org, "mentor").person, persona(org, "mentee").person)
        programme = programme_with_rows(pair, rows=1)
        the_mentee = pair.mentees.get()
        if status != "draft":
            programme.send(mentor.user)
        if status in ("acknowledged", "approved", "change"):
            programme.acknowledge(the_mentee)
        if status in ("approved", "change"):
            programme.approve(curator.user)
        if status == "change":
            propose_extension(programme, new_end=date(2026, 8, 31), reason="Болезнь", by=mentor.user)
        states[pair.pk] = status
    found = {m.pk: m.programme_status for m in Mentorship.objects.filter(pk__in=states).with_programme_status()}
    assert found == {pk: ("change_proposed" if s == "change" else s) for pk, s in states.items()}


# --- admin ---


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.ru", "x"))
    return client


def test_admin_shows_an_approved_programme_read_only(approved, superuser_client):
    page = superuser_client.get(reverse("admin:mentoring_programme_change", args=[approved.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="goals"' not in html and 'name="end"' not in html
    assert 'name="activities-0-activity"' not in html and 'name="activities-0-status"' in html  # progress stays
    assert superuser_client.get(reverse("admin:mentoring_programme_delete", args=[approved.pk])).status_code == 403
