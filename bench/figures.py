"""The figure functions of the homes, the report and the public page, timed cold and warm on a seeded database.

Not a test: it prints figures. Run it against a database filled by ``manage.py seed_scale --orgs 50``:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring_plainbench .venv/bin/python bench/figures.py

Each function is called for one organisation (``s1-…`` logins) `--repeat` times: *cold* empties the cache before
every call, *warm* calls it once first and then times the calls that follow. It prints the median in ms and the
number of queries of one call of each kind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(fn: Callable[[], object], repeat: int, *, cold: bool) -> tuple[float, int]:
    """Median milliseconds and the queries of one call."""
    times = []
    if not cold:
        fn()
    for _ in range(repeat):
        if cold:
            cache.clear()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        fn()
    return statistics.median(times), len(captured.captured_queries)


def functions(n: int) -> dict[str, Callable[[], object]]:
    from config import views as home
    from monitoring.progress import org_figures
    from monitoring.publishing import current_figures, page_content
    from monitoring.report_figures import org_report
    from monitoring.reports import Period, org_summary
    from people.access import OrgAccess
    from people.models import Organization, Person, Role

    def access(role: str) -> OrgAccess:
        person = Person.objects.select_related("organization").get(user__username=f"s{n}-{role}")
        return OrgAccess(org=person.organization, person=person, roles=frozenset([role]), role=role)

    head, curator, admin = access(Role.Kind.HEAD), access(Role.Kind.CURATOR), access(Role.Kind.ADMIN)
    org = head.org
    period = Period.academic_year()
    ids = list(Organization.objects.filter(slug__startswith="scale-").values_list("pk", flat=True))
    found = {
        "org_figures": lambda: org_figures(org),
        "home: head": lambda: home.HOME_CONTEXT[Role.Kind.HEAD](head),
        "home: curator": lambda: home.HOME_CONTEXT[Role.Kind.CURATOR](curator),
        "home: admin": lambda: home.HOME_CONTEXT[Role.Kind.ADMIN](admin),
        "org_report": lambda: org_report(org, period),
        "public figures": lambda: current_figures(org),
        f"org_summary ({len(ids)} orgs)": lambda: org_summary(ids, period),
    }
    page = Organization.objects.filter(public_page__is_enabled=True, slug__startswith="scale-").first()
    if page is not None:
        found["public page_content"] = lambda: page_content(page.public_page)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", type=int, default=1, help="the N of the s<N>-… logins")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{connection.vendor}, median of {args.repeat}")
    print(f"{'function':<26} {'cold ms':>9} {'queries':>8} {'warm ms':>9} {'queries':>8}")
    for name, fn in functions(args.org).items():
        first_started = time.perf_counter()
        fn()  # the first call of the process (imports, compiled SQL): not counted
        first = (time.perf_counter() - first_started) * 1000
        cold_ms, cold_q = measure(fn, args.repeat, cold=True)
        warm_ms, warm_q = measure(fn, args.repeat, cold=False)
        print(f"{name:<26} {cold_ms:>9.1f} {cold_q:>8} {warm_ms:>9.1f} {warm_q:>8}   (first call {first:.0f} ms)")


if __name__ == "__main__":
    main()
