"""Benchmark of the whole-bank matching proposal: 1,000 waiting mentees and 300 mentors with 1–5 places each.

Not a test: it prints figures. The target (issue 4) is under 2 s for the whole-bank proposal.

    .venv/bin/python bench/matching.py                 # the solver alone, on data built in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/matching.py --db

The first part builds the bank as plain data and times `propose` (the score matrix, the optimal assignment,
the reasons of every proposed pair). With ``--db`` it also fills a throwaway database (``bench_matching`` next
to the configured one, or SQLite in memory) with the same bank and times the loader and the proposal page a
curator opens, with its query count.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from mentoring import matching as m  # noqa: E402

DIRECTIONS = [(k, f"Направление {k}") for k in range(1, 9)]
POSITIONS = [
    "Учитель математики",
    "Учитель начальных классов",
    "Воспитатель",
    "Учитель русского языка",
    "Педагог-психолог",
]
SUBJECTS = ["Математика, 5–9 классы", "Начальные классы", "Младшая группа", "Русский язык и литература", "Психология"]


def bank_in_memory(mentees: int, mentors: int, seed: int = 4) -> m.Bank:
    rng = random.Random(seed)
    waiting = [
        m.MenteeData(
            entry_id=i,
            person_id=i,
            short_name=f"Наставляемый {i}",
            position=rng.choice(POSITIONS),
            experience=rng.randint(0, 6),
            directions=tuple(sorted(rng.sample(DIRECTIONS, rng.randint(1, 3)))),
        )
        for i in range(1, mentees + 1)
    ]
    bank_mentors = []
    for j in range(1, mentors + 1):
        capacity = rng.randint(1, 5)
        bank_mentors.append(
            m.MentorData(
                entry_id=j,
                person_id=100_000 + j,
                short_name=f"Наставник {j}",
                position=rng.choice(POSITIONS),
                experience=rng.randint(3, 35),
                competencies=frozenset(pk for pk, _ in rng.sample(DIRECTIONS, rng.randint(1, 4))),
                subjects=rng.choice(SUBJECTS),
                status=rng.choice(["selected", "selected", "candidate"]),
                capacity=capacity,
                capacity_left=capacity - rng.choice([0, 0, 0, 1]),
                trained=rng.random() < 0.6,
                duties_consent=rng.random() < 0.95,
            )
        )
    history = {(rng.choice(bank_mentors).person_id, rng.choice(waiting).person_id): m.COMPLETED for _ in range(50)}
    return m.Bank(mentees=waiting, mentors=bank_mentors, history=history)


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def report(label: str, times: list[float]) -> None:
    print(f"  {label:<44} median {statistics.median(times):6.3f} s, best {min(times):6.3f} s ({len(times)} runs)")


def solver(args) -> None:
    bank = bank_in_memory(args.mentees, args.mentors)
    places = sum(t.capacity_left for t in bank.mentors if m.mentor_exclusion(t) is None)
    print(f"In memory: {len(bank.mentees)} waiting mentees, {len(bank.mentors)} mentors, {places} free places")
    times, _ = timed(lambda: m.score_matrix(bank.mentees, bank.mentors, bank.history, require_cover=True), args.repeat)
    report("score matrix", times)
    times, proposal = timed(lambda: m.propose(bank), args.repeat)
    report("whole-bank proposal (matrix, solver, reasons)", times)
    placed = sum(len(g.members) for g in proposal.groups)
    groups = sum(1 for g in proposal.groups if g.is_group)
    print(
        f"  placed {placed}, left without a mentor {len(proposal.unmatched)}, groups {groups}, "
        f"total score {proposal.total:.0f}"
    )
    verdict = "OK" if statistics.median(times) < 2 else "SLOWER THAN TARGET"
    print(f"  target under 2 s: {verdict}")


def database(args) -> None:
    setup_test_environment(debug=False)
    settings.AXES_ENABLED = False
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_matching"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        fill_and_time(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def fill_and_time(args) -> None:
    from django.test import Client
    from django.urls import reverse

    from people.models import Direction, MenteeCategory, MenteeEntry, MentorEntry, Purpose, Role, TrainingEvent
    from tests.factories import OrganizationFactory, PersonFactory
    from tests.people.bank_fixtures import bulk_consents, bulk_people

    rng = random.Random(4)
    org = OrganizationFactory(slug="bench-school", reference_lists=True)
    directions = list(Direction.objects.filter(organization=org))
    category = MenteeCategory.objects.filter(organization=org).first()
    start = time.perf_counter()
    people = bulk_people(org, args.mentees)
    bulk_consents(people)
    entries = MenteeEntry.objects.bulk_create(
        [MenteeEntry(organization=org, person=p, category=category, status=MenteeEntry.Status.WAITING) for p in people]
    )
    MenteeEntry.directions.through.objects.bulk_create(
        [
            MenteeEntry.directions.through(menteeentry_id=e.pk, direction_id=d.pk)
            for e in entries
            for d in rng.sample(directions, rng.randint(1, 3))
        ]
    )
    teachers = bulk_people(org, args.mentors, start=args.mentees)
    bulk_consents(teachers)
    bulk_consents(teachers, Purpose.DUTIES)
    mentors = MentorEntry.objects.bulk_create(
        [
            MentorEntry(
                organization=org,
                person=p,
                capacity=rng.randint(1, 5),
                status=rng.choice([MentorEntry.Status.SELECTED, MentorEntry.Status.CANDIDATE]),
                subjects=rng.choice(SUBJECTS),
            )
            for p in teachers
        ]
    )
    MentorEntry.competencies.through.objects.bulk_create(
        [
            MentorEntry.competencies.through(mentorentry_id=t.pk, direction_id=d.pk)
            for t in mentors
            for d in rng.sample(directions, rng.randint(1, 4))
        ]
    )
    event = TrainingEvent.objects.create(organization=org, date="2026-01-15", topic="Установочная сессия")
    event.attendees.add(*teachers[::2])
    print(f"\nDatabase ({connection.vendor}): filled in {time.perf_counter() - start:.1f} s")

    times, _ = timed(lambda: m.load_bank(org), args.repeat)
    report("loading the bank", times)
    with CaptureQueriesContext(connection) as captured:
        m.load_bank(org)
    print(f"  queries to load the bank: {len(captured.captured_queries)}")
    times, _ = timed(lambda: m.propose(m.load_bank(org)), args.repeat)
    report("loading and the whole-bank proposal", times)

    curator = PersonFactory(organization=org, roles=[Role.Kind.CURATOR], with_account=True)
    client = Client()
    client.force_login(curator.user)
    page = reverse("mentoring:matching", args=[org.slug])
    client.get(page)
    times, response = timed(lambda: client.get(page), args.repeat)
    if response.status_code != 200:
        raise SystemExit(f"the proposal page answered {response.status_code}")
    report("proposal page, first of its pages (HTTP)", times)
    with CaptureQueriesContext(connection) as captured:
        client.get(page)
    print(f"  queries of the page: {len(captured.captured_queries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=1000)
    parser.add_argument("--mentors", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", action="store_true", help="also fill a throwaway database and time the loader and page")
    args = parser.parse_args()
    solver(args)
    if args.db:
        database(args)


if __name__ == "__main__":
    main()
