"""The rules of pairing hold when requests race (PostgreSQL): a mentee in one pair at a time, a mentor within capacity.

Two curators submit the pair form at the same moment, or a head approves two orders at once: each thread has its
own database connection and its own transaction, as concurrent requests would. The form reads its choices without a
lock, so each request is held inside its transaction for a moment after it has written (`slow`): without the row
locks both would check before either commits and both would pass. SQLite locks the whole database instead of rows,
so these races only mean something on PostgreSQL, which CI runs.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from mentoring import forms as mentoring_forms
from mentoring import matching
from mentoring.models import Mentorship, recount_places
from people.models import MenteeEntry, MentorEntry, Role
from roadmap import documents, services
from roadmap.models import Order, OrderKind
from tests.concurrency import race
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair, pair_form, selected_mentor, with_duties
from tests.mentoring.pair_fixtures import waiting_mentees as mentees
from tests.roadmap.approval_fixtures import make_order

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks (SELECT … FOR UPDATE) are tested on PostgreSQL only: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine("2026-12-03 10:00 +03:00"),
]
S = Mentorship.State
HOLD = 0.4  # seconds a request stays inside its transaction after writing


@pytest.fixture
def slow(monkeypatch):
    """Hold each pair form inside its transaction after it has written the pair, as a slow request would."""
    real = mentoring_forms.recount_places

    def recount(**kwargs) -> None:
        time.sleep(HOLD)
        real(**kwargs)

    monkeypatch.setattr(mentoring_forms, "recount_places", recount)


def client_of(persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def mentor_with(org, surname: str, capacity: int):
    person = PersonFactory(organization=org, surname=surname)
    selected_mentor(person, capacity=capacity)
    with_duties(person)
    return person


def post(client: Client, org, data: dict):
    url = reverse("mentoring:mentorship_create", args=[org.slug])
    return lambda: client.post(url, data)


def held_by(mentee) -> int:
    return Mentorship.objects.current().filter(mentees=mentee).count()


def test_two_curators_pairing_one_mentee_at_once_make_one_pair(org, curator, persona, slow):
    other_curator = persona(org, Role.Kind.CURATOR)
    first, second = mentor_with(org, "Фролова", 2), mentor_with(org, "Зуева", 2)
    [mentee] = mentees(org, "Смирнова")

    responses, errors = race(
        [
            post(client_of(curator), org, pair_form(org, first, mentee)),
            post(client_of(other_curator), org, pair_form(org, second, mentee)),
        ]
    )

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert held_by(mentee) == 1
    [refused] = [r for r in responses if r.status_code == 200]
    page = refused.content.decode()
    assert f"Наставляемый {mentee.short_name} уже включён в другую пару (группу) наставника" in page
    # The places of both mentors are true: one holds the mentee, the other nothing.
    taken = sorted(MentorEntry.objects.filter(person__in=[first, second]).values_list("places_taken", flat=True))
    assert taken == [0, 1]


def test_two_curators_filling_a_mentors_last_places_at_once_stay_within_capacity(org, curator, persona, slow):
    other_curator = persona(org, Role.Kind.CURATOR)
    mentor = mentor_with(org, "Фролова", 2)
    a, b, c = mentees(org, "Смирнова", "Никитина", "Орлова")

    responses, errors = race(
        [
            post(client_of(curator), org, pair_form(org, mentor, a)),
            post(client_of(other_curator), org, pair_form(org, mentor, b, c)),
        ]
    )

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 302]
    held = Mentorship.mentees.through.objects.filter(mentorship__mentor=mentor).count()
    assert held <= 2
    assert MentorEntry.objects.get(person=mentor).places_taken == held
    [refused] = [r for r in responses if r.status_code == 200]
    assert f"У наставника {mentor.short_name} уже" in refused.content.decode()
    assert "при допустимых 2" in refused.content.decode()


def test_the_pair_form_and_the_matching_at_once_pair_a_mentee_once(org, curator, slow):
    mentor, other = mentor_with(org, "Фролова", 2), mentor_with(org, "Зуева", 2)
    [mentee] = mentees(org, "Смирнова")
    mentor_entry = MentorEntry.objects.get(person=other)
    entry = MenteeEntry.objects.get(person=mentee)

    def accept():
        return matching.accept(org, [(mentor_entry.pk, [entry.pk])], by=curator.user)

    results, errors = race([post(client_of(curator), org, pair_form(org, mentor, mentee)), accept])

    assert errors == []
    assert held_by(mentee) == 1
    [response] = [r for r in results if not isinstance(r, matching.Accepted)]
    [accepted] = [r for r in results if isinstance(r, matching.Accepted)]
    # Whichever came second was refused with the reason.
    assert (response.status_code, len(accepted.created)) in ((302, 0), (200, 1))
    if accepted.created:
        # Refused either by the form's own check (the mentee no longer waits) or, when that check ran before the
        # matching committed, by the re-check under the lock: both say the mentee is in another pair.
        html = response.content.decode()
        said = [line.strip() for line in html.splitlines() if "alert" in line or "invalid-feedback" in line]
        assert "уже включён в другую пару" in html, said  # on failure: what the page said instead
    else:
        assert accepted.skipped == [f"{mentee.short_name} уже включён(а) в пару или группу."]


@pytest.fixture
def quick_pdf(monkeypatch, settings, tmp_path):
    """The pairs are under test here, not the document: a PDF-like stand-in that takes a while to "render".

    The pause holds every approval inside its transaction after it has activated its pairs, as a real rendering
    does, so without the row locks both approvals would check before either commits.
    """
    settings.MEDIA_ROOT = tmp_path / "media"

    def render(order: Order, content: dict | None = None) -> bytes:
        time.sleep(HOLD)
        return f"%PDF-1.7 {order.reg_number}".encode()

    monkeypatch.setattr(documents, "order_pdf_bytes", render)


def approval(order: Order, user):
    return lambda: services.approve_order(Order.objects.get(pk=order.pk), by=user).number


def slipped_through(org, mentor, *people) -> Mentorship:
    """A proposed pair built directly, past the form's checks: what a race or an old bug could have left."""
    with_duties(mentor, *people)
    m = make_pair(mentor, *people, state=S.DRAFT)
    Mentorship.objects.filter(pk=m.pk).update(state=S.PROPOSED)
    m.refresh_from_db()
    return m


