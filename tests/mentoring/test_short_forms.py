"""Situational and speed mentoring: the curator records them without a programme; the list filters and runs a
constant number of queries; readers read, participants read their own, other organisations get 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from mentoring.models import ShortMentoring
from people.models import Role
from tests.conftest import make_persona
from tests.factories import PersonFactory

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def record(org, mentor, mentee, *, kind=ShortMentoring.Kind.SPEED, day=date(2026, 11, 12)) -> ShortMentoring:
    r = ShortMentoring.objects.create(
        organization=org, kind=kind, date=day, request="Как провести первое родительское собрание", result="План"
    )
    r.mentors.set([mentor])
    r.mentees.set([mentee])
    return r


def test_the_curator_records_a_speed_session(org, curator, mentor, mentee):
    response = curator.client.post(
        reverse("mentoring:short_create", args=[org.slug]),
        {
            "kind": "speed",
            "date": "12.11.2026",
            "mentors": [mentor.person.pk],
            "mentees": [mentee.person.pk],
            "request": "Как выстроить дисциплину на уроке в 7 классе",
            "result": "Разобрали три приёма, договорились о повторной встрече через месяц.",
        },
    )
    saved = ShortMentoring.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:short_detail", args=[org.slug, saved.pk])
    assert saved.kind == "speed" and saved.date == date(2026, 11, 12) and saved.organization == org
    assert list(saved.mentors.all()) == [mentor.person] and list(saved.mentees.all()) == [mentee.person]


def test_errors_are_in_russian_beside_the_fields_and_nothing_is_lost(org, curator, mentor):
    response = curator.client.post(
        reverse("mentoring:short_create", args=[org.slug]),
        {
            "kind": "situational",
            "date": "12.11.2026",
            "end_date": "01.11.2026",
            "mentors": [mentor.person.pk],
            "mentees": [mentor.person.pk],
            "request": "",
            "result": "Что-то, что нельзя потерять",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Опишите запрос: с какой ситуацией обратились." in page
    assert "не может быть в записи и наставником, и наставляемым" in page
    assert "Дата последней встречи не может быть раньше первой." in page
    assert "Что-то, что нельзя потерять" in page
    assert not ShortMentoring.objects.exists()


def test_the_list_filters_by_kind(org, curator, mentor, mentee):
    record(org, mentor.person, mentee.person, kind="speed")
    situational = record(org, mentor.person, mentee.person, kind="situational", day=date(2026, 10, 1))
    page = curator.client.get(reverse("mentoring:short_list", args=[org.slug]), {"kind": "situational"})
    assert list(page.context["page"].object_list) == [situational]
    everything = curator.client.get(reverse("mentoring:short_list", args=[org.slug]), {"kind": "nonsense"})
    assert len(everything.context["page"].object_list) == 2


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_runs_a_constant_number_of_queries(org, curator, django_assert_num_queries, rows):
    for i in range(rows):
        record(org, PersonFactory(organization=org), PersonFactory(organization=org), day=date(2026, 11, 1 + i % 19))
    url = reverse("mentoring:short_list", args=[org.slug])
    curator.client.get(url)
    with django_assert_num_queries(8):
        response = curator.client.get(url)
    assert len(response.context["page"].object_list) == rows


def test_who_sees_what(org, curator, head, mentor, mentee, outsider):
    mine = record(org, mentor.person, mentee.person)
    detail = reverse("mentoring:short_detail", args=[org.slug, mine.pk])
    council = make_persona(org, Role.Kind.COUNCIL)
    for reader in (curator, head, council, mentor, mentee):
        assert reader.client.get(detail).status_code == 200
    stranger = make_persona(org, Role.Kind.MENTOR)
    assert stranger.client.get(detail).status_code == 404
    assert outsider.client.get(detail).status_code == 404
    assert mentor.client.get(reverse("mentoring:short_list", args=[org.slug])).status_code == 404
    assert head.client.get(reverse("mentoring:short_create", args=[org.slug])).status_code == 404
    assert head.client.post(reverse("mentoring:short_delete", args=[org.slug, mine.pk])).status_code == 404
    assert ShortMentoring.objects.filter(pk=mine.pk).exists()


def test_the_records_are_on_the_person_card(org, curator, mentor, mentee):
    r = record(org, mentor.person, mentee.person)
    card = mentee.client.get(reverse("people:person_detail", args=[org.slug, mentee.person.pk])).content.decode()
    assert 'data-testid="person-short-forms"' in card
    assert reverse("mentoring:short_detail", args=[org.slug, r.pk]) in card
    assert "наставляемый" in card
