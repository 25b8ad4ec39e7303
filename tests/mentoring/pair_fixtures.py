"""Builders for the pairs tests: pairs in a chosen state, programmes with overdue rows, many pairs in bulk."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from mentoring.models import Mentorship, PlanActivity, Programme, recount_places
from people.models import Consent, MentorEntry, MentoringForm, MentoringKind, Organization, Person, Purpose
from tests.factories import PersonFactory
from tests.people.bank_fixtures import bulk_consents, bulk_people, give_consent, mentee_entry, mentor_entry


def with_duties(*people: Person) -> None:
    for person in people:
        if not person.consents.filter(purpose=Purpose.DUTIES, withdrawn_on__isnull=True).exists():
            give_consent(person, Purpose.DUTIES)


def waiting_mentees(org: Organization, *surnames: str) -> list[Person]:
    """New staff in the bank of mentees, waiting for a mentor, each with the duties consent."""
    people = [PersonFactory(organization=org, surname=s) for s in surnames]
    for person in people:
        mentee_entry(person)
    with_duties(*people)
    return people


def pair_form(org: Organization, mentor: Person, *people: Person) -> dict:
    """The pair form's POST data: `mentor` with `people`, the organisation's first form and kind, planned dates."""
    today = timezone.localdate()
    return {
        "mentor": mentor.pk,
        "mentees": [p.pk for p in people],
        "form": MentoringForm.objects.filter(organization=org).first().pk,
        "kinds": [MentoringKind.objects.filter(organization=org).first().pk],
        "planned_start": (today + timedelta(days=10)).isoformat(),
        "planned_end": (today + timedelta(days=280)).isoformat(),
    }


def selected_mentor(person: Person, capacity: int = 2) -> MentorEntry:
    entry = mentor_entry(person, capacity=capacity)
    entry.change_status(MentorEntry.Status.SELECTED)
    return entry


def make_pair(mentor: Person, *mentees: Person, state: str = Mentorship.State.DRAFT, duties: bool = True) -> Mentorship:
    """A pair (group) of `mentor` with `mentees` moved through the model's own methods to `state`."""
    org = mentor.organization
    for person in mentees:
        if not person.mentee_entries.exists():
            mentee_entry(person)
    if duties:
        with_duties(mentor, *mentees)
    today = timezone.localdate()
    m = Mentorship.objects.create(
        organization=org,
        mentor=mentor,
        form=MentoringForm.objects.filter(organization=org).first(),
        planned_start=today,
        planned_end=today + timedelta(days=270),
    )
    m.mentees.set(mentees)
    recount_places(mentor_ids=[mentor.pk])
    m.kinds.set(MentoringKind.objects.filter(organization=org)[:2])
    if state == Mentorship.State.DRAFT:
        return m
    m.propose(by=None)
    if state == Mentorship.State.PROPOSED:
        return m
    m.activate(by=None, on=today - timedelta(days=60))
    if state == Mentorship.State.COMPLETED:
        m.complete(by=None, on=today)
    elif state == Mentorship.State.ENDED_EARLY:
        m.end_early(by=None, on=today, reason=Mentorship.EndReason.MUTUAL)
    return m


def programme(m: Mentorship, *, overdue: int = 0, this_week: int = 0, later: int = 1) -> Programme:
    today = timezone.localdate()
    p = Programme.objects.create(
        mentorship=m, title="Программа", start=today - timedelta(days=60), end=today + timedelta(days=200)
    )
    deadlines = (
        [today - timedelta(days=5 + n) for n in range(overdue)]
        + [today + timedelta(days=1 + n % 6) for n in range(this_week)]
        + [today + timedelta(days=30 + n) for n in range(later)]
    )
    PlanActivity.objects.bulk_create(
        [
            PlanActivity(programme=p, position=n, activity=f"Мероприятие № {n}", deadline=d)
            for n, d in enumerate(deadlines)
        ]
    )
    return p


def bulk_pairs(org: Organization, count: int, *, start: int = 1000, mentor: Person | None = None) -> list[Mentorship]:
    """`count` active pairs, each with a mentee, two kinds and a programme with one overdue row."""
    mentors = [mentor] * count if mentor else bulk_people(org, count, start=start)
    mentees = bulk_people(org, count, start=start + count)
    have = set(Consent.objects.filter(purpose=Purpose.DUTIES).values_list("person_id", flat=True))
    bulk_consents([p for p in {p.pk: p for p in [*mentors, *mentees]}.values() if p.pk not in have], Purpose.DUTIES)
    form = MentoringForm.objects.filter(organization=org).first()
    kinds = list(MentoringKind.objects.filter(organization=org)[:2])
    today = timezone.localdate()
    pairs = Mentorship.objects.bulk_create(
        [
            Mentorship(
                organization=org,
                mentor=mentors[n],
                form=form,
                state=Mentorship.State.ACTIVE,
                started_on=today - timedelta(days=30),
                planned_start=today - timedelta(days=30),
                planned_end=today + timedelta(days=240),
            )
            for n in range(count)
        ]
    )
    Mentorship.mentees.through.objects.bulk_create(
        [Mentorship.mentees.through(mentorship=m, person=mentees[n]) for n, m in enumerate(pairs)]
    )
    recount_places(mentor_ids={m.mentor_id for m in pairs})
    Mentorship.kinds.through.objects.bulk_create(
        [Mentorship.kinds.through(mentorship=m, mentoringkind=k) for m in pairs for k in kinds]
    )
    programmes = Programme.objects.bulk_create(
        [Programme(mentorship=m, start=today - timedelta(days=30), end=today + timedelta(days=240)) for m in pairs]
    )
    PlanActivity.objects.bulk_create(
        [
            row
            for p in programmes
            for row in (
                PlanActivity(programme=p, activity="Просрочено", deadline=today - timedelta(days=3)),
                PlanActivity(programme=p, activity="На неделе", deadline=today + timedelta(days=2)),
            )
        ]
    )
    return pairs


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
