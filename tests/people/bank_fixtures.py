"""Builders for the bank tests: consents, bank entries, training events, and large banks built in bulk."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from core.text import name_key
from people.models import (
    Consent,
    ConsentText,
    Direction,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Organization,
    Person,
    Purpose,
    TrainingEvent,
)
from tests.factories import NAMES, PATRONYMICS, POSITIONS, SURNAMES


def consent_text(org: Organization, purpose: str = Purpose.PERSONAL_DATA) -> ConsentText:
    text = ConsentText.objects.current(org, purpose)
    return text or ConsentText.revise(org, purpose, "Согласие", "Текст согласия для проверки.")


def give_consent(person: Person, purpose: str = Purpose.PERSONAL_DATA, on: date | None = None) -> Consent:
    return Consent.objects.create(
        organization=person.organization,
        person=person,
        purpose=purpose,
        text=consent_text(person.organization, purpose),
        given_on=on or timezone.localdate() - timedelta(days=30),
    )


def category(org: Organization, code: str = "young-specialist") -> MenteeCategory:
    return MenteeCategory.objects.get(organization=org, code=code)


def direction(org: Organization, code: str) -> Direction:
    return Direction.objects.get(organization=org, code=code)


def mentee_entry(person: Person, *, directions: tuple[str, ...] = ("methodical",), **fields) -> MenteeEntry:
    """An entry of the bank of mentees; gives the person the personal-data consent first if they lack it."""
    if not Consent.objects.active().filter(person=person, purpose=Purpose.PERSONAL_DATA).exists():
        give_consent(person)
    org = person.organization
    values = {
        "category": category(org, fields.pop("category_code", "young-specialist")),
        "difficulties": "Трудно выстроить работу с родителями.",
        **fields,
    }
    entry = MenteeEntry.objects.create(organization=org, person=person, **values)
    entry.directions.set([direction(org, code) for code in directions])
    return entry


def mentor_entry(person: Person, *, competencies: tuple[str, ...] = ("methodical",), **fields) -> MentorEntry:
    if not Consent.objects.active().filter(person=person, purpose=Purpose.PERSONAL_DATA).exists():
        give_consent(person)
    org = person.organization
    values = {"subjects": "Математика, 5–9 классы", "motivation": "Хочу помогать молодым коллегам.", **fields}
    entry = MentorEntry.objects.create(organization=org, person=person, **values)
    entry.competencies.set([direction(org, code) for code in competencies])
    return entry


def training(org: Organization, *attendees: Person, topic: str = "Установочная сессия") -> TrainingEvent:
    event = TrainingEvent.objects.create(organization=org, date=timezone.localdate(), topic=topic)
    event.attendees.set(attendees)
    return event


def bulk_people(org: Organization, count: int, *, start: int = 0) -> list[Person]:
    """Many staff members at once (name_key filled by hand: bulk_create skips Person.save)."""
    people = []
    for n in range(start, start + count):
        surname, name = SURNAMES[n % len(SURNAMES)], NAMES[n % len(NAMES)]
        patronymic = PATRONYMICS[n % len(PATRONYMICS)]
        person = Person(
            organization=org,
            surname=f"{surname}{n}",
            name=name,
            patronymic=patronymic,
            position=POSITIONS[n % len(POSITIONS)],
            experience_years=n % 30,
        )
        person.name_key = name_key(person.full_name)
        people.append(person)
    return Person.objects.bulk_create(people)


def bulk_consents(people: list[Person], purpose: str = Purpose.PERSONAL_DATA) -> None:
    if not people:
        return
    org = people[0].organization
    text = consent_text(org, purpose)
    given = timezone.localdate() - timedelta(days=30)
    Consent.objects.bulk_create(
        [Consent(organization=org, person=p, purpose=purpose, text=text, given_on=given) for p in people]
    )


def grow_mentee_bank(org: Organization, count: int, *, start: int = 0) -> list[MenteeEntry]:
    """`count` new staff with consents, each in the bank of mentees with two directions, in mixed statuses."""
    people = bulk_people(org, count, start=start)
    bulk_consents(people)
    categories = list(MenteeCategory.objects.filter(organization=org))
    directions = list(Direction.objects.filter(organization=org))
    statuses = [MenteeEntry.Status.WAITING, MenteeEntry.Status.REQUESTED, MenteeEntry.Status.SUPPORTED]
    entries = MenteeEntry.objects.bulk_create(
        [
            MenteeEntry(
                organization=org,
                person=p,
                category=categories[n % len(categories)],
                difficulties=f"Запрос № {n}",
                status=statuses[n % len(statuses)],
                support_given="Консультации" if statuses[n % len(statuses)] == MenteeEntry.Status.SUPPORTED else "",
                self_submitted=n % 3 == 1,
                collected_by=people[0],
            )
            for n, p in enumerate(people)
        ]
    )
    through = MenteeEntry.directions.through
    through.objects.bulk_create(
        [
            through(menteeentry_id=e.pk, direction_id=directions[(n + k) % len(directions)].pk)
            for n, e in enumerate(entries)
            for k in (0, 3)
        ]
    )
    return entries


def grow_mentor_bank(org: Organization, count: int, *, start: int = 0, trained_every: int = 2) -> list[MentorEntry]:
    """`count` new staff in the bank of mentors; every `trained_every`-th of them attended a training event."""
    people = bulk_people(org, count, start=start)
    bulk_consents(people)
    directions = list(Direction.objects.filter(organization=org))
    statuses = [MentorEntry.Status.SELECTED, MentorEntry.Status.CANDIDATE]
    entries = MentorEntry.objects.bulk_create(
        [
            MentorEntry(
                organization=org,
                person=p,
                capacity=1 + n % 10,
                status=statuses[n % len(statuses)],
                review=MentorEntry.Review.ON_REVIEW if n % 4 == 3 else MentorEntry.Review.ACCEPTED,
                subjects="Предмет",
            )
            for n, p in enumerate(people)
        ]
    )
    through = MentorEntry.competencies.through
    through.objects.bulk_create(
        [
            through(mentorentry_id=e.pk, direction_id=directions[(n + k) % len(directions)].pk)
            for n, e in enumerate(entries)
            for k in (0, 2)
        ]
    )
    event = TrainingEvent.objects.filter(organization=org).first() or training(org, topic="Семинар")
    event.attendees.add(*people[::trained_every])
    return entries
