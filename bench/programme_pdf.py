"""Benchmark of the programme document: a personalised programme with a 40-row plan rendered to PDF.

Not a test: it prints figures. The target (issue 4) is under 1 s per document.

    .venv/bin/python bench/programme_pdf.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/programme_pdf.py --rows 80

It works in a throwaway database made with the project's migrations and dropped at the end, and goes through
the page a mentor uses («Скачать PDF»): access check, the plan, the template, WeasyPrint. The first rendering
warms up fonts and templates and is reported apart.
"""

from __future__ import annotations

import argparse
import io
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment(debug=False)  # no query log, test client allowed
    settings.AXES_ENABLED = False
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_programme_pdf"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def run(args) -> None:
    from mentoring.models import Programme
    from people.models import Role
    from tests.factories import OrganizationFactory, PersonFactory
    from tests.mentoring.programme_fixtures import active_pair, programme_with_rows

    org = OrganizationFactory(slug="bench", reference_lists=True)
    mentor = PersonFactory(organization=org, roles=[Role.Kind.MENTOR], with_account=True)
    mentee = PersonFactory(organization=org, roles=[Role.Kind.MENTEE], with_account=True)
    programme: Programme = programme_with_rows(active_pair(mentor, mentee), rows=args.rows)
    client = Client()
    client.force_login(mentor.user)
    url = reverse("mentoring:programme_pdf", args=[org.slug, programme.mentorship.pk])

    started = time.perf_counter()
    first = client.get(url)
    warm_up = time.perf_counter() - started
    if first.status_code != 200:
        raise SystemExit(f"the PDF page answered {first.status_code}")
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    print(f"programme PDF, {args.rows} plan rows: {pages} pages, {len(response.content) / 1024:.0f} KiB")
    print(f"  first rendering (fonts, templates): {warm_up:.3f} s")
    print(f"  next {args.repeat}: median {statistics.median(times):.3f} s, worst {max(times):.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
