"""Pairs and groups: the curator's list, forming a pair by hand, its page and history, and its state changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship, MentorshipEvent
from people.models import MenteeEntry, MentoringForm, MentoringKind, Role
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair, programme, selected_mentor, with_duties
from tests.people.bank_fixtures import mentee_entry

pytestmark = pytest.mark.django_db
S = Mentorship.State


def url(name: str, org, *args) -> str:
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def teacher(org, surname: str, **fields):
    return PersonFactory(organization=org, surname=surname, **fields)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the list -------------------------------------------------------------------------------------------------


def test_curator_lists_pairs_with_state_programme_and_overdue_count(curator):
    org = curator.org
    active = make_pair(teacher(org, "Фролова"), teacher(org, "Смирнова"), state=S.ACTIVE)
    programme(active, overdue=2)
    make_pair(teacher(org, "Захарова"), teacher(org, "Никитина"))
    page = curator.client.get(url("pairs", org))
    assert page.status_code == 200
    rows = {m.mentor.surname: m for m in page.context["page"].object_list}
    assert rows["Фролова"].overdue_count == 2
    assert rows["Фролова"].programme_status == "draft"
    assert rows["Захарова"].programme_status == "none"
    assert "Включить" not in page.content.decode()  # actions live on the pair's page
    assert 'data-testid="overdue-count">2<' in page.content.decode()


def test_list_filters_by_state_overdue_form_kind_and_mentor(curator):
    org = curator.org
    late = make_pair(teacher(org, "Фролова"), teacher(org, "Смирнова"), state=S.ACTIVE)
    programme(late, overdue=1)
    on_time = make_pair(teacher(org, "Захарова"), teacher(org, "Никитина"), state=S.ACTIVE)
    programme(on_time)
    draft = make_pair(teacher(org, "Орлова"), teacher(org, "Волкова"))
    other_form = MentoringForm.objects.filter(organization=org).exclude(pk=draft.form_id).first()
    draft.form = other_form
    draft.save()
    kind = MentoringKind.objects.filter(organization=org).exclude(pk__in=late.kinds.all()).first()
    draft.kinds.set([kind])

    def mentors(query: str) -> set[str]:
        response = curator.client.get(url("pairs", org) + query)
        return {m.mentor.surname for m in response.context["page"].object_list}

    assert mentors("?state=draft") == {"Орлова"}
    assert mentors("?overdue=1") == {"Фролова"}
    assert mentors(f"?form={other_form.pk}") == {"Орлова"}
    assert mentors(f"?kind={kind.pk}") == {"Орлова"}
    assert mentors("?q=захар") == {"Захарова"}
    assert mentors("?state=nonsense") == {"Фролова", "Захарова", "Орлова"}


def test_waiting_mentees_are_listed_beside_the_pairs(curator):
    org = curator.org
    waiting = mentee_entry(teacher(org, "Лебедева"))
    supported = mentee_entry(teacher(org, "Григорьева"))
    supported.change_status(MenteeEntry.Status.SUPPORTED, support="Консультации старшего воспитателя")
    requested = mentee_entry(teacher(org, "Соколова"), status=MenteeEntry.Status.REQUESTED)
    response = curator.client.get(url("pairs", org))
    listed = {e.pk for e in response.context["waiting"]}
    assert listed == {waiting.pk, supported.pk}
    assert requested.pk not in listed
    assert reverse("mentoring:support", args=[org.slug, supported.pk]) in response.content.decode()


def test_head_and_council_see_the_list_but_mentors_and_outsiders_do_not(org, head, mentor, outsider, persona):
    council = persona(org, Role.Kind.COUNCIL)
    assert head.client.get(url("pairs", org)).status_code == 200
    assert council.client.get(url("pairs", org)).status_code == 200
    assert mentor.client.get(url("pairs", org)).status_code == 404
    assert outsider.client.get(url("pairs", org)).status_code == 404
    # Seeing is not forming.
    assert head.client.get(url("mentorship_create", org)).status_code == 404


# --- forming by hand ------------------------------------------------------------------------------------------


def form_data(org, mentor, *mentees, **extra) -> dict:
    today = timezone.localdate()
    return {
        "mentor": mentor.pk,
        "mentees": [p.pk for p in mentees],
        "form": MentoringForm.objects.filter(organization=org).first().pk,
        "kinds": [MentoringKind.objects.filter(organization=org).first().pk],
        "planned_start": (today + timedelta(days=10)).isoformat(),
        "planned_end": (today + timedelta(days=280)).isoformat(),
        **extra,
    }


def test_curator_forms_a_group_by_hand_as_a_draft_with_its_first_event(curator):
    org = curator.org
    mentor = teacher(org, "Фролова")
    selected_mentor(mentor, capacity=2)
    a, b = teacher(org, "Смирнова"), teacher(org, "Никитина")
    mentee_entry(a), mentee_entry(b)
    response = curator.client.post(url("mentorship_create", org), form_data(org, mentor, a, b))
    m = Mentorship.objects.get(mentor=mentor)
    assert response.status_code == 302 and response.url == url("mentorship_detail", org, m.pk)
    assert m.state == S.DRAFT and m.is_group and m.created_by == curator.user
    event = m.events.get()
    assert (event.to_state, event.actor) == (S.DRAFT, curator.user)


def test_mentor_without_free_places_or_mentee_not_waiting_is_refused_beside_the_field(curator):
    org = curator.org
    mentor = teacher(org, "Фролова")
    selected_mentor(mentor, capacity=1)
    a, b = teacher(org, "Смирнова"), teacher(org, "Никитина")
    mentee_entry(a), mentee_entry(b)
    response = curator.client.post(url("mentorship_create", org), form_data(org, mentor, a, b))
    assert response.status_code == 200
    assert "свободных мест: 1" in " ".join(response.context["form"].errors["mentees"])
    stranger = teacher(org, "Петрова")  # not in the bank of mentees
    response = curator.client.post(url("mentorship_create", org), form_data(org, mentor, stranger))
    assert "не ждёт наставника" in " ".join(response.context["form"].errors["mentees"])
    candidate = teacher(org, "Захарова")
    from tests.people.bank_fixtures import mentor_entry

    mentor_entry(candidate)  # a candidate, not selected
    response = curator.client.post(url("mentorship_create", org), form_data(org, candidate, a))
    assert "mentor" in response.context["form"].errors
    assert not Mentorship.objects.exists()


def test_mentee_already_in_a_draft_is_not_offered_again(curator):
    org = curator.org
    mentor = teacher(org, "Фролова")
    selected_mentor(mentor, capacity=3)
    busy, free = teacher(org, "Смирнова"), teacher(org, "Никитина")
    make_pair(teacher(org, "Захарова"), busy)
    mentee_entry(free)
    form = curator.client.get(url("mentorship_create", org)).context["form"]
    assert set(form.fields["mentees"].queryset) == {free}


def test_curator_edits_a_draft_and_cannot_edit_an_active_pair(curator):
    org = curator.org
    mentor = teacher(org, "Фролова")
    selected_mentor(mentor, capacity=1)
    first = teacher(org, "Смирнова")
    m = make_pair(mentor, first)
    other = teacher(org, "Никитина")
    mentee_entry(other)
    # The mentor's only place is taken by this very pair: swapping the mentee must still be possible.
    response = curator.client.post(url("mentorship_edit", org, m.pk), form_data(org, mentor, other))
    assert response.status_code == 302
    assert list(m.mentees.all()) == [other]
    active = make_pair(teacher(org, "Орлова"), teacher(org, "Волкова"), state=S.ACTIVE)
    response = curator.client.get(url("mentorship_edit", org, active.pk), follow=True)
    assert "только до утверждения" in " ".join(messages_of(response))


def test_only_a_draft_can_be_deleted_and_only_by_post(curator):
    org = curator.org
    draft = make_pair(teacher(org, "Фролова"), teacher(org, "Смирнова"))
    proposed = make_pair(teacher(org, "Орлова"), teacher(org, "Волкова"), state=S.PROPOSED)
    assert curator.client.get(url("mentorship_delete", org, draft.pk)).status_code == 405
    curator.client.post(url("mentorship_delete", org, proposed.pk))
    assert Mentorship.objects.filter(pk=proposed.pk).exists()
    response = curator.client.post(url("mentorship_delete", org, draft.pk))
    assert response.url == url("pairs", org)
    assert not Mentorship.objects.filter(pk=draft.pk).exists()


# --- the pair's page and its state changes ---------------------------------------------------------------------


def test_propose_without_duties_consent_names_who_lacks_it_and_links_to_their_consents(curator):
    org = curator.org
    mentee = teacher(org, "Смирнова")
    m = make_pair(teacher(org, "Фролова"), mentee, duties=False)
    with_duties(m.mentor)
    page = curator.client.get(url("mentorship_detail", org, m.pk))
    assert [p.pk for p in page.context["missing_duties"]] == [mentee.pk]
    assert reverse("people:person_consents", args=[org.slug, mentee.pk]) in page.content.decode()
    response = curator.client.post(url("mentorship_propose", org, m.pk), follow=True)
    m.refresh_from_db()
    assert m.state == S.DRAFT
    assert any("Смирнова" in text and "согласия" in text for text in messages_of(response))


def test_propose_and_withdraw_are_recorded_in_the_history_with_who_and_why(curator):
    org = curator.org
    m = make_pair(teacher(org, "Фролова"), teacher(org, "Смирнова"))
    curator.client.post(url("mentorship_propose", org, m.pk), {"note": "В приказ от 01.09"})
    m.refresh_from_db()
    assert m.state == S.PROPOSED
    curator.client.post(url("mentorship_withdraw", org, m.pk), {"note": "Наставляемая в отпуске"})
    m.refresh_from_db()
    assert m.state == S.DRAFT
    page = curator.client.get(url("mentorship_detail", org, m.pk))
    history = [(e.from_state, e.to_state, e.note, e.actor) for e in page.context["events"]]
    assert history == [
        (S.DRAFT, S.PROPOSED, "В приказ от 01.09", curator.user),
        (S.PROPOSED, S.DRAFT, "Наставляемая в отпуске", curator.user),
    ]
    assert "Наставляемая в отпуске" in page.content.decode()
    # No way to approve without the head's order.
    assert "Утвердить" not in page.content.decode()


def test_curator_completes_an_active_pair_and_the_mentee_finishes(curator):
    org = curator.org
    mentee = teacher(org, "Смирнова")
    m = make_pair(teacher(org, "Фролова"), mentee, state=S.ACTIVE)
    today = timezone.localdate()
    curator.client.post(url("mentorship_complete", org, m.pk), {"on": today.isoformat(), "note": "План выполнен"})
    m.refresh_from_db()
    assert (m.state, m.ended_on) == (S.COMPLETED, today)
    assert MenteeEntry.objects.get(person=mentee).status == MenteeEntry.Status.FINISHED


def test_ending_early_needs_a_reason_and_returns_the_mentee_to_waiting(curator):
    org = curator.org
    mentee = teacher(org, "Смирнова")
    m = make_pair(teacher(org, "Фролова"), mentee, state=S.ACTIVE)
    today = timezone.localdate().isoformat()
    response = curator.client.post(url("mentorship_end_early", org, m.pk), {"on": today})
    assert response.status_code == 200
    assert "Выберите основание" in " ".join(response.context["end_form"].errors["reason"])
    m.refresh_from_db()
    assert m.state == S.ACTIVE
    curator.client.post(url("mentorship_end_early", org, m.pk), {"on": today, "reason": Mentorship.EndReason.MENTEE})
    m.refresh_from_db()
    assert (m.state, m.end_reason) == (S.ENDED_EARLY, Mentorship.EndReason.MENTEE)
    assert MenteeEntry.objects.get(person=mentee).status == MenteeEntry.Status.WAITING


def test_future_completion_date_is_refused(curator):
    m = make_pair(teacher(curator.org, "Фролова"), teacher(curator.org, "Смирнова"), state=S.ACTIVE)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = curator.client.post(url("mentorship_complete", curator.org, m.pk), {"on": tomorrow})
    assert "позже сегодняшнего" in " ".join(response.context["complete_form"].errors["on"])


def test_a_wrong_transition_becomes_a_message_not_an_error(curator):
    m = make_pair(teacher(curator.org, "Фролова"), teacher(curator.org, "Смирнова"))
    response = curator.client.post(url("mentorship_withdraw", curator.org, m.pk), follow=True)
    assert response.status_code == 200
    assert any("Нельзя перевести" in text for text in messages_of(response))
    assert MentorshipEvent.objects.filter(mentorship=m).count() == 0


def test_participants_see_their_own_pair_only_and_cannot_change_it(org, mentor, mentee, curator):
    m = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    other = make_pair(teacher(org, "Орлова"), teacher(org, "Волкова"), state=S.ACTIVE)
    for persona in (mentor, mentee):
        page = persona.client.get(url("mentorship_detail", org, m.pk))
        assert page.status_code == 200
        assert not page.context["can_edit"]
        assert persona.client.get(url("mentorship_detail", org, other.pk)).status_code == 404
        assert persona.client.post(url("mentorship_complete", org, m.pk), {"on": "2026-01-01"}).status_code == 404


def test_outsider_cannot_reach_a_pair(org, outsider):
    m = make_pair(teacher(org, "Фролова"), teacher(org, "Смирнова"))
    assert outsider.client.get(url("mentorship_detail", org, m.pk)).status_code == 404
    assert outsider.client.get(url("mentorship_detail", outsider.org, m.pk)).status_code == 404
    assert outsider.client.post(url("mentorship_delete", outsider.org, m.pk)).status_code == 404
    assert Mentorship.objects.filter(pk=m.pk).exists()


# --- the demo -------------------------------------------------------------------------------------------------


def test_demo_has_pairs_in_every_state_with_programmes_and_a_second_run_changes_nothing():
    import io

    from django.core.management import call_command

    from mentoring.models import ChangeRequest, PlanActivity, ProgrammeRevision, SupportRecord

    call_command("seed_demo", stdout=io.StringIO())

    def snapshot() -> dict:
        return {
            "pairs": sorted(Mentorship.objects.values_list("pk", "state", "state_changed_at")),
            "events": MentorshipEvent.objects.count(),
            "rows": PlanActivity.objects.count(),
            "requests": ChangeRequest.objects.count(),
            "support": SupportRecord.objects.count(),
            "revisions": ProgrammeRevision.objects.count(),
        }

    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    for slug in ("ds-solnyshko", "school-7"):
        pairs = Mentorship.objects.filter(organization__slug=slug).with_overdue_count()
        assert set(pairs.values_list("state", flat=True)) == set(S.values), slug
        assert pairs.filter(state=S.DRAFT, programme__isnull=True).exists()
        assert pairs.filter(state=S.ACTIVE, overdue_count__gt=0).exists()
        assert ProgrammeRevision.objects.filter(
            programme__mentorship__organization__slug=slug, kind=ProgrammeRevision.Kind.EXTENSION
        ).exists()
        assert pairs.filter(state=S.ENDED_EARLY).exclude(end_reason="").exists()
        # Bank statuses follow the pairs: every mentee of an active pair is in a pair.
        for m in pairs.filter(state=S.ACTIVE):
            for person in m.mentees.all():
                assert MenteeEntry.objects.get(person=person).status == MenteeEntry.Status.IN_PAIR
    mentor = Mentorship.objects.with_overdue_count().get(
        mentor__user__username="mentor", mentees__user__username="mentee"
    )
    assert mentor.state == S.ACTIVE and mentor.overdue_count > 0
    school = Mentorship.objects.with_overdue_count().get(
        mentor__user__username="mentor2", mentees__user__username="mentee2"
    )
    assert school.state == S.ACTIVE and school.overdue_count > 0
    reverse_pair = Mentorship.objects.get(mentees__user__username="mentor2")
    assert reverse_pair.state == S.ACTIVE and reverse_pair.kinds.filter(code="reverse").exists()
