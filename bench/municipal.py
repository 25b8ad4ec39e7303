"""Benchmark of the municipal coordinator's report over 200 organisations, each with staff, pairs and a bank.

Not a test: it prints figures. The target (issue 7) is under 1 s at the server, with a constant number of queries
(tests/mentoring/test_municipal_report.py pins the constancy at 2 and 12 organisations).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/municipal.py

It fills a throwaway database (``bench_municipal`` next to the configured one, or SQLite in memory) with
bulk_create, then requests the report page, the comparison XLSX and the statistics XLSX through the whole Django
stack and prints the median, the 95th percentile and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--staff", type=int, default=30, help="staff per organisation")
    parser.add_argument("--pairs", type=int, default=8, help="pairs per organisation")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment(debug=False)
    settings.ALLOWED_HOSTS = ["*"]
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_municipal"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def build(args):
    """The municipality, its coordinator and `orgs` organisations filled in bulk."""
    from django.contrib.auth import get_user_model

    from config.setup import set_up_organization
    from mentoring.models import Mentorship, recount_places
    from people.models import MenteeCategory, MenteeEntry, MentoringForm, Municipality, Organization, Person, Role

    user = get_user_model().objects.create_user("coordinator")  # force_login below: no password needed
    municipality = Municipality.objects.create(slug="bench", name="Городской округ", coordinator=user)
    kinds = [Organization.Kind.SCHOOL, Organization.Kind.KINDERGARTEN]
    orgs = Organization.objects.bulk_create(
        Organization(
            slug=f"org-{n}",
            short_name=f"МБОУ «СОШ № {n}»" if n % 2 else f"МБДОУ «Детский сад № {n}»",
            full_name=f"Организация № {n}",
            kind=kinds[n % 2],
            municipal_unit=municipality,
        )
        for n in range(args.orgs)
    )
    for org in orgs:
        set_up_organization(org)
    people = Person.objects.bulk_create(
        Person(organization=org, surname=f"Работник{n}", name="Анна", position="Учитель", name_key=f"работник{n}")
        for org in orgs
        for n in range(args.staff)
    )
    by_org: dict[int, list] = {}
    for person in people:
        by_org.setdefault(person.organization_id, []).append(person)
    Role.objects.bulk_create(Role(person=staff[0], kind=Role.Kind.CURATOR) for staff in list(by_org.values())[::2])
    forms = {f.organization_id: f for f in MentoringForm.objects.filter(code="teacher-teacher")}
    categories = {c.organization_id: c for c in MenteeCategory.objects.filter(code="young-specialist")}
    today = date.today()
    pairs, mentees, entries = [], [], []
    for org in orgs:
        staff = by_org[org.pk]
        for n in range(args.pairs):
            mentor, mentee = staff[1 + 2 * n], staff[2 + 2 * n]
            pairs.append(
                Mentorship(
                    organization=org,
                    mentor=mentor,
                    form=forms.get(org.pk),
                    state=Mentorship.State.ACTIVE if n % 4 else Mentorship.State.COMPLETED,
                    started_on=today - timedelta(days=60),
                    ended_on=None if n % 4 else today - timedelta(days=5),
                    planned_start=today - timedelta(days=60),
                    planned_end=today + timedelta(days=200),
                )
            )
            mentees.append(mentee)
        for person in staff[2 + 2 * args.pairs : 6 + 2 * args.pairs]:
            entries.append(
                MenteeEntry(
                    organization=org,
                    person=person,
                    category=categories[org.pk],
                    request_date=today - timedelta(days=30),
                    difficulties="Запрос",
                )
            )
    pairs = Mentorship.objects.bulk_create(pairs)
    through = Mentorship.mentees.through
    through.objects.bulk_create(through(mentorship=m, person=p) for m, p in zip(pairs, mentees, strict=True))
    recount_places(mentor_ids={m.mentor_id for m in pairs})
    MenteeEntry.objects.bulk_create(entries)
    return user, municipality


def run(args) -> None:
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    user, municipality = build(args)
    print(
        f"{connection.vendor}: {args.orgs} organisations × {args.staff} staff, {args.pairs} pairs each "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    client = Client()
    client.force_login(user)
    pages = {
        "report": reverse("municipal_home", args=[municipality.slug]),
        "report sorted": reverse("municipal_home", args=[municipality.slug]) + "?sort=-mentees_with_mentor_share",
        "comparison xlsx": reverse("municipal_export", args=[municipality.slug, "xlsx"]),
        "statistics xlsx": reverse("municipal_statistics", args=[municipality.slug]),
    }
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
        times.sort()
        median = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
        print(f"{name:16} median {median:7.1f} ms, p95 {p95:7.1f} ms, queries {len(queries)}")


if __name__ == "__main__":
    main()
