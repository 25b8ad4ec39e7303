"""The meeting log: who records meetings, who rates them, what a meeting does to the plan, what a bad form says."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentoring.models import Meeting, MeetingFeedback, Mentorship, PlanActivity
from people.forms import OrganizationForm
from people.models import Role
from tests.conftest import make_persona
from tests.factories import PersonFactory
from tests.mentoring.meeting_fixtures import meeting, plan_rows, working_pair

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")
TODAY = date(2026, 12, 3)


@pytest.fixture
def pair(mentor, mentee) -> Mentorship:
    return working_pair(mentor.person, mentee.person)


def url(name: str, m: Mentorship, *args) -> str:
    return reverse(f"mentoring:{name}", args=[m.organization.slug, m.pk, *args])


def meeting_data(m: Mentorship, **extra) -> dict:
    return {
        "date": "2026-12-01",
        "format": Meeting.Format.LESSON_VISIT,
        "topic": "Наблюдение урока физики в 8 «Б»",
        "done": "Посетила урок, разобрали хронометраж и приёмы удержания внимания.",
        "next_steps": "К 15.12 подготовить технологическую карту урока.",
        **extra,
    }


def test_the_mentor_logs_a_meeting_and_its_plan_rows_are_marked_done(mentor, pair):
    overdue, later, _ = plan_rows(pair)
    response = mentor.client.post(url("meeting_new", pair), meeting_data(pair, plan_rows=[overdue.pk, later.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#meetings")
    item = Meeting.objects.get(mentorship=pair)
    assert item.author == mentor.person and item.organization == pair.organization
    assert set(item.plan_rows.values_list("pk", flat=True)) == {overdue.pk, later.pk}
    for row in PlanActivity.objects.filter(pk__in=[overdue.pk, later.pk]):
        assert row.status == PlanActivity.Status.DONE and row.done_on == date(2026, 12, 1)
        assert row.mentor_note.startswith("Выполнено на встрече 01.12.2026")
    page = mentor.client.get(url("mentorship_detail", pair))
    assert "Наблюдение урока физики в 8 «Б»" in page.content.decode()
    assert page.context["health"].overdue == 0


def test_the_curator_logs_and_edits_a_meeting_of_any_pair(curator, pair):
    assert curator.client.post(url("meeting_new", pair), meeting_data(pair)).status_code == 302
    item = Meeting.objects.get(mentorship=pair)
    response = curator.client.post(url("meeting_edit", pair, item.pk), meeting_data(pair, topic="Новая тема"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.topic == "Новая тема" and item.author == curator.person


@pytest.mark.parametrize("who", ["head", "mentee", "admin"])
def test_others_of_the_organisation_cannot_log_meetings(request, pair, who):
    persona = request.getfixturevalue(who)
    item = meeting(pair)
    assert persona.client.get(url("meeting_new", pair)).status_code == 404
    assert persona.client.post(url("meeting_new", pair), meeting_data(pair)).status_code == 404
    assert persona.client.post(url("meeting_edit", pair, item.pk), meeting_data(pair)).status_code == 404
    assert Meeting.objects.count() == 1


def test_the_head_reads_the_log(head, pair):
    meeting(pair, ratings=(5,), topic="Разбор контрольной работы")
    page = head.client.get(url("mentorship_detail", pair)).content.decode()
    assert "Журнал встреч" in page and "Разбор контрольной работы" in page and "★ 5 из 5" in page
    assert reverse("mentoring:meeting_new", args=[pair.organization.slug, pair.pk]) not in page


def test_another_organisation_gets_404(outsider, pair):
    item = meeting(pair)
    addresses = [url("meeting_new", pair), url("meeting_edit", pair, item.pk), url("meeting_feedback", pair, item.pk)]
    for address in addresses:
        assert outsider.client.get(address).status_code == 404
        assert outsider.client.post(address, {"rating": 5}).status_code == 404
    assert not MeetingFeedback.objects.exists()


def test_a_mentor_of_another_pair_gets_404(org, pair):
    other = make_persona(org, Role.Kind.MENTOR)
    working_pair(other.person, PersonFactory(organization=org))
    assert other.client.get(url("meeting_new", pair)).status_code == 404
    assert other.client.get(url("mentorship_detail", pair)).status_code == 404


def test_a_meeting_of_another_pair_is_not_reached_through_this_one(mentor, org, pair):
    foreign = meeting(working_pair(PersonFactory(organization=org), PersonFactory(organization=org)))
    assert mentor.client.get(url("meeting_edit", pair, foreign.pk)).status_code == 404


def test_meetings_are_logged_only_while_the_pair_works(mentor, pair):
    pair.complete(by=None, on=TODAY)
    assert mentor.client.get(url("meeting_new", pair)).status_code == 404


def test_only_the_mentee_leaves_feedback_once_per_meeting(mentee, mentor, curator, pair):
    item = meeting(pair)
    address = url("meeting_feedback", pair, item.pk)
    for persona in (mentor, curator):
        assert persona.client.post(address, {"rating": 5}).status_code == 404
    assert mentee.client.post(address, {"rating": 4, "comment": "Полезно"}).status_code == 302
    assert mentee.client.post(address, {"rating": 5, "comment": "Очень полезно"}).status_code == 302
    feedback = MeetingFeedback.objects.get()
    assert (feedback.mentee, feedback.rating, feedback.comment) == (mentee.person, 5, "Очень полезно")
    page = mentor.client.get(url("mentorship_detail", pair)).content.decode()
    assert "Очень полезно" in page


def test_each_mentee_of_a_group_rates_for_themselves(org, mentor, mentee):
    second = make_persona(org, Role.Kind.MENTEE)
    group = working_pair(mentor.person, mentee.person, second.person)
    item = meeting(group)
    mentee.client.post(url("meeting_feedback", group, item.pk), {"rating": 3})
    second.client.post(url("meeting_feedback", group, item.pk), {"rating": 5})
    assert dict(MeetingFeedback.objects.values_list("mentee_id", "rating")) == {
        mentee.person.pk: 3,
        second.person.pk: 5,
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rating": ""}, "rating", "Поставьте оценку от 1 до 5."),
        ({"rating": "7"}, "rating", "Поставьте оценку от 1 до 5."),
        ({"rating": "0"}, "rating", "Поставьте оценку от 1 до 5."),
    ],
)
def test_feedback_errors_are_russian_and_beside_the_field(mentee, pair, data, field, message):
    response = mentee.client.post(url("meeting_feedback", pair, meeting(pair).pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not MeetingFeedback.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"date": ""}, "date", "Укажите дату встречи."),
        ({"date": "2026-12-10"}, "date", "Встреча ещё не прошла: запишите её в день встречи или позже."),
        ({"date": "2026-01-10"}, "date", "Пара (группа) действует с 04.10.2026: дата встречи не может быть раньше."),
        ({"date": "3026-01-10"}, "date", "Проверьте год: дата должна быть не раньше 1990 и не позже 2100 года."),
        ({"topic": " "}, "topic", "Укажите тему встречи."),
        ({"done": ""}, "done", "Опишите, что сделано на встрече."),
        ({"format": "pub"}, "format", "Выберите формат из списка."),
    ],
)
def test_meeting_errors_are_russian_and_beside_the_field(mentor, pair, extra, field, message):
    response = mentor.client.post(url("meeting_new", pair), meeting_data(pair, **extra))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Meeting.objects.exists()


def test_a_plan_row_of_another_pair_cannot_be_linked(mentor, org, pair):
    other = working_pair(PersonFactory(organization=org), PersonFactory(organization=org))
    foreign_row = plan_rows(other)[0]
    response = mentor.client.post(url("meeting_new", pair), meeting_data(pair, plan_rows=[foreign_row.pk]))
    assert response.status_code == 200
    assert "Выберите мероприятия из плана этой пары (группы)." in response.content.decode()
    foreign_row.refresh_from_db()
    assert foreign_row.status == PlanActivity.Status.PLANNED


def test_the_gap_setting_is_validated_in_russian(admin, org):
    form = OrganizationForm(instance=org)
    data = {**form.initial, "meeting_gap_weeks": 0, "site": ""}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    bound = OrganizationForm(data, instance=org)
    assert not bound.is_valid()
    assert "Убедитесь, что это значение больше либо равно 1." in bound.errors["meeting_gap_weeks"]
    org.refresh_from_db()
    assert timedelta(weeks=org.meeting_gap_weeks) == timedelta(weeks=3)  # the default stays
