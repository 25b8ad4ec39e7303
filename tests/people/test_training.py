"""Training of mentors: events, their attendees, and the «обучен» mark it gives a mentor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.declension import gendered
from people.models import MentorEntry, TrainingEvent
from tests.factories import PersonFactory
from tests.people.bank_fixtures import mentor_entry, training


def url(name: str, org, *args) -> str:
    return reverse(f"people:{name}", args=[org.slug, *args])


def event_data(*attendees, **changes) -> dict:
    data = {
        "date": "2026-10-02",
        "topic": "  Установочная сессия  для наставников ",
        "form": "Установочная сессия",
        "description": "Положение о наставничестве, дорожная карта, обязанности наставника.",
        "attendees": [p.pk for p in attendees],
    }
    return {**data, **changes}


@pytest.fixture
def mentors(org):
    return [mentor_entry(PersonFactory(organization=org, surname=s)) for s in ("Фролова", "Захарова")]


def test_curator_records_an_event_and_its_attendees_become_trained(curator, mentors):
    trained, untrained = mentors
    response = curator.client.post(url("training_create", curator.org), event_data(trained.person))
    event = TrainingEvent.objects.get()
    assert response.status_code == 302
    assert response.url == url("training_detail", curator.org, event.pk)
    assert event.topic == "Установочная сессия для наставников"
    assert list(event.attendees.all()) == [trained.person]
    marks = dict(MentorEntry.objects.with_training().values_list("pk", "trained"))
    assert marks == {trained.pk: True, untrained.pk: False}
    detail = curator.client.get(url("mentor_detail", curator.org, trained.pk))
    assert 'data-testid="trained-badge"' in detail.text
    assert "Установочная сессия для наставников" in detail.text
    other = curator.client.get(url("mentor_detail", curator.org, untrained.pk))
    assert 'data-testid="trained-badge"' not in other.text


def test_only_mentors_of_the_bank_can_be_marked_as_attendees(curator, mentors):
    outsider_of_bank = PersonFactory(organization=curator.org)
    response = curator.client.post(url("training_create", curator.org), event_data(outsider_of_bank))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert not TrainingEvent.objects.exists()


def test_a_released_attendee_stays_on_the_event_when_it_is_edited(curator, mentors):
    first, second = mentors
    event = training(curator.org, first.person, second.person)
    first.change_status(MentorEntry.Status.RELEASED, note="Уволилась")
    data = event_data(first.person, second.person, topic="Новая тема")
    assert curator.client.post(url("training_edit", curator.org, event.pk), data).status_code == 302
    event.refresh_from_db()
    assert event.topic == "Новая тема"
    assert set(event.attendees.all()) == {first.person, second.person}


def test_event_pages_list_the_events_and_their_attendees(curator, mentors):
    event = training(curator.org, mentors[0].person, topic="Как составить персонализированную программу")
    listing = curator.client.get(url("training_list", curator.org))
    assert "Как составить персонализированную программу" in listing.text
    assert listing.context["page"].object_list[0].attendee_count == 1
    detail = curator.client.get(url("training_detail", curator.org, event.pk))
    assert detail.context["attendees"][0].mentor_entry_id == mentors[0].pk


def test_an_event_needs_a_date_and_a_topic(curator):
    response = curator.client.post(url("training_create", curator.org), event_data(date="", topic=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"date", "topic"}


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_teachers_get_404_for_the_training_pages(request, who, mentors):
    actor = request.getfixturevalue(who)
    event = training(actor.org, mentors[0].person)
    for page in (url("training_list", actor.org), url("training_detail", actor.org, event.pk)):
        assert actor.client.get(page).status_code == 404
    assert actor.client.post(url("training_create", actor.org), event_data()).status_code == 404
    assert TrainingEvent.objects.count() == 1


def test_head_sees_the_events_but_does_not_record_them(head, mentors):
    event = training(head.org, mentors[0].person)
    assert head.client.get(url("training_detail", head.org, event.pk)).status_code == 200
    assert head.client.get(url("training_edit", head.org, event.pk)).status_code == 404
    assert head.client.post(url("training_create", head.org), event_data()).status_code == 404


def test_an_event_of_another_organisation_is_404(curator, other_org):
    foreign = training(other_org, topic="Чужое мероприятие")
    assert curator.client.get(url("training_detail", curator.org, foreign.pk)).status_code == 404
    response = curator.client.post(url("training_edit", curator.org, foreign.pk), event_data(topic="Взлом"))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.topic == "Чужое мероприятие"


def test_mentor_sees_the_trainings_they_attended_on_their_home(mentor, org):
    entry = mentor_entry(mentor.person, status=MentorEntry.Status.SELECTED)
    training(org, mentor.person, topic="Установочная сессия")
    response = mentor.client.get(reverse("role_home", args=[org.slug, "mentor"]))
    assert [t.topic for t in response.context["trainings"]] == ["Установочная сессия"]
    assert response.context["questionnaire"] == entry
    assert gendered(mentor.person, "обучен", "обучена") in response.text and "обучен(а)" not in response.text
