"""The places a mentor holds: mentoring keeps MentorEntry.places_taken true, the banks only read it.

Each step of a pair's life goes through the product's own path (the pair pages, an order of the head, the
matching) and the mentor's free places are read back the way every list reads them, `with_capacity_left()`.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring import matching
from mentoring.models import Mentorship, recount_places
from people.models import MenteeEntry, MentorEntry
from roadmap.models import OrderKind
from roadmap.services import approve_order
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair, pair_form, selected_mentor, with_duties
from tests.mentoring.pair_fixtures import waiting_mentees as mentees
from tests.people.bank_fixtures import bulk_people, grow_mentor_bank
from tests.roadmap.approval_fixtures import make_order
from tests.test_queries import queries_for

pytestmark = pytest.mark.django_db
S = Mentorship.State


def url(name: str, org, *args) -> str:
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def free(mentor) -> int:
    entry = MentorEntry.objects.in_bank().with_capacity_left().get(person=mentor)
    assert entry.taken == entry.capacity - entry.capacity_left
    return entry.capacity_left


def test_a_group_takes_and_gives_back_places_through_its_whole_life(org, curator, head):
    mentor = PersonFactory(organization=org, surname="Фролова")
    selected_mentor(mentor, capacity=4)
    with_duties(mentor)
    a, b, c = mentees(org, "Смирнова", "Никитина", "Орлова")
    assert free(mentor) == 4

    # Formed by hand as a draft with two mentees.
    response = curator.client.post(url("mentorship_create", org), pair_form(org, mentor, a, b))
    assert response.status_code == 302
    m = Mentorship.objects.get(mentor=mentor)
    assert free(mentor) == 2

    # The group grows, then shrinks: the places follow its mentees.
    assert curator.client.post(url("mentorship_edit", org, m.pk), pair_form(org, mentor, a, b, c)).status_code == 302
    assert free(mentor) == 1
    assert curator.client.post(url("mentorship_edit", org, m.pk), pair_form(org, mentor, a, c)).status_code == 302
    assert free(mentor) == 2

    # Proposed, then fixed by the head's order: still holding the same places.
    curator.client.post(url("mentorship_propose", org, m.pk))
    m.refresh_from_db()
    assert m.state == S.PROPOSED and free(mentor) == 2
    approve_order(make_order(org, OrderKind.PAIRS, author=curator.user, mentorships=[m]), by=head.user)
    m.refresh_from_db()
    assert m.state == S.ACTIVE and free(mentor) == 2

    # Completed: the places come back.
    today = timezone.localdate().isoformat()
    curator.client.post(url("mentorship_complete", org, m.pk), {"on": today, "note": ""})
    m.refresh_from_db()
    assert m.state == S.COMPLETED and free(mentor) == 4


def test_ending_early_by_order_and_deleting_a_draft_give_the_places_back(org, curator, head):
    mentor = PersonFactory(organization=org, surname="Фролова")
    selected_mentor(mentor, capacity=3)
    a, b = mentees(org, "Смирнова", "Никитина")
    active = make_pair(mentor, a, state=S.ACTIVE)
    draft = make_pair(mentor, b)
    assert free(mentor) == 1

    order = make_order(org, OrderKind.EARLY_END, mentorships=[active], end_reason=Mentorship.EndReason.MUTUAL)
    approve_order(order, by=head.user)
    active.refresh_from_db()
    assert active.state == S.ENDED_EARLY and free(mentor) == 2

    assert curator.client.post(url("mentorship_delete", org, draft.pk)).status_code == 302
    assert not Mentorship.objects.filter(pk=draft.pk).exists()
    assert free(mentor) == 3


def test_ending_early_on_the_pair_page_gives_the_place_back(org, curator):
    mentor = PersonFactory(organization=org, surname="Фролова")
    selected_mentor(mentor, capacity=1)
    [a] = mentees(org, "Смирнова")
    m = make_pair(mentor, a, state=S.ACTIVE)
    assert free(mentor) == 0
    data = {"reason": Mentorship.EndReason.MENTEE, "on": timezone.localdate().isoformat(), "note": ""}
    curator.client.post(url("mentorship_end_early", org, m.pk), data)
    m.refresh_from_db()
    assert m.state == S.ENDED_EARLY and free(mentor) == 1


def test_moving_a_draft_to_another_mentor_moves_the_places(org, curator):
    first, second = PersonFactory(organization=org, surname="Фролова"), PersonFactory(organization=org, surname="Зуева")
    selected_mentor(first, capacity=2), selected_mentor(second, capacity=2)
    a, b = mentees(org, "Смирнова", "Никитина")
    m = make_pair(first, a, b)
    assert (free(first), free(second)) == (0, 2)
    assert curator.client.post(url("mentorship_edit", org, m.pk), pair_form(org, second, a)).status_code == 302
    assert (free(first), free(second)) == (2, 1)


def test_accepting_a_proposal_takes_the_places(org, curator):
    mentor = PersonFactory(organization=org, surname="Фролова")
    entry = selected_mentor(mentor, capacity=2)
    with_duties(mentor)
    [a] = mentees(org, "Смирнова")
    result = matching.accept(org, [(entry.pk, [MenteeEntry.objects.get(person=a).pk])], by=curator.user)
    assert len(result.created) == 1, result.skipped
    assert free(mentor) == 1


def test_a_new_questionnaire_starts_from_the_places_the_person_holds(org):
    """A mentor released from the bank may still hold a pair; coming back, the new questionnaire counts it."""
    mentor = PersonFactory(organization=org, surname="Фролова")
    old = selected_mentor(mentor, capacity=2)
    [a] = mentees(org, "Смирнова")
    make_pair(mentor, a, state=S.ACTIVE)
    old.change_status(MentorEntry.Status.RELEASED, note="Ушла в декретный отпуск")
    new = MentorEntry.objects.create(organization=org, person=mentor, capacity=3, status=MentorEntry.Status.SELECTED)
    assert free(mentor) == 2
    # A full save of a questionnaire loaded before a recount does not put the old count back.
    stale = MentorEntry.objects.get(pk=new.pk)
    Mentorship.objects.filter(mentor=mentor).delete()
    recount_places(mentor_ids=[mentor.pk])
    stale.subjects = "Физика"
    stale.save()
    assert free(mentor) == 3


def test_recount_costs_two_queries_however_many_mentors(org, django_assert_num_queries):
    entries = grow_mentor_bank(org, 30)
    people = bulk_people(org, 30, start=5000)
    for entry, person in zip(entries, people, strict=True):
        Mentorship.objects.create(organization=org, mentor_id=entry.person_id).mentees.set([person])
    with django_assert_num_queries(2):
        recount_places(organization=org)
    assert {e.taken for e in MentorEntry.objects.for_org(org).with_capacity_left()} == {1}


# --- the bank list reads the stored count ----------------------------------------------------------------------


def hold_pairs(org, entries: list[MentorEntry], start: int) -> None:
    """A draft pair for every mentor of `entries`, inserted in bulk, then the places counted."""
    people = bulk_people(org, len(entries), start=start)
    pairs = Mentorship.objects.bulk_create(Mentorship(organization=org, mentor_id=e.person_id) for e in entries)
    through = Mentorship.mentees.through
    through.objects.bulk_create(through(mentorship=m, person=p) for m, p in zip(pairs, people, strict=True))
    recount_places(organization=org)


@pytest.mark.parametrize("query", ["", "?status=all&capacity=2&sort=-capacity"])
def test_mentor_bank_queries_do_not_grow_with_the_pairs_and_never_read_them(curator, query):
    org = curator.org
    address = reverse("people:mentor_bank", args=[org.slug]) + query
    hold_pairs(org, grow_mentor_bank(org, 5), start=50_000)
    small = queries_for(curator.client, address)
    hold_pairs(org, grow_mentor_bank(org, 300, start=5), start=60_000)
    large = queries_for(curator.client, address)
    assert len(large) == len(small), "\n".join(["small:", *small, "large:", *large])
    assert not [q for q in large if "mentoring_" in q]
    listed = curator.client.get(address).context["page"].object_list
    assert all(e.taken == 1 and e.capacity_left == e.capacity - 1 for e in listed)
