"""Choosing each other: the mentee's preference weighs in matching, a pair is confirmed by both people (or
declined with the reason) before an order, the organisation may skip it; who may see and do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring import choosing
from mentoring import matching as mm
from mentoring.models import Mentorship, PairConsent
from people.models import MenteeEntry, MentorEntry, Notice, Purpose, Role
from roadmap.drafting import draft_order
from roadmap.models import OrderKind
from tests.mentoring.pair_fixtures import make_pair, pair_form, waiting_mentees
from tests.people.bank_fixtures import (
    bulk_consents,
    give_consent,
    grow_mentor_bank,
    mentee_entry,
    mentor_entry,
    training,
)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)]


def twin(entry_id: int, person_id: int, name: str) -> mm.MentorData:
    return mm.MentorData(
        entry_id=entry_id,
        person_id=person_id,
        short_name=name,
        position="Учитель физики",
        experience=20,
        competencies=frozenset({1}),
        capacity=2,
        capacity_left=2,
        trained=True,
    )


def test_preferred_mentor_ranks_higher_all_else_equal():
    # Two mentors equal in every respect; «Аксёнова» sorts first by name, so without a preference she leads.
    first, second = twin(1, 101, "Аксёнова А. А."), twin(2, 102, "Яковлева Я. Я.")
    mentee = mm.MenteeData(entry_id=9, person_id=900, short_name="Смирнова Д. А.", experience=1, directions=((1, "М"),))
    bank = mm.Bank(mentees=[mentee], mentors=[first, second], history={})
    assert [x.mentor.person_id for x in mm.rank(mentee, bank)[0]] == [101, 102]

    chosen = mm.MenteeData(**{**mentee.__dict__, "preferred_mentor_id": 102})
    ranked = mm.rank(chosen, mm.Bank(mentees=[chosen], mentors=[first, second], history={}))[0]
    assert [x.mentor.person_id for x in ranked] == [102, 101]
    assert ranked[0].score - ranked[1].score == mm.W_PREFERENCE
    assert any("выбрал" in r for r in ranked[0].reasons)
    # The whole-bank arithmetic agrees with the one-pair explanation, and the solver gives the preferred mentor.
    scores = mm.score_matrix([chosen], [first, second])
    assert list(scores[0]) == [ranked[1].score, ranked[0].score]
    assert mm.assign(scores, [1, 1]) == [1]


def test_a_preference_decides_between_two_mentors_who_both_reach_the_cap():
    # Both mentors fit in every respect (the same position as the mentee's, the request covered, selected,
    # trained, far more experienced, room to spare): each scores the cap, so the preference lies beyond it.
    first, second = twin(1, 101, "Аксёнова А. А."), twin(2, 102, "Яковлева Я. Я.")
    mentee = mm.MenteeData(
        entry_id=9, person_id=900, short_name="Смирнова Д. А.", experience=1, directions=((1, "М"),),
        position="Учитель физики", preferred_mentor_id=102,
    )  # fmt: skip
    ranked = mm.rank(mentee, mm.Bank(mentees=[mentee], mentors=[first, second], history={}))[0]
    assert [m.score for m in ranked] == [mm.MAX_SCORE, mm.MAX_SCORE]  # the shown scores stay within the cap
    assert [m.mentor.person_id for m in ranked] == [102, 101] and ranked[0].beyond == mm.W_PREFERENCE
    # The whole bank: the solver gives the preferred mentor, though the shown matrix is equal.
    assert list(mm.score_matrix([mentee], [first, second])[0]) == [mm.MAX_SCORE, mm.MAX_SCORE]
    proposal = mm.propose(mm.Bank(mentees=[mentee], mentors=[first, second], history={}))
    assert [g.mentor.person_id for g in proposal.groups] == [102]
    assert proposal.groups[0].members[0][1].score == mm.MAX_SCORE  # shown as 100, not 100.01
    # Without the preference the first by name leads: the tie-break is the preference, nothing else.
    plain = mm.MenteeData(**{**mentee.__dict__, "preferred_mentor_id": None})
    assert [g.mentor.person_id for g in mm.propose(mm.Bank([plain], [first, second], {})).groups] == [101]


def test_preference_is_read_from_the_bank_and_weighed_in_the_proposal(org, persona):
    # The mentee's position is fixed: from the factory's sequence it sometimes matched the mentors' profile, both
    # mentors then reached the score's cap (MAX_SCORE) and the preference was lost in the clip (see the note).
    mentee = persona(org, Role.Kind.MENTEE, surname="Смирнова", experience_years=1, position="Воспитатель")
    entry = mentee_entry(mentee.person, directions=("methodical",))
    give_consent(mentee.person, Purpose.DUTIES)
    mentors = []
    for surname in ("Аксёнова", "Яковлева"):
        p = persona(org, Role.Kind.MENTOR, surname=surname, position="Учитель физики", experience_years=20)
        mentor_entry(p.person, status=MentorEntry.Status.SELECTED, competencies=("methodical",), capacity=2)
        give_consent(p.person, Purpose.DUTIES)
        training(org, p.person)
        mentors.append(p.person)
    proposal = mm.propose(mm.load_bank(org))
    assert proposal.groups[0].mentor.person_id == mentors[0].pk

    cards = choosing.offered_mentors(entry)
    assert [c.person.pk for c in cards] == [mentors[0].pk, mentors[1].pk]
    choosing.prefer(entry, mentors[1], offered=cards)
    entry.refresh_from_db()
    assert entry.preferred_mentor == mentors[1] and entry.preferred_at is not None
    assert mm.propose(mm.load_bank(org)).groups[0].mentor.person_id == mentors[1].pk


def test_only_an_offered_mentor_can_be_preferred(org, persona, mentee):
    entry = mentee_entry(mentee.person)
    stranger = persona(org, Role.Kind.MENTOR, surname="Чужая").person
    with pytest.raises(ValidationError, match="одного из предложенных"):
        choosing.prefer(entry, stranger, offered=[])


@pytest.fixture
def consenting(org):
    org.pairs_need_consent = True
    org.save(update_fields=["pairs_need_consent"])
    return org


def test_both_confirm_before_the_pair_can_be_proposed(consenting, mentor, mentee, curator):
    m = make_pair(mentor.person, mentee.person)
    assert m.consent == Mentorship.Consent.PENDING and m.awaits_consent
    with pytest.raises(ValidationError, match="ещё не подтвердили"):
        m.propose(by=curator.user)

    choosing.confirm(m, mentor.person)
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.PENDING
    assert not Notice.objects.filter(person=curator.person).exists()
    choosing.confirm(m, mentee.person)
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.CONFIRMED and not m.awaits_consent
    assert Notice.objects.filter(person=curator.person, text__contains="подтверждена").exists()
    m.propose(by=curator.user)
    assert m.state == Mentorship.State.PROPOSED


def test_a_refusal_needs_a_reason_and_declines_the_pair(consenting, mentor, mentee, curator):
    m = make_pair(mentor.person, mentee.person)
    choosing.confirm(m, mentor.person)
    with pytest.raises(ValidationError, match="причину"):
        choosing.decline(m, mentee.person, "   ")
    choosing.decline(m, mentee.person, "Хочу наставника из своего методобъединения.")
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.DECLINED
    answer = PairConsent.objects.get(mentorship=m, person=mentee.person)
    assert answer.reason == "Хочу наставника из своего методобъединения."
    assert Notice.objects.filter(person=curator.person, body__contains="методобъединения").exists()
    with pytest.raises(ValidationError, match="отклонил"):
        draft_order(consenting, OrderKind.PAIRS, by=curator.user, mentorships=[m])
    m.refresh_from_db()
    assert m.state == Mentorship.State.DRAFT


def test_an_outsider_of_the_pair_cannot_answer_for_it(consenting, mentor, mentee, persona):
    m = make_pair(mentor.person, mentee.person)
    with pytest.raises(ValidationError, match="участники"):
        choosing.confirm(m, persona(consenting, Role.Kind.MENTEE, surname="Другая").person)


def test_organisation_that_skips_consent_orders_pairs_at_once(org, mentor, mentee, curator):
    assert org.pairs_need_consent is False  # the factory's default: tests of other parts form pairs directly
    m = make_pair(mentor.person, mentee.person)
    assert m.consent == Mentorship.Consent.PENDING and not m.awaits_consent
    order = draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=[m])
    assert list(order.mentorships.all()) == [m]


def test_order_from_pairs_refuses_unconfirmed_with_a_message(consenting, mentor, mentee, curator):
    m = make_pair(mentor.person, mentee.person)
    response = curator.client.post(
        reverse("roadmap:order_from_pairs", args=[consenting.slug]), {"mentorships": [m.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "ещё не подтвердили наставник и наставляемый" in response.content.decode()
    m.refresh_from_db()
    assert m.state == Mentorship.State.DRAFT


# --- views ---


def url(name: str, org, *args) -> str:
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def test_participants_confirm_and_decline_on_the_pair_page(consenting, mentor, mentee, curator):
    m = make_pair(mentor.person, mentee.person)
    page = mentee.client.get(url("mentorship_detail", consenting, m.pk)).content.decode()
    assert 'data-testid="confirm-pair"' in page and "Ждёт подтверждения участников" in page
    assert 'data-testid="sides"' in page
    assert curator.client.get(url("mentorship_detail", consenting, m.pk)).content.decode().count("confirm-pair") == 0

    assert mentor.client.post(url("pair_confirm", consenting, m.pk)).status_code == 302
    response = mentee.client.post(url("pair_decline", consenting, m.pk), {"reason": ""})
    assert response.status_code == 200
    assert "Укажите причину отказа" in response.content.decode()
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.PENDING

    mentee.client.post(url("pair_decline", consenting, m.pk), {"reason": "Разные смены."})
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.DECLINED
    page = curator.client.get(url("mentorship_detail", consenting, m.pk)).content.decode()
    assert "Разные смены." in page and 'data-testid="awaits-consent"' in page
    assert 'data-testid="order-from-pair"' not in page
    listing = curator.client.get(url("pairs", consenting)).content.decode()
    assert "отклонена участником" in listing


def test_those_outside_the_pair_get_404(consenting, mentor, mentee, curator, persona, other_org):
    m = make_pair(mentor.person, mentee.person)
    outsider = persona(other_org, Role.Kind.MENTEE, surname="Посторонняя")
    stranger = persona(consenting, Role.Kind.MENTEE, surname="Непричастная")
    for who in (outsider, stranger, curator):
        assert who.client.post(url("pair_confirm", consenting, m.pk)).status_code == 404
        assert who.client.post(url("pair_decline", consenting, m.pk), {"reason": "x"}).status_code == 404
    assert not PairConsent.objects.exists()


def test_mentee_sees_offered_mentors_and_prefers_one(org, persona, mentee, curator, other_org):
    entry = mentee_entry(mentee.person, directions=("methodical",))
    people = []
    for surname in ("Аксёнова", "Белова", "Васильева", "Громова"):
        p = persona(org, Role.Kind.MENTOR, surname=surname, position="Учитель физики", experience_years=20)
        mentor_entry(
            p.person,
            status=MentorEntry.Status.SELECTED,
            competencies=("methodical",),
            motivation=f"Предлагаю {surname}",
        )
        give_consent(p.person, Purpose.DUTIES)
        people.append(p.person)
    response = mentee.client.get(url("choose_mentor", org))
    cards = response.context["cards"]
    assert len(cards) == choosing.OFFERED_MENTORS
    assert "Предлагаю Аксёнова" in response.content.decode()

    response = mentee.client.post(url("choose_mentor", org), {"mentor": "abc"})
    assert response.status_code == 400 and "Выберите одного из предложенных" in response.content.decode()
    mentee.client.post(url("choose_mentor", org), {"mentor": cards[1].person.pk})
    entry.refresh_from_db()
    assert entry.preferred_mentor_id == cards[1].person.pk

    assert curator.client.get(url("choose_mentor", org)).status_code == 404
    assert persona(other_org, Role.Kind.MENTEE).client.get(url("choose_mentor", org)).status_code == 404


def test_mentee_without_a_waiting_request_sees_what_to_do(org, mentee):
    page = mentee.client.get(url("choose_mentor", org)).content.decode()
    assert "профессиональный запрос" in page


def test_choose_page_queries_do_not_grow_with_the_bank(org, mentee):
    mentee_entry(mentee.person, directions=("methodical",))

    def grow(count: int, start: int) -> None:
        entries = grow_mentor_bank(org, count, start=start)
        bulk_consents([e.person for e in entries], Purpose.DUTIES)
        MentorEntry.objects.filter(organization=org).update(status=MentorEntry.Status.SELECTED)

    def count() -> int:
        mentee.client.get(url("choose_mentor", org))
        with CaptureQueriesContext(connection) as captured:
            response = mentee.client.get(url("choose_mentor", org))
        assert response.status_code == 200 and len(response.context["cards"]) == choosing.OFFERED_MENTORS
        return len(captured)

    grow(4, 0)
    small = count()
    grow(80, 500)
    assert count() == small <= 16
    assert MenteeEntry.objects.filter(person=mentee.person).exists()


def test_changing_the_people_asks_again_keeping_the_rest(consenting, mentor, mentee, curator):
    m = make_pair(mentor.person, mentee.person)
    choosing.confirm(m, mentor.person)
    choosing.confirm(m, mentee.person)
    other = waiting_mentees(consenting, "Новикова")[0]
    data = pair_form(consenting, mentor.person, other)
    assert curator.client.post(url("mentorship_edit", consenting, m.pk), data).status_code == 302
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.PENDING
    assert set(PairConsent.objects.filter(mentorship=m).values_list("person_id", flat=True)) == {mentor.person.pk}
    assert Notice.objects.filter(person=other, text__contains="подтвердите участие").exists()
    # Saving again without changing the people keeps the answers as they are.
    choosing.confirm(m, other)
    curator.client.post(url("mentorship_edit", consenting, m.pk), data)
    m.refresh_from_db()
    assert m.consent == Mentorship.Consent.CONFIRMED
