"""Bank pages and role homes cost the same number of queries with 5 and with 500 entries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.models import MenteeEntry, MentorEntry, Role, TrainingEvent
from tests.people.bank_fixtures import (
    bulk_consents,
    bulk_people,
    give_consent,
    grow_mentee_bank,
    grow_mentor_bank,
    mentee_entry,
    mentor_entry,
)
from tests.test_queries import queries_for

SMALL, LARGE = 5, 500
# Forms and entry pages load their choices and reference lists: more than a list, still a fixed number.
MAX_QUERIES = 16


def assert_constant(small: list[str], large: list[str]) -> None:
    assert len(large) == len(small), "\n".join(["small:", *small, "large:", *large])
    assert len(large) <= MAX_QUERIES, "\n".join(large)


def grow_banks(org, count: int, start: int) -> None:
    grow_mentee_bank(org, count, start=start)
    grow_mentor_bank(org, count, start=start + 10_000)
    # Staff without consent (they show as disabled choices and on the «согласия не собраны» list).
    bulk_people(org, count, start=start + 20_000)


def pinned(actor, url: str) -> None:
    """Measure the page with a small bank, grow every bank to LARGE, measure again: the counts must match."""
    grow_banks(actor.org, SMALL, 0)
    small = queries_for(actor.client, url)
    grow_banks(actor.org, LARGE - SMALL, SMALL)
    assert MenteeEntry.objects.count() >= LARGE
    assert_constant(small, queries_for(actor.client, url))


LIST_PAGES = [
    ("mentee_bank", ""),
    ("mentee_bank", "?status=all&sort=category&q=ова&direction=1"),
    ("mentee_bank", "?status=requested&sort=-status&page=2"),
    ("mentor_bank", ""),
    ("mentor_bank", "?status=all&trained=no&capacity=2&sort=-capacity&q=ова"),
    ("training_list", ""),
    ("bank_without_consent", ""),
    ("mentee_create", ""),
    ("mentor_create", ""),
    ("training_create", ""),
]


@pytest.mark.parametrize(("name", "query"), LIST_PAGES)
def test_bank_page_queries_do_not_grow_with_the_banks(curator, name, query):
    pinned(curator, reverse(f"people:{name}", args=[curator.org.slug]) + query)


@pytest.mark.parametrize("role", [Role.Kind.CURATOR, Role.Kind.HEAD, Role.Kind.ADMIN, Role.Kind.COUNCIL])
def test_managing_home_queries_do_not_grow_with_the_banks(org, persona, role):
    actor = persona(org, role)
    pinned(actor, reverse("role_home", args=[org.slug, role]))


def test_mentee_home_queries_do_not_grow(mentee):
    give_consent(mentee.person)
    mentee_entry(mentee.person)
    pinned(mentee, reverse("role_home", args=[mentee.org.slug, Role.Kind.MENTEE]))


def test_mentor_home_queries_do_not_grow(mentor):
    mentor_entry(mentor.person)
    pinned(mentor, reverse("role_home", args=[mentor.org.slug, Role.Kind.MENTOR]))


def test_own_request_page_queries_do_not_grow(mentee):
    give_consent(mentee.person)
    mentee_entry(mentee.person, status=MenteeEntry.Status.REQUESTED, self_submitted=True)
    pinned(mentee, reverse("people:my_request", args=[mentee.org.slug]))


def test_own_questionnaire_page_queries_do_not_grow(mentor):
    mentor_entry(mentor.person)
    pinned(mentor, reverse("people:my_questionnaire", args=[mentor.org.slug]))


def test_entry_page_queries_do_not_grow_with_its_history(curator, org):
    """The history of an entry is rendered with one query however many changes it has seen."""
    person = bulk_people(org, 1)[0]
    bulk_consents([person])
    entry = mentee_entry(person)
    url = reverse("people:mentee_detail", args=[org.slug, entry.pk])
    entry.change_status(MenteeEntry.Status.SUPPORTED, by=curator.user, support="Консультации")
    small = queries_for(curator.client, url)
    for n in range(40):
        entry.change_status(MenteeEntry.Status.WAITING, by=curator.user, note=f"Возврат {n}")
        entry.change_status(MenteeEntry.Status.SUPPORTED, by=curator.user, support=f"Поддержка {n}")
    large = queries_for(curator.client, url)
    assert len(curator.client.get(url).context["history"]) == 82
    assert_constant(small, large)


def test_mentor_entry_and_training_pages_queries_do_not_grow(curator, org):
    entries = grow_mentor_bank(org, SMALL)
    event = TrainingEvent.objects.get(organization=org)
    entry_url = reverse("people:mentor_detail", args=[org.slug, entries[0].pk])
    event_url = reverse("people:training_detail", args=[org.slug, event.pk])
    small = [queries_for(curator.client, entry_url), queries_for(curator.client, event_url)]
    grow_mentor_bank(org, LARGE - SMALL, start=SMALL, trained_every=1)
    for _ in range(10):
        entries[0].change_status(MentorEntry.Status.CANDIDATE, by=curator.user)
        entries[0].change_status(MentorEntry.Status.SELECTED, by=curator.user)
    assert event.attendees.count() > 400
    large = [queries_for(curator.client, entry_url), queries_for(curator.client, event_url)]
    for before, after in zip(small, large, strict=True):
        assert_constant(before, after)
