"""The matching pages: who sees them, accepting the proposal, the curator's own choice, constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mentoring import matching as m
from mentoring.models import Mentorship, MentorshipEvent
from people.models import Consent, MenteeEntry, MentorEntry, Purpose, Role
from tests.people.bank_fixtures import (
    bulk_consents,
    give_consent,
    grow_mentee_bank,
    grow_mentor_bank,
    mentee_entry,
    mentor_entry,
    training,
)


def ready_mentor(person, **fields) -> MentorEntry:
    """A selected mentor with both consents and a training behind them."""
    entry = mentor_entry(person, status=MentorEntry.Status.SELECTED, **fields)
    give_consent(person, Purpose.DUTIES)
    training(person.organization, person)
    return entry


@pytest.fixture
def bank(org, persona, mentor, mentee):
    """Two waiting mentees and two selected mentors; a third mentor has no duties consent."""
    mentor.person.experience_years = 24
    mentor.person.save()
    mentee.person.experience_years = 1
    mentee.person.save()
    second = persona(org, Role.Kind.MENTEE, surname="Карпова", position="Учитель начальных классов", experience_years=2)
    teacher = persona(
        org, Role.Kind.MENTOR, surname="Морозова", position="Учитель начальных классов", experience_years=27
    )
    no_duties = persona(org, Role.Kind.MENTOR, surname="Гусева", position="Учитель физики", experience_years=15)
    entries = {
        "mentee": mentee_entry(mentee.person, directions=("methodical", "ict")),
        "second": mentee_entry(second.person, directions=("psychological",)),
        "mentor": ready_mentor(mentor.person, competencies=("methodical", "ict"), capacity=2),
        "teacher": ready_mentor(
            teacher.person, competencies=("psychological",), subjects="Начальные классы", capacity=1
        ),
        "no_duties": mentor_entry(no_duties.person, status=MentorEntry.Status.SELECTED, competencies=("methodical",)),
    }
    return entries


def url(name: str, org, *args) -> str:
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def drafts(org):
    return Mentorship.objects.for_org(org).prefetch_related("mentees")


# --- who sees what -----------------------------------------------------------------------------------------------


def test_curator_sees_the_proposal_with_scores_and_reasons(curator, bank):
    response = curator.client.get(url("matching", curator.org))
    assert response.status_code == 200
    proposal = response.context["proposal"]
    pairs = {g.mentor.entry_id: [e.entry_id for e, _ in g.members] for g in proposal.groups}
    assert pairs == {bank["mentor"].pk: [bank["mentee"].pk], bank["teacher"].pk: [bank["second"].pk]}
    html = response.content.decode()
    assert "Покрывает 2 из 2 запросов: методическое, ИКТ-компетентность и цифровизация образования" in html
    assert "Принять выбранные" in html
    assert f'value="{bank["mentor"].pk}:{bank["mentee"].pk}"' in html


@pytest.mark.parametrize("who", ["head", "council"])
def test_head_and_council_see_the_proposal_without_accepting(request, org, persona, bank, who):
    viewer = request.getfixturevalue("head") if who == "head" else persona(org, Role.Kind.COUNCIL)
    response = viewer.client.get(url("matching", org))
    assert response.status_code == 200
    assert "Принять выбранные" not in response.content.decode()
    pick = f"{bank['mentor'].pk}:{bank['mentee'].pk}"
    assert viewer.client.post(url("matching_accept", org), {"pick": pick}).status_code == 404
    assert not drafts(org).exists()


def test_mentor_mentee_and_outsider_get_404(org, mentor, mentee, outsider, bank):
    entry = bank["mentee"]
    for who in (mentor, mentee, outsider):
        assert who.client.get(url("matching", org)).status_code == 404
        assert who.client.get(url("mentee_matches", org, entry.pk)).status_code == 404
        assert who.client.post(url("match_choose", org, entry.pk), {"mentor": bank["mentor"].pk}).status_code == 404
    assert not drafts(org).exists()


def test_mentee_page_is_404_for_a_mentee_not_waiting(curator, bank):
    entry = bank["mentee"]
    entry.change_status(MenteeEntry.Status.LEFT, note="Уволилась.")
    assert curator.client.get(url("mentee_matches", curator.org, entry.pk)).status_code == 404


# --- accepting the proposal ----------------------------------------------------------------------------------------


def test_accepting_one_row_creates_one_draft_with_score_reasons_and_dates(curator, bank):
    pick = f"{bank['mentor'].pk}:{bank['mentee'].pk}"
    response = curator.client.post(url("matching_accept", curator.org), {"pick": pick})
    (pair,) = drafts(curator.org)
    try:
        expected = url("mentorship_detail", curator.org, pair.pk)
    except NoReverseMatch:
        expected = url("matching", curator.org)
    assert response.status_code == 302 and response.url == expected
    assert pair.state == Mentorship.State.DRAFT
    assert pair.mentor == bank["mentor"].person
    assert [p.pk for p in pair.mentees.all()] == [bank["mentee"].person_id]
    assert pair.form.code == "teacher-teacher"
    assert pair.created_by == curator.user
    start = m.first_of_next_month(timezone.localdate())
    assert (pair.planned_start, pair.planned_end) == (start, m.add_months(start, 9))
    assert pair.planned_start.day == 1 and pair.planned_start > timezone.localdate()
    assert pair.match_score > m.MIN_PROPOSAL_SCORE
    assert pair.match_reasons[0].startswith("Покрывает 2 из 2 запросов")
    assert [k.code for k in pair.kinds.all()] == ["traditional"]
    event = MentorshipEvent.objects.get(mentorship=pair)
    assert (event.to_state, event.actor) == (Mentorship.State.DRAFT, curator.user)
    # The mentor's place is taken and the mentee is no longer offered.
    proposal = curator.client.get(url("matching", curator.org)).context["proposal"]
    assert bank["mentee"].pk not in [e.entry_id for g in proposal.groups for e, _ in g.members]


def test_a_group_of_two_becomes_one_draft_of_kind_group(curator, bank):
    pick = f"{bank['mentor'].pk}:{bank['mentee'].pk}.{bank['second'].pk}"
    curator.client.post(url("matching_accept", curator.org), {"pick": pick})
    (pair,) = drafts(curator.org)
    assert pair.is_group and pair.mentees.count() == 2
    assert [k.code for k in pair.kinds.all()] == ["group"]
    assert len(pair.match_reasons) == 2


def test_accept_rechecks_consents_and_places_and_skips_what_no_longer_holds(curator, bank):
    picks = [f"{bank['mentor'].pk}:{bank['mentee'].pk}", f"{bank['teacher'].pk}:{bank['second'].pk}"]
    # Between showing the proposal and accepting it, the teacher withdrew the duties consent.
    Consent.objects.get(person=bank["teacher"].person, purpose=Purpose.DUTIES).withdraw(on=timezone.localdate())
    response = curator.client.post(url("matching_accept", curator.org), {"pick": picks}, follow=True)
    assert [p.mentor_id for p in drafts(curator.org)] == [bank["mentor"].person_id]
    text = [str(msg) for msg in response.context["messages"]]
    assert any("нет согласия на дополнительные обязанности наставника" in t for t in text), text


def test_accept_does_not_exceed_a_mentors_places_or_place_a_mentee_twice(curator, bank):
    teacher, mentor = bank["teacher"], bank["mentor"]
    picks = [f"{teacher.pk}:{bank['mentee'].pk}.{bank['second'].pk}", f"{mentor.pk}:{bank['mentee'].pk}"]
    response = curator.client.post(url("matching_accept", curator.org), {"pick": picks}, follow=True)
    (pair,) = drafts(curator.org)
    assert pair.mentor_id == teacher.person_id and pair.mentees.count() == 1  # the teacher has one place
    text = " ".join(str(msg) for msg in response.context["messages"])
    assert "нет свободных мест" in text
    assert "уже включён(а) в пару или группу" in text


def test_accept_with_nothing_ticked_or_forged_values_explains(curator, bank):
    response = curator.client.post(url("matching_accept", curator.org), {"pick": ["x", "1:2:3"]}, follow=True)
    assert "Отметьте хотя бы одну строку" in response.content.decode()
    assert not drafts(curator.org).exists()


def test_accept_ignores_entries_of_another_organisation(curator, outsider, bank, other_org):
    from tests.factories import PersonFactory

    stranger = ready_mentor(PersonFactory(organization=other_org))
    response = curator.client.post(url("matching_accept", curator.org), {"pick": f"{stranger.pk}:{bank['mentee'].pk}"})
    assert response.status_code == 302
    assert not Mentorship.objects.exists()


# --- one mentee: the ranked list and the curator's choice ----------------------------------------------------------


def test_mentee_page_ranks_mentors_and_explains_the_excluded(curator, bank):
    response = curator.client.get(url("mentee_matches", curator.org, bank["mentee"].pk))
    assert response.status_code == 200
    ranked = [x.mentor.entry_id for x in response.context["page"].object_list]
    assert ranked[0] == bank["mentor"].pk
    assert bank["no_duties"].pk not in ranked
    html = response.content.decode()
    assert "Почему нет других наставников?" in html
    assert "Нет согласия на дополнительные обязанности наставника" in html


def test_choose_creates_a_draft_even_for_a_low_score(curator, bank):
    # The teacher covers none of this mentee's requests: the proposal would not offer her, the curator may.
    response = curator.client.post(url("match_choose", curator.org, bank["mentee"].pk), {"mentor": bank["teacher"].pk})
    assert response.status_code == 302
    (pair,) = drafts(curator.org)
    assert pair.mentor_id == bank["teacher"].person_id
    assert pair.match_reasons[0].startswith("Не покрывает ни одного из запросов")


def test_manual_choice_of_a_mentor_without_consent_is_refused_with_the_reason(curator, bank):
    data = {"mentor": bank["no_duties"].pk, "manual": "1"}
    response = curator.client.post(url("match_choose", curator.org, bank["mentee"].pk), data, follow=True)
    assert not drafts(curator.org).exists()
    assert "Пара не создана" in response.content.decode()
    assert "нет согласия на дополнительные обязанности наставника" in response.content.decode()


def test_manual_choice_records_that_the_curator_chose(curator, bank):
    data = {"mentor": bank["mentor"].pk, "manual": "1"}
    curator.client.post(url("match_choose", curator.org, bank["second"].pk), data)
    (pair,) = drafts(curator.org)
    assert pair.match_reasons[0] == "Наставник выбран куратором."


def test_choice_for_a_mentee_already_in_a_draft_is_refused(curator, bank):
    chosen = url("match_choose", curator.org, bank["mentee"].pk)
    curator.client.post(chosen, {"mentor": bank["mentor"].pk})
    response = curator.client.post(chosen, {"mentor": bank["teacher"].pk}, follow=True)
    assert drafts(curator.org).count() == 1
    assert "уже включён(а) в пару или группу" in response.content.decode()


def test_manual_choice_without_a_mentor_shows_the_error_beside_the_field(curator, bank):
    response = curator.client.post(url("match_choose", curator.org, bank["mentee"].pk), {"mentor": "", "manual": "1"})
    assert response.status_code == 200
    assert 'id="id_mentor_error"' in response.content.decode()
    assert "Выберите наставника." in response.content.decode()


def test_earlier_pair_that_ended_early_lowers_the_score(curator, bank):
    mentor, mentee = bank["mentor"], bank["mentee"]
    before = m.explain(*_data(curator.org, mentee, mentor)).score
    earlier = Mentorship.objects.create(
        organization=curator.org,
        mentor=mentor.person,
        state=Mentorship.State.ENDED_EARLY,
        end_reason=Mentorship.EndReason.MENTEE,
        ended_on=date(2025, 5, 1),
    )
    earlier.mentees.add(mentee.person)
    e, t, history = _data(curator.org, mentee, mentor)
    assert m.explain(e, t, history).score == before - m.PENALTY_ENDED_EARLY


def _data(org, mentee, mentor):
    loaded = m.load_bank(org)
    e = next(x for x in loaded.mentees if x.entry_id == mentee.pk)
    t = next(x for x in loaded.mentors if x.entry_id == mentor.pk)
    return e, t, loaded.history


# --- queries ---------------------------------------------------------------------------------------------------


def queries_for(client, address: str) -> list[str]:
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def grow(org, mentees: int, mentors: int, start: int) -> None:
    grow_mentee_bank(org, mentees, start=start)
    entries = grow_mentor_bank(org, mentors, start=start + mentees)
    bulk_consents([e.person for e in entries], Purpose.DUTIES)


def test_proposal_and_mentee_pages_cost_the_same_queries_for_a_small_and_a_large_bank(curator, bank):
    org = curator.org
    proposal, ranked = url("matching", org), url("mentee_matches", org, bank["mentee"].pk)
    small = queries_for(curator.client, proposal), queries_for(curator.client, ranked)
    grow(org, 90, 40, start=100)
    large = queries_for(curator.client, proposal), queries_for(curator.client, ranked)
    assert curator.client.get(proposal).context["placed"] > 20
    assert len(large[0]) == len(small[0]), "\n".join(large[0])
    assert len(large[1]) == len(small[1]), "\n".join(large[1])
    assert len(large[0]) <= 14
