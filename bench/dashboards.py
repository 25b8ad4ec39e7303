"""Benchmark of each role's home page for a large organisation: 300 staff, 100 pairs, 2,000 plan activities.

Not a test: it prints figures. The target (issue 6) is under 150 ms at the server, with a constant number of
queries (tests/test_dashboard_queries.py pins the constancy).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/dashboards.py

It fills a throwaway database (``bench_dashboards`` next to the configured one, or SQLite in memory) with
bulk_create, then requests each home 20 times through the whole Django stack and prints the median.
"""

from __future__ import annotations

import argparse
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment(debug=False)
    settings.ALLOWED_HOSTS = ["*"]
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_dashboards"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def run(args) -> None:
    from django.test import Client
    from django.urls import reverse

    from people.models import Person, Role
    from tests.config.test_dashboard_queries import grow
    from tests.factories import OrganizationFactory, PersonFactory

    org = OrganizationFactory(slug="bench", reference_lists=True)
    kinds = [Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.MENTOR, Role.Kind.MENTEE]
    actors = {kind: PersonFactory(organization=org, roles=[kind], with_account=True) for kind in kinds}
    started = time.perf_counter()
    # The pairs bring their own mentors and mentees (2 per pair); plain staff make up the rest.
    grow(
        org,
        staff=max(args.staff - 2 * args.pairs - len(kinds), 1),
        pairs=args.pairs - 1,
        activities=args.activities - 2 * args.pairs,
        roadmap_rows=60,
        start=1,
        mentor=actors[Role.Kind.MENTOR],
        mentee=actors[Role.Kind.MENTEE],
    )
    from mentoring.models import Mentorship, PlanActivity

    print(
        f"{connection.vendor}: staff {Person.objects.filter(organization=org).count()}, "
        f"pairs {Mentorship.objects.filter(organization=org).count()}, "
        f"plan activities {PlanActivity.objects.filter(programme__mentorship__organization=org).count()} "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    for kind, person in actors.items():
        client = Client()
        client.force_login(person.user)
        url = reverse("role_home", args=[org.slug, kind])
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not open")
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(f"{kind:8} median {median:6.1f} ms, max {worst:6.1f} ms, queries {len(queries)}")


if __name__ == "__main__":
    main()
