"""The methodical council proposes pairs where the organisation gives it the right; the curator accepts (a draft
pair is made, as from matching) or declines with an answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Mentorship, PairProposal
from people.models import MenteeEntry, Role
from tests.conftest import make_persona
from tests.mentoring.test_matching_views import ready_mentor
from tests.people.bank_fixtures import mentee_entry

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


@pytest.fixture
def council(org):
    org.council_proposes_pairs = True
    org.save(update_fields=["council_proposes_pairs"])
    return make_persona(org, Role.Kind.COUNCIL)


@pytest.fixture
def entries(mentor, mentee):
    mentor.person.experience_years = 20
    mentor.person.save()
    return ready_mentor(mentor.person, competencies=("methodical",), capacity=2), mentee_entry(
        mentee.person, status=MenteeEntry.Status.WAITING
    )


def url(name, org, *args):
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def propose(council, org, entries) -> PairProposal:
    mentor_entry, mentee_entry_ = entries
    response = council.client.post(
        url("council_proposal_new", org),
        {"mentor": mentor_entry.pk, "mentees": [mentee_entry_.pk], "reasons": "Тот же предмет, 20 лет стажа."},
    )
    assert response.status_code == 302
    return PairProposal.objects.get()


def test_the_council_proposes_and_the_curator_accepts(org, council, curator, entries):
    proposal = propose(council, org, entries)
    assert proposal.status == PairProposal.Status.OPEN and proposal.proposed_by == council.person
    response = curator.client.post(url("council_proposal_accept", org, proposal.pk))
    proposal.refresh_from_db()
    pair = Mentorship.objects.get()
    assert response["Location"] == url("mentorship_detail", org, pair.pk)
    assert proposal.status == PairProposal.Status.ACCEPTED and proposal.mentorship == pair
    assert pair.state == Mentorship.State.DRAFT and pair.mentor == entries[0].person
    assert pair.events.get().note.startswith("Предложено методическим советом")


def test_the_curator_declines_with_an_answer_and_an_empty_one_is_refused(org, council, curator, entries):
    proposal = propose(council, org, entries)
    curator.client.post(url("council_proposal_decline", org, proposal.pk), {"answer": "  "})
    proposal.refresh_from_db()
    assert proposal.status == PairProposal.Status.OPEN
    curator.client.post(url("council_proposal_decline", org, proposal.pk), {"answer": "Наставник уже ведёт группу."})
    proposal.refresh_from_db()
    assert proposal.status == PairProposal.Status.DECLINED and proposal.answer == "Наставник уже ведёт группу."
    page = council.client.get(url("council_proposals", org)).content.decode()
    assert "Наставник уже ведёт группу." in page
    assert not Mentorship.objects.exists()


def test_a_proposal_without_reasons_says_what_to_fix(org, council, entries):
    response = council.client.post(url("council_proposal_new", org), {"mentor": entries[0].pk, "mentees": []})
    page = response.content.decode()
    assert "Отметьте хотя бы одного наставляемого." in page and "Напишите, почему наставник подходит" in page
    assert not PairProposal.objects.exists()


def test_without_the_right_the_pages_do_not_exist(org, curator, entries):
    member = make_persona(org, Role.Kind.COUNCIL)
    assert member.client.get(url("council_proposals", org)).status_code == 404
    assert member.client.get(url("council_proposal_new", org)).status_code == 404
    assert curator.client.get(url("council_proposals", org)).status_code == 404


def test_others_are_refused(org, council, curator, mentor, outsider, entries):
    proposal = propose(council, org, entries)
    assert curator.client.get(url("council_proposal_new", org)).status_code == 404
    assert mentor.client.get(url("council_proposals", org)).status_code == 404
    assert council.client.post(url("council_proposal_accept", org, proposal.pk)).status_code == 404
    assert outsider.client.get(url("council_proposals", org)).status_code == 404
    assert outsider.client.post(url("council_proposal_accept", org, proposal.pk)).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == PairProposal.Status.OPEN


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_runs_a_constant_number_of_queries(org, council, entries, django_assert_num_queries, count):
    for _ in range(count):
        p = PairProposal.objects.create(organization=org, mentor=entries[0], reasons="Подходит", proposed_by=None)
        p.mentees.set([entries[1]])
    council.client.get(url("council_proposals", org))
    with django_assert_num_queries(8):
        council.client.get(url("council_proposals", org))
