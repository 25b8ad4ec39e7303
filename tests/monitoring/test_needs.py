"""The staff survey of difficulties and the candidate mentors' questionnaire: launch, answer, review into the banks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring import needs
from monitoring.models import NeedsAnswer, NeedsSurvey
from people.models import Direction, MenteeCategory, MenteeEntry, MentorEntry, Notice, Purpose
from tests.people.bank_fixtures import give_consent

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def launch(org, curator, **data):
    values = {"kind": "needs", "title": "", "intro": "Расскажите о затруднениях", "deadline": "2026-12-04"} | data
    return curator.client.post(reverse("monitoring:needs_survey_launch", args=[org.slug]), values)


@pytest.fixture
def staff(org, persona):
    young = persona(org, "mentee", surname="Ершова", position="Учитель математики", experience_years=1)
    senior = persona(org, "mentor", surname="Жукова", position="Учитель математики", experience_years=25)
    librarian = persona(org, "mentee", surname="Лапина", position="Педагог-библиотекарь", experience_years=2)
    return {"young": young, "senior": senior, "librarian": librarian}


def test_launch_invites_the_chosen_group_and_tells_them(org, curator, staff):
    response = launch(org, curator, position="математик", experience_max="3")
    assert response.status_code == 302
    survey = NeedsSurvey.objects.get()
    assert survey.title == "Анкета профессиональных затруднений педагогов"
    assert [a.person.surname for a in survey.answers.all()] == ["Ершова"]
    assert "стаж до 3 лет" in survey.audience
    notice = Notice.objects.get(person=staff["young"].person)
    assert notice.link == reverse("monitoring:my_needs", args=[org.slug])


def test_launch_errors_are_in_russian_beside_the_fields(org, curator, staff):
    response = launch(org, curator, deadline="2026-11-01", experience_min="5", experience_max="2")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Срок ответа уже прошёл" in page and "Верхняя граница стажа меньше нижней." in page
    nobody = launch(org, curator, position="водитель")
    assert nobody.status_code == 400 and "не подходит ни один работник" in nobody.content.decode()
    assert not NeedsSurvey.objects.exists()


def test_answer_becomes_a_bank_request_after_the_curators_review(org, curator, staff):
    launch(org, curator, position="математик", experience_max="3")
    answer = NeedsAnswer.objects.get()
    young = staff["young"]
    direction = Direction.objects.filter(organization=org).first()
    url = reverse("monitoring:my_needs_answer", args=[org.slug, answer.pk])
    empty = young.client.post(url, {"directions": [direction.pk]})
    assert empty.status_code == 400 and "Опишите хотя бы одно затруднение" in empty.content.decode()
    text = "Не получается удерживать дисциплину в 7-х классах"
    assert young.client.post(url, {"directions": [direction.pk], "text": text, "wants_mentor": "on"}).status_code == 302
    assert not MenteeEntry.objects.exists()  # nothing reaches the bank before the curator
    review = reverse("monitoring:needs_answer_review", args=[org.slug, answer.survey_id, answer.pk])
    # No consent to process personal data yet: the curator is told what to do, nothing is written.
    category = MenteeCategory.objects.get(organization=org, code="young-specialist")
    refused = curator.client.post(review, {"decision": "accept", "category": category.pk})
    assert refused.status_code == 400 and "нет согласия на обработку персональных данных" in refused.content.decode()
    give_consent(young.person, Purpose.PERSONAL_DATA)
    assert curator.client.post(review, {"decision": "accept", "category": category.pk}).status_code == 302
    entry = MenteeEntry.objects.get(person=young.person)
    assert entry.status == MenteeEntry.Status.WAITING and entry.difficulties == text
    assert list(entry.directions.all()) == [direction]
    answer.refresh_from_db()
    assert answer.review == NeedsAnswer.Review.ACCEPTED and answer.mentee_entry == entry
    # Decided: the answer no longer changes.
    assert young.client.post(url, {"text": "другое"}).status_code == 200
    answer.refresh_from_db()
    assert answer.text == text


def test_declining_needs_a_reason(org, curator, staff):
    launch(org, curator)
    answer = NeedsAnswer.objects.get(person=staff["young"].person)
    needs.submit(answer, text="Работа с родителями", directions=[], wants_mentor=True, subjects="", capacity=None)
    review = reverse("monitoring:needs_answer_review", args=[org.slug, answer.survey_id, answer.pk])
    response = curator.client.post(review, {"decision": "decline"})
    assert response.status_code == 400 and "Укажите причину отказа" in response.content.decode()
    assert curator.client.post(review, {"decision": "decline", "note": "Уже в паре"}).status_code == 302
    answer.refresh_from_db()
    assert answer.review == NeedsAnswer.Review.DECLINED


def test_candidate_questionnaire_fills_the_mentor_bank(org, curator, staff):
    launch(org, curator, kind="candidates", experience_min="10")
    answer = NeedsAnswer.objects.get(person=staff["senior"].person)
    senior = staff["senior"]
    directions = list(Direction.objects.filter(organization=org)[:2])
    url = reverse("monitoring:my_needs_answer", args=[org.slug, answer.pk])
    data = {"directions": [d.pk for d in directions], "text": "Покажу, как готовить к олимпиадам", "capacity": "12"}
    too_many = senior.client.post(url, data)
    assert too_many.status_code == 400 and "Не больше 10" in too_many.content.decode()
    assert senior.client.post(url, data | {"capacity": "2", "subjects": "математика"}).status_code == 302
    give_consent(senior.person, Purpose.PERSONAL_DATA)
    needs.accept(NeedsAnswer.objects.get(pk=answer.pk), by=curator.user)
    entry = MentorEntry.objects.get(person=senior.person)
    assert (entry.capacity, entry.subjects, entry.review) == (2, "математика", MentorEntry.Review.ACCEPTED)
    assert set(entry.competencies.all()) == set(directions)
    with pytest.raises(ValidationError):
        needs.accept(NeedsAnswer.objects.get(pk=answer.pk), by=curator.user)


def test_access(org, curator, head, mentor, outsider, staff):
    launch(org, curator)
    survey = NeedsSurvey.objects.get()
    answer = survey.answers.get(person=staff["young"].person)
    detail = reverse("monitoring:needs_survey", args=[org.slug, survey.pk])
    assert head.client.get(detail).status_code == 200  # the head reads
    assert head.client.post(reverse("monitoring:needs_survey_close", args=[org.slug, survey.pk])).status_code == 404
    for who in (mentor, outsider):
        assert who.client.get(detail).status_code == 404
        assert who.client.get(reverse("monitoring:needs_surveys", args=[org.slug])).status_code == 404
    own = reverse("monitoring:my_needs_answer", args=[org.slug, answer.pk])
    assert staff["young"].client.get(own).status_code == 200
    assert staff["senior"].client.get(own).status_code == 404  # someone else's answer
    assert outsider.client.get(own).status_code == 404


@pytest.mark.parametrize("people", [2, 10])
def test_pages_run_a_constant_number_of_queries(org, curator, persona, people, django_assert_num_queries):
    for n in range(people):
        persona(org, "mentee", surname=f"Молодова{n}", position="Учитель")
    launch(org, curator)
    survey = NeedsSurvey.objects.get()
    for answer in survey.answers.all():
        needs.submit(
            answer,
            text="Затруднение",
            directions=Direction.objects.filter(organization=org)[:2],
            wants_mentor=True,
            subjects="",
            capacity=None,
        )
    detail = reverse("monitoring:needs_survey", args=[org.slug, survey.pk])
    with django_assert_num_queries(9):
        assert curator.client.get(detail).status_code == 200
    with django_assert_num_queries(6):
        assert curator.client.get(reverse("monitoring:needs_surveys", args=[org.slug])).status_code == 200
