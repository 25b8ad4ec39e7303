"""Benchmark of approving an order that fixes 60 pairs (a 60-row appendix): approval and the order's PDF.

Not a test: it prints figures. The targets (issue 5) are under 2 s for the approval (number, effects, PDF, hash)
and under 1 s for rendering the order with a 60-row appendix.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/order_approval.py
    .venv/bin/python bench/order_approval.py --pairs 120 --repeat 2

It works in a throwaway database made with the project's migrations and dropped at the end. Each round builds a
submitted order of its own with `--pairs` proposed pairs (participants with the duties consent) and has the
head approve it through roadmap.services.approve_order: the number from the locked counter, every pair made
active with its bank entries, the acknowledgement list (every mentor and mentee, the curator), the PDF rendered
once and stored with its SHA-256. The draft's PDF is timed apart, and again the approved one, which also carries
the acknowledgement sheet. The first rendering warms up fonts and templates and is reported apart.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from pypdf import PdfReader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment(debug=False)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-orders-")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_order_approval"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def timed(func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def run(args) -> None:
    from people.models import Role
    from roadmap.documents import order_pdf_bytes
    from roadmap.services import approve_order
    from tests.factories import OrganizationFactory, PersonFactory
    from tests.roadmap.approval_fixtures import pairs_order

    org = OrganizationFactory(slug="bench", reference_lists=True, city="г. Верхнеречинск")
    head = PersonFactory(organization=org, roles=[Role.Kind.HEAD], with_account=True, position="Директор")
    curator = PersonFactory(organization=org, roles=[Role.Kind.CURATOR], with_account=True)

    orders = [
        pairs_order(org, args.pairs, author=curator.user, start=1000 + 2 * args.pairs * n) for n in range(args.repeat)
    ]
    _, warm_up = timed(order_pdf_bytes, orders[0])
    draft_times = [timed(order_pdf_bytes, order)[1] for order in orders]

    # Time the rendering inside the approval apart from the rest (number, effects, acknowledgement list, storing).
    from roadmap import documents

    rendering: list[float] = []

    def measured(order):
        data, seconds = timed(order_pdf_bytes, order)
        rendering.append(seconds)
        return data

    documents.order_pdf_bytes = measured
    approve_times, queries = [], []
    for order in orders:
        with CaptureQueriesContext(connection) as captured:
            approved, seconds = timed(approve_order, order, by=head.user)
        approve_times.append(seconds)
        queries.append(len(captured))
    documents.order_pdf_bytes = order_pdf_bytes
    rest = [total - pdf for total, pdf in zip(approve_times, rendering, strict=True)]
    approved_times = []
    for order in orders:
        data, seconds = timed(order_pdf_bytes, order)
        approved_times.append(seconds)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    stored = approved.pdf.size
    acks = approved.acknowledgements.count()

    print(f"order fixing {args.pairs} pairs ({args.pairs}-row appendix), {connection.vendor}, {args.repeat} rounds")
    print(f"  first rendering (fonts, templates): {warm_up:.3f} s")
    print(
        f"  order_pdf_bytes, draft: median {statistics.median(draft_times):.3f} s, "
        f"worst {max(draft_times):.3f} s (target < 1 s)"
    )
    print(
        f"  order_pdf_bytes, approved with a {acks}-name acknowledgement sheet, {pages} pages: "
        f"median {statistics.median(approved_times):.3f} s, worst {max(approved_times):.3f} s"
    )
    print(
        f"  approve_order: median {statistics.median(approve_times):.3f} s, worst {max(approve_times):.3f} s "
        f"(target < 2 s); {statistics.median(queries):.0f} queries; stored PDF {stored / 1024:.0f} KiB"
    )
    print(
        f"    of which rendering the PDF: median {statistics.median(rendering):.3f} s; "
        f"number, effects, list, storing: median {statistics.median(rest):.3f} s"
    )


if __name__ == "__main__":
    main()
