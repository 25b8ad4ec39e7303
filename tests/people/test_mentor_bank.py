"""The bank of mentors: questionnaires by the curator or the teacher, review, capacity, statuses, the list."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from people.models import ConsentRequired, MentorEntry, Person, Role
from people.services import withdraw_consent
from tests.factories import PersonFactory
from tests.people.bank_fixtures import direction, give_consent, grow_mentor_bank, mentor_entry, training

Status = MentorEntry.Status
Review = MentorEntry.Review


def url(name: str, org, *args) -> str:
    return reverse(f"people:{name}", args=[org.slug, *args])


def questionnaire(org, person: Person | None = None, **changes) -> dict:
    data = {
        "person": person.pk if person else "",
        "competencies": [direction(org, "subject").pk, direction(org, "methodical").pk],
        "subjects": "Математика, 5–9 классы",
        "preferred_forms": [],
        "preferred_kinds": [],
        "motivation": "Хочу, чтобы молодые учителя не оставались одни со своими вопросами.",
        "capacity": "2",
        "interview_date": "2026-10-05",
        "qualification_category": "",
        "experience_years": "",
    }
    return {**data, **changes}


@pytest.fixture
def teacher(org) -> Person:
    person = PersonFactory(
        organization=org,
        surname="Зайцева",
        name="Людмила",
        patronymic="Петровна",
        qualification_category=Person.Category.FIRST,
        experience_years=29,
    )
    give_consent(person)
    return person


# --- the curator's questionnaire --------------------------------------------------------------------------------


def test_curator_records_a_questionnaire_after_an_interview(curator, teacher):
    data = questionnaire(curator.org, teacher, qualification_category="highest", experience_years="30")
    response = curator.client.post(url("mentor_create", curator.org), data)
    entry = MentorEntry.objects.get(person=teacher)
    assert response.status_code == 302
    assert response.url == url("mentor_detail", curator.org, entry.pk)
    assert entry.review == Review.ACCEPTED
    assert entry.reviewed_by == curator.user
    assert not entry.self_submitted
    assert entry.status == Status.CANDIDATE
    assert entry.capacity == 2
    assert {d.code for d in entry.competencies.all()} == {"subject", "methodical"}
    teacher.refresh_from_db()
    assert teacher.qualification_category == Person.Category.HIGHEST
    assert teacher.experience_years == 30


def test_blank_qualification_fields_leave_the_card_as_it_was(curator, teacher):
    stamp = teacher.updated_at
    curator.client.post(url("mentor_create", curator.org), questionnaire(curator.org, teacher))
    teacher.refresh_from_db()
    assert teacher.qualification_category == Person.Category.FIRST
    assert teacher.experience_years == 29
    assert teacher.updated_at == stamp


@pytest.mark.parametrize("capacity", ["0", "11", "-1", "сто"])
def test_capacity_outside_one_to_ten_is_refused_beside_the_field(curator, teacher, capacity):
    response = curator.client.post(
        url("mentor_create", curator.org), questionnaire(curator.org, teacher, capacity=capacity)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    assert not MentorEntry.objects.exists()


def test_capacity_outside_one_to_ten_is_refused_by_the_model_and_the_database(org, teacher):
    entry = MentorEntry(organization=org, person=teacher, capacity=11)
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "capacity" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorEntry.objects.create(organization=org, person=teacher, capacity=0)
    assert not MentorEntry.objects.exists()


def test_a_questionnaire_without_consent_is_refused(curator, org):
    stranger = PersonFactory(organization=org)
    response = curator.client.post(url("mentor_create", org), questionnaire(org, stranger))
    assert response.status_code == 200
    assert "нет действующего согласия" in response.text
    assert not MentorEntry.objects.exists()
    with pytest.raises(ConsentRequired):
        MentorEntry.objects.create(organization=org, person=stranger)


def test_a_second_questionnaire_in_the_bank_is_refused(curator, teacher):
    mentor_entry(teacher)
    response = curator.client.post(url("mentor_create", curator.org), questionnaire(curator.org, teacher))
    assert response.status_code == 200
    assert "уже есть в банке наставников" in response.text
    assert MentorEntry.objects.filter(person=teacher).count() == 1


def test_curator_edits_a_questionnaire_and_the_card(curator, teacher):
    entry = mentor_entry(teacher)
    data = questionnaire(curator.org, capacity="3", qualification_category="highest", experience_years="29")
    response = curator.client.post(url("mentor_edit", curator.org, entry.pk), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    teacher.refresh_from_db()
    assert entry.capacity == 3
    assert teacher.qualification_category == Person.Category.HIGHEST


# --- the teacher's own questionnaire and its review -------------------------------------------------------------


def test_teacher_without_consent_cannot_fill_the_questionnaire(mentor):
    response = mentor.client.get(url("my_questionnaire", mentor.org))
    assert response.context["form"] is None
    assert "Сначала нужно согласие" in response.text
    mentor.client.post(url("my_questionnaire", mentor.org), questionnaire(mentor.org))
    assert not MentorEntry.objects.exists()


def test_teacher_fills_the_questionnaire_which_goes_to_review(mentor, curator):
    give_consent(mentor.person)
    data = questionnaire(mentor.org, qualification_category="highest", experience_years="24")
    response = mentor.client.post(url("my_questionnaire", mentor.org), data)
    assert response.status_code == 302
    entry = MentorEntry.objects.get(person=mentor.person)
    assert entry.self_submitted
    assert entry.review == Review.ON_REVIEW
    assert entry.interview_date is None  # the teacher does not set the interview date
    mentor.person.refresh_from_db()
    assert mentor.person.experience_years == 24
    listing = curator.client.get(url("mentor_bank", curator.org) + "?review=on_review")
    assert list(listing.context["page"].object_list) == [entry]

    curator.client.post(url("mentor_review", curator.org, entry.pk))
    entry.refresh_from_db()
    assert entry.review == Review.ACCEPTED
    assert entry.reviewed_by == curator.user
    again = curator.client.post(url("mentor_review", curator.org, entry.pk), follow=True)
    assert "Анкета уже проверена." in again.text


def test_changing_an_accepted_questionnaire_sends_it_back_to_review(mentor):
    give_consent(mentor.person)
    entry = mentor_entry(mentor.person)
    assert entry.review == Review.ACCEPTED
    data = questionnaire(mentor.org, capacity="4", qualification_category=mentor.person.qualification_category)
    mentor.client.post(url("my_questionnaire", mentor.org), data)
    entry.refresh_from_db()
    assert entry.capacity == 4
    assert entry.review == Review.ON_REVIEW
    assert entry.reviewed_by is None


def test_teacher_cannot_reach_the_bank_or_review_their_own_questionnaire(mentor):
    give_consent(mentor.person)
    data = questionnaire(mentor.org, qualification_category=mentor.person.qualification_category)
    assert mentor.client.post(url("my_questionnaire", mentor.org), data).status_code == 302
    entry = MentorEntry.objects.get(person=mentor.person)
    assert mentor.client.get(url("mentor_bank", mentor.org)).status_code == 404
    assert mentor.client.get(url("mentor_detail", mentor.org, entry.pk)).status_code == 404
    assert mentor.client.post(url("mentor_review", mentor.org, entry.pk)).status_code == 404
    assert mentor.client.post(url("mentor_status", mentor.org, entry.pk), {"status": "selected"}).status_code == 404
    entry.refresh_from_db()
    assert entry.review == Review.ON_REVIEW
    assert entry.status == Status.CANDIDATE


def test_mentee_gets_404_for_the_bank_of_mentors(mentee, teacher):
    entry = mentor_entry(teacher)
    for page in (
        url("mentor_bank", mentee.org),
        url("mentor_detail", mentee.org, entry.pk),
        url("mentor_create", mentee.org),
    ):
        assert mentee.client.get(page).status_code == 404, page


def test_head_views_but_does_not_change_the_bank_of_mentors(head, teacher):
    entry = mentor_entry(teacher)
    assert head.client.get(url("mentor_detail", head.org, entry.pk)).status_code == 200
    assert head.client.get(url("mentor_edit", head.org, entry.pk)).status_code == 404
    assert head.client.post(url("mentor_status", head.org, entry.pk), {"status": "selected"}).status_code == 404


# --- statuses ---------------------------------------------------------------------------------------------------


def test_curator_selects_a_candidate_and_releases_them_with_a_reason(curator, teacher):
    entry = mentor_entry(teacher)
    curator.client.post(url("mentor_status", curator.org, entry.pk), {"status": "selected"})
    entry.refresh_from_db()
    assert entry.status == Status.SELECTED
    response = curator.client.post(url("mentor_status", curator.org, entry.pk), {"status": "released", "note": ""})
    assert "Укажите причину, по которой наставник выводится из банка." in response.text
    entry.refresh_from_db()
    assert entry.status == Status.SELECTED
    curator.client.post(url("mentor_status", curator.org, entry.pk), {"status": "released", "note": "Ушла в декрет"})
    entry.refresh_from_db()
    assert entry.status == Status.RELEASED
    assert entry.status_note == "Ушла в декрет"


def test_a_released_mentor_cannot_come_back_or_be_edited(curator, teacher):
    entry = mentor_entry(teacher)
    entry.change_status(Status.RELEASED, note="Уволилась")
    with pytest.raises(ValidationError):
        entry.change_status(Status.SELECTED)
    response = curator.client.post(url("mentor_status", curator.org, entry.pk), {"status": "selected"})
    assert "Такой переход для этой записи сейчас невозможен." in response.text
    assert curator.client.get(url("mentor_edit", curator.org, entry.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.RELEASED


def test_releasing_needs_a_reason_at_model_level(teacher):
    entry = mentor_entry(teacher)
    with pytest.raises(ValidationError, match="причину"):
        entry.change_status(Status.RELEASED, note=" ")


def test_withdrawn_consent_releases_the_mentor(teacher):
    entry = mentor_entry(teacher, status=Status.SELECTED)
    withdraw_consent(teacher.consents.get())
    entry.refresh_from_db()
    assert entry.status == Status.RELEASED


# --- capacity left, trained, the list ---------------------------------------------------------------------------


def test_capacity_left_equals_capacity_until_pairs_exist(org, teacher):
    mentor_entry(teacher, capacity=3, status=Status.SELECTED)
    entry = MentorEntry.objects.with_capacity_left().get()
    assert entry.capacity_left == 3
    assert list(MentorEntry.objects.available()) == [entry]
    entry.change_status(Status.CANDIDATE)
    assert not MentorEntry.objects.available().exists()


def test_a_mentor_is_trained_only_by_an_event_of_their_own_organisation(org, other_org, teacher):
    entry = mentor_entry(teacher)
    training(other_org, teacher, topic="Чужой семинар")
    assert not MentorEntry.objects.with_training().get(pk=entry.pk).trained
    training(org, teacher)
    assert MentorEntry.objects.with_training().get(pk=entry.pk).trained


@pytest.fixture
def mentors(org):
    people = {
        key: PersonFactory(organization=org, surname=surname, name="Анна", patronymic="Ивановна")
        for key, surname in (("a", "Андреева"), ("b", "Баранова"), ("c", "Ёжикова"))
    }
    entries = {
        "a": mentor_entry(people["a"], competencies=("ict",), capacity=1, status=Status.SELECTED),
        "b": mentor_entry(people["b"], competencies=("legal",), capacity=5, status=Status.SELECTED),
        "c": mentor_entry(people["c"], capacity=3, review=Review.ON_REVIEW, self_submitted=True),
    }
    training(org, people["b"])
    return entries


def listed(actor, query: str = "") -> list[MentorEntry]:
    return list(actor.client.get(url("mentor_bank", actor.org) + query).context["page"].object_list)


def test_mentor_list_filters(curator, mentors):
    assert listed(curator) == [mentors["a"], mentors["b"], mentors["c"]]
    assert listed(curator, "?status=candidate") == [mentors["c"]]
    assert listed(curator, "?trained=yes") == [mentors["b"]]
    assert listed(curator, "?trained=no") == [mentors["a"], mentors["c"]]
    assert listed(curator, "?capacity=3") == [mentors["b"], mentors["c"]]
    assert listed(curator, f"?competency={direction(curator.org, 'ict').pk}") == [mentors["a"]]
    assert listed(curator, "?review=on_review") == [mentors["c"]]
    assert listed(curator, "?q=ежикова") == [mentors["c"]]


def test_mentor_list_sorts(curator, mentors):
    assert listed(curator, "?sort=-name") == [mentors["c"], mentors["b"], mentors["a"]]
    assert listed(curator, "?sort=-capacity") == [mentors["b"], mentors["c"], mentors["a"]]
    assert listed(curator, "?sort=status")[0] == mentors["c"]  # candidates before the selected


def test_released_mentors_leave_the_default_list(curator, mentors):
    mentors["a"].change_status(Status.RELEASED, note="Перевелась")
    assert mentors["a"] not in listed(curator)
    assert mentors["a"] in listed(curator, "?status=all")


def test_the_list_shows_the_trained_badge(curator, mentors):
    html = curator.client.get(url("mentor_bank", curator.org)).text
    assert html.count('data-testid="trained-badge"') == 1


def test_mentor_list_pages_by_25(curator):
    grow_mentor_bank(curator.org, 30)
    page = curator.client.get(url("mentor_bank", curator.org)).context["page"]
    assert len(page.object_list) == 25
    assert page.paginator.count == 30


def test_mentor_export_neutralises_formulas_and_follows_filters(curator, mentors):
    mentors["b"].motivation = "=1+2"
    mentors["b"].save()
    response = curator.client.get(url("mentor_bank_export", curator.org) + "?fmt=csv&trained=yes")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    assert data[0][header.index("Мотивация")] == "'=1+2"
    assert data[0][header.index("Прошёл обучение")] == "да"
    assert data[0][header.index("Свободных мест")] == "5"


def test_council_sees_the_bank_of_mentors(org, persona, mentors):
    council = persona(org, Role.Kind.COUNCIL)
    assert len(listed(council)) == 3
