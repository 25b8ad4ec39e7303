"""Benchmark of the report page and the final analytic report PDF: 300 staff, 100 programmes with answers.

Not a test: it prints figures. The targets (issue 7): the report page under 300 ms at the server with a constant
number of queries (tests/mentoring/test_reports_views.py pins the constancy), the final report PDF with charts
under 3 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/reports.py

It fills a throwaway database (``bench_reports`` next to the configured one, or SQLite in memory) with
bulk_create, then requests the page 20 times and the PDF 5 times through the whole Django stack.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
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
    parser.add_argument("--programmes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pdf-repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment(debug=False)
    settings.ALLOWED_HOSTS = ["*"]
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_reports"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def answer_everything(org, pairs) -> int:
    """Satisfaction answers of every participant, growth answers at the start and at the end; returns the count."""
    from django.utils import timezone

    from monitoring.models import Answer, Invitation, Question, QuestionSet, Response, SurveyRound

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    sets = {}
    for purpose, domains in (
        ("satisfaction", [""] * 6),
        ("growth", ["motivational", "competence", "professional"] * 2),
    ):
        qs = QuestionSet.objects.create(organization=org, title=purpose, purpose=purpose)
        Question.objects.bulk_create(
            Question(question_set=qs, position=n, text=f"Вопрос {n + 1}", domain=d, scale_min=1, scale_max=10)
            for n, d in enumerate(domains)
        )
        sets[purpose] = (qs, list(qs.questions.all()))
    rounds = [
        ("satisfaction", SurveyRound.Moment.ONCE, today - timedelta(days=5)),
        ("growth", SurveyRound.Moment.START, today - timedelta(days=25)),
        ("growth", SurveyRound.Moment.END, today - timedelta(days=3)),
    ]
    answers = []
    for purpose, moment, day in rounds:
        qs, questions = sets[purpose]
        launched = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        rnd = SurveyRound.objects.create(
            organization=org, question_set=qs, title=purpose, moment=moment, deadline=day, launched_at=launched
        )
        invitations = Invitation.objects.bulk_create(
            Invitation(round=rnd, person_id=person_id, programme=m.programme, role=role, answered_at=launched)
            for m in pairs
            for person_id, role in ((m.mentor_id, "mentor"), (m.mentees.all()[0].pk, "mentee"))
        )
        responses = Response.objects.bulk_create(Response(invitation=i) for i in invitations)
        bump = 2 if moment == SurveyRound.Moment.END else 0
        answers += [
            Answer(response=r, question=q, number=min(10, 3 + (r.pk + q.pk) % 6 + bump))
            for r in responses
            for q in questions
        ]
    Answer.objects.bulk_create(answers, batch_size=1000)
    return len(answers)


def run(args) -> None:
    from django.db.models import Prefetch
    from django.test import Client
    from django.urls import reverse

    from mentoring.models import Mentorship, PlanActivity
    from people.models import Person, Role
    from tests.factories import OrganizationFactory, PersonFactory
    from tests.mentoring.pair_fixtures import bulk_pairs
    from tests.people.bank_fixtures import bulk_people, grow_mentee_bank

    org = OrganizationFactory(slug="bench", reference_lists=True)
    curator = PersonFactory(organization=org, roles=[Role.Kind.CURATOR], with_account=True)
    started = time.perf_counter()
    pairs = bulk_pairs(org, args.programmes, start=1)
    grow_mentee_bank(org, 30, start=10_000)
    bulk_people(org, max(args.staff - 2 * args.programmes - 31, 1), start=20_000)
    pairs = list(Mentorship.objects.filter(pk__in=[m.pk for m in pairs]).prefetch_related(
        "programme", Prefetch("mentees", queryset=Person.objects.order_by("pk"))
    ))  # fmt: skip
    n_answers = answer_everything(org, pairs)
    print(
        f"{connection.vendor}: staff {Person.objects.filter(organization=org).count()}, "
        f"programmes {len(pairs)}, plan activities "
        f"{PlanActivity.objects.filter(programme__mentorship__organization=org).count()}, answers {n_answers} "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )

    client = Client()
    client.force_login(curator.user)
    page = reverse("monitoring:reports", args=[org.slug])
    pdf = reverse("monitoring:report_final_pdf", args=[org.slug])
    client.get(page)  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page)
    queries = len(captured.captured_queries)
    if response.status_code != 200 or b"<svg" not in response.content:
        raise SystemExit(f"the report page answered {response.status_code} without charts")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        client.get(page)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(
        f"report page: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, {queries} queries (target < 300 ms)"
    )

    client.get(pdf)  # warm up: WeasyPrint loads fonts once per process
    pdf_times = []
    for _ in range(args.pdf_repeat):
        t = time.perf_counter()
        response = client.get(pdf)
        pdf_times.append(time.perf_counter() - t)
    if response["Content-Type"] != "application/pdf":
        raise SystemExit("the final report is not a PDF")
    print(
        f"final report PDF: median {statistics.median(pdf_times):.2f} s, max {max(pdf_times):.2f} s, "
        f"{len(response.content) // 1024} KB (target < 3 s)"
    )


if __name__ == "__main__":
    main()