def test_two_orders_naming_one_mentee_approved_at_once_activate_one_pair(org, head, quick_pdf):
    """Approvals of one organisation also queue on its locked order counter; the second must still re-check."""
    [mentee] = mentees(org, "Смирнова")
    first = slipped_through(org, PersonFactory(organization=org, surname="Фролова"), mentee)
    second = slipped_through(org, PersonFactory(organization=org, surname="Зуева"), mentee)
    orders = [make_order(org, OrderKind.PAIRS, mentorships=[m]) for m in (first, second)]

    numbers, errors = race([approval(order, head.user) for order in orders])

    assert numbers == [1]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert f"Наставляемый {mentee.short_name} уже состоит в действующей паре (группе)" in errors[0].messages[0]
    assert Mentorship.objects.filter(mentees=mentee, state=S.ACTIVE).count() == 1
    assert sorted(Order.objects.values_list("status", flat=True)) == ["approved", "submitted"]


def test_approval_refuses_a_mentee_already_in_an_active_pair_and_changes_nothing(org, head):
    """No race needed: a state that slipped past the form is refused when the order would make it binding."""
    [mentee] = mentees(org, "Смирнова")
    first = slipped_through(org, PersonFactory(organization=org, surname="Фролова"), mentee)
    second = slipped_through(org, PersonFactory(organization=org, surname="Зуева"), mentee)
    order = make_order(org, OrderKind.PAIRS, mentorships=[first, second])

    url = reverse("roadmap:order_approve", args=[org.slug, order.pk])
    response = head.client.post(url, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Наставляемый {mentee.short_name} уже состоит в действующей паре (группе) наставника" in page
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.number is None
    assert set(Mentorship.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {S.PROPOSED}
    assert MenteeEntry.objects.get(person=mentee).status == MenteeEntry.Status.WAITING


def test_approval_refuses_pairs_beyond_the_mentors_capacity(org, head):
    mentor = mentor_with(org, "Фролова", 2)
    a, b, c = mentees(org, "Смирнова", "Никитина", "Орлова")
    pairs = [slipped_through(org, mentor, a, b), slipped_through(org, mentor, c)]
    recount_places(mentor_ids=[mentor.pk])
    order = make_order(org, OrderKind.PAIRS, mentorships=pairs)

    with pytest.raises(ValidationError) as refused:
        services.approve_order(order, by=head.user)

    assert refused.value.messages == [
        f"У наставника {mentor.short_name} уже 2 наставляемых при допустимых 2, а в паре (группе) № {pairs[1].pk} "
        "ещё 1.",
        "Приказ не утверждён: верните его на доработку, чтобы куратор исправил состав пар.",
    ]
    assert not Mentorship.objects.filter(state=S.ACTIVE).exists()
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
