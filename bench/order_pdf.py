"""Benchmark of the order document: an order fixing 60 pairs (a 60-row appendix) rendered to PDF.

Not a test: it prints figures. The target (issue 5) is under 1 s per document.

    .venv/bin/python bench/order_pdf.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/order_pdf.py --pairs 120

It works in a throwaway database made with the project's migrations and dropped at the end. It renders the
draft through roadmap.documents.order_pdf_bytes (the context with its queries, the template, WeasyPrint), and
the same order as approval renders it: with number, date, signer and the acknowledgement sheet of every
participant. The first rendering warms up fonts and templates and is reported apart.
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
from django.test.utils import setup_test_environment  # noqa: E402
from pypdf import PdfReader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment(debug=False)
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_order_pdf"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def timed(render, repeat: int) -> tuple[float, list[float], bytes]:
    started = time.perf_counter()
    pdf = render()
    warm_up = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - started)
    return warm_up, times, pdf


def run(args) -> None:
    from datetime import date

    from mentoring.models import Mentorship
    from people.models import Role
    from roadmap.documents import order_pdf_bytes
    from roadmap.drafting import draft_order
    from roadmap.models import Acknowledgement, OrderKind
    from tests.factories import OrganizationFactory, PersonFactory
    from tests.mentoring.pair_fixtures import bulk_pairs

    org = OrganizationFactory(slug="bench", reference_lists=True, city="г. Верхнеречинск")
    PersonFactory(organization=org, roles=[Role.Kind.HEAD], position="Директор")
    curator = PersonFactory(organization=org, roles=[Role.Kind.CURATOR], with_account=True)
    pairs = bulk_pairs(org, args.pairs)
    # bulk_pairs makes active pairs; an order fixes drafts.
    Mentorship.objects.filter(pk__in=[m.pk for m in pairs]).update(state=Mentorship.State.DRAFT, started_on=None)
    order = draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=pairs)

    for label, prepare in (("draft", None), ("approved", "approve")):
        if prepare:
            # What approval sets before it renders the document once (the stored status is not needed for it).
            order.year, order.number, order.reg_number, order.date = 2026, 15, "15-од", date(2026, 6, 5)
            order.signer_position, order.signer_name = "Директор", "А. П. Сорокина"
            people = {p.pk: p for m in pairs for p in m.participants()}
            Acknowledgement.objects.bulk_create([Acknowledgement(order=order, person=p) for p in people.values()])
        warm_up, times, pdf = timed(lambda: order_pdf_bytes(order), args.repeat)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"order PDF ({label}), {args.pairs}-row appendix: {pages} pages, {len(pdf) / 1024:.0f} KiB")
        print(f"  first rendering (fonts, templates): {warm_up:.3f} s")
        print(f"  next {args.repeat}: median {statistics.median(times):.3f} s, worst {max(times):.3f} s (target < 1 s)")


if __name__ == "__main__":
    main()
