"""Meetings and certificates in the report and the municipal view (issue 17, «meetings feed the reports»): meetings
held, pairs without a meeting for the organisation's number of weeks, the mean rating, documents issued — each
organisation by its own gap, in the same number of queries for two organisations or twelve."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Mentorship, ShortMentoring
from monitoring.meeting_figures import meeting_figures, totals
from monitoring.models import Event
from monitoring.report_figures import org_report
from monitoring.reports import Period
from people.changes import touch
from people.models import Organization
from roadmap.models import Certificate, OrderKind
from tests.factories import OrganizationFactory, PersonFactory
from tests.mentoring.meeting_fixtures import bulk_meetings, meeting, working_pair
from tests.mentoring.pair_fixtures import bulk_pairs
from tests.monitoring.test_reports_views import made_by_job
from tests.roadmap.approval_fixtures import make_order

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
TODAY = date(2026, 11, 20)
YEAR = Period.of_year(2026)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def certificate(m, number: int, kind: str = Certificate.Kind.PARTICIPATION, day: date = TODAY) -> Certificate:
    thanks = kind == Certificate.Kind.THANKS
    return Certificate.objects.create(
        organization=m.organization,
        kind=kind,
        person=m.mentor if thanks else m.mentees.first(),
        role="mentor" if thanks else "mentee",
        mentorship=None if thanks else m,
        order=make_order(m.organization, OrderKind.REWARD, rewarded=[m.mentor]) if thanks else None,
        year=day.year,
        number=number,
        issued_on=day,
    )


def pairs_of(org: Organization, n: int) -> list:
    return [working_pair(PersonFactory(organization=org), PersonFactory(organization=org)) for _ in range(n)]


@pytest.fixture
def world(org, other_org) -> dict:
    """The school (gap 3 weeks): a pair met 4 days ago (rated 5), a pair last met 25 days
    ago (rated 2), a pair that never met. The kindergarten (gap 6 weeks): a pair last met 25 days ago — not quiet
    there — and one that never met (working 60 days: quiet)."""
    org.meeting_gap_weeks = 3
    org.save(update_fields=["meeting_gap_weeks"])
    other_org.meeting_gap_weeks = 6
    other_org.save(update_fields=["meeting_gap_weeks"])
    fresh, stale, silent = pairs_of(org, 3)
    meeting(fresh, TODAY - timedelta(days=4), ratings=(5,))
    meeting(stale, TODAY - timedelta(days=25), ratings=(2,))
    meeting(stale, date(2026, 8, 20), ratings=(1,))  # before the academic year: neither counted nor rated
    kg_stale, _ = pairs_of(other_org, 2)
    meeting(kg_stale, TODAY - timedelta(days=25), ratings=(4,))
    certificate(fresh, 1)
    certificate(stale, 2)
    certificate(fresh, 3, Certificate.Kind.THANKS)
    certificate(silent, 4, day=date(2026, 6, 1))  # the previous academic year
    certificate(kg_stale, 1)
    return {"school": org, "kindergarten": other_org}


def test_each_organisation_is_counted_by_its_own_gap(world):
    school, kg = world["school"], world["kindergarten"]
    found = meeting_figures([school.pk, kg.pk], YEAR)
    assert found[school.pk] == {
        "meetings": 2,
        "rated": 2,
        "rating": pytest.approx(3.5),
        "working": 3,
        "quiet": 2,  # 25 days without a meeting, and never met in 60 days
        "participation": 2,  # not the one of June: it belongs to the previous academic year
        "thanks": 1,
        "short": 0,  # counted only for the municipal view (with_work)
        "events": 0,
    }
    assert found[kg.pk]["quiet"] == 1  # 25 days is within six weeks; the pair that never met is not
    assert found[kg.pk]["meetings"] == 1 and found[kg.pk]["participation"] == 1
    total = totals(list(found.values()))
    assert total["meetings"] == 3 and total["quiet"] == 3 and total["working"] == 5
    assert total["rating"] == pytest.approx((5 + 2 + 4) / 3)  # over all ratings, not a mean of the means


def test_a_pair_stops_being_quiet_the_day_it_meets(world):
    school = world["school"]
    silent = Mentorship.objects.filter(organization=school, meetings__isnull=True).get()
    meeting(silent, TODAY)
    assert meeting_figures([school.pk], YEAR)[school.pk]["quiet"] == 1


def test_the_report_shows_quiet_pairs_and_the_documents(world):
    school = world["school"]
    touch(school)
    tables = org_report(school, YEAR)["tables"]
    meetings = {row[0]: row[1] for row in tables["meetings"].rows}
    assert meetings["Пар и групп без встреч 3 нед. и дольше на 20.11.2026"] == 2
    assert meetings["Средняя оценка встреч наставляемыми (из 5)"] == 3.5
    assert {row[0]: row[1] for row in tables["certificates"].rows} == {
        "Справки об участии в программе наставничества": 2,
        "Благодарственные письма наставникам": 1,
    }


def test_the_report_page_shows_the_tables_of_meetings_and_certificates(curator):
    """Sections without a chart show their table (the meetings' section showed only «no meetings» before)."""
    m = working_pair(PersonFactory(organization=curator.org), PersonFactory(organization=curator.org))
    meeting(m, TODAY, ratings=(4,))
    certificate(m, 1)
    page = curator.client.get(reverse("monitoring:reports", args=[curator.org.slug])).content.decode()
    meetings = page.split('data-testid="section-meetings"')[1].split("</section>")[0]
    assert "Встреч проведено в периоде" in meetings and "не записано ни одной встречи" not in meetings
    documents = page.split('data-testid="section-certificates"')[1].split("</section>")[0]
    assert "Справки об участии в программе наставничества" in documents


def test_the_municipal_view_shows_each_organisation_and_the_totals(coordinator, world):
    kg = world["kindergarten"]
    kg.municipal_unit = coordinator.municipality
    kg.save(update_fields=["municipal_unit"])
    # Another municipality's school: its meetings never count here.
    outside = OrganizationFactory(slug="school-elsewhere", set_up=True)
    meeting(pairs_of(outside, 1)[0], TODAY, ratings=(1,))
    page = coordinator.client.get(reverse("municipal_home", args=["gorod"]))
    assert page.status_code == 200
    rows = {row.slug: row.everyday for row in page.context["report"].rows}
    assert rows[world["school"].slug]["quiet"] == 2 and rows[kg.slug]["quiet"] == 1
    assert set(rows) == {world["school"].slug, kg.slug}
    html = page.content.decode()
    assert 'data-testid="everyday-table"' in html
    assert "Встречи пар и групп, краткие формы, мероприятия, справки и письма" in html
    footer = html.split('data-testid="everyday-totals"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-key="meetings">3</td>' in footer
    assert '<td class="text-end" data-key="rating">3,7</td>' in footer  # (5 + 2 + 4) / 3, not 1 from outside


def test_figures_cost_three_queries_for_few_or_many(org, other_org, django_assert_num_queries):
    bulk_meetings(bulk_pairs(org, 3), per_pair=1)
    with django_assert_num_queries(3):
        meeting_figures([org.pk], YEAR)
    many = [OrganizationFactory() for _ in range(10)]
    for extra in many:
        bulk_meetings(bulk_pairs(extra, 5, start=9000 + extra.pk * 10), per_pair=3)
    with django_assert_num_queries(3):
        found = meeting_figures([org.pk, other_org.pk, *(o.pk for o in many)], YEAR)
    assert found[many[0].pk]["meetings"] == 15
    assert meeting_figures([], YEAR) == {}


def test_the_municipal_view_counts_short_forms_and_held_events_apart_from_pairs(coordinator, world):
    """Issue 17: the municipal view includes short forms and events — held ones of the period only."""
    school, kg = world["school"], world["kindergarten"]
    kg.municipal_unit = coordinator.municipality
    kg.save(update_fields=["municipal_unit"])
    mentor, mentee = PersonFactory(organization=school), PersonFactory(organization=school)
    for day in (date(2026, 11, 12), date(2026, 10, 1), date(2026, 6, 1)):  # June: the previous academic year
        record = ShortMentoring.objects.create(
            organization=school, kind=ShortMentoring.Kind.SPEED, date=day, request="Запрос"
        )
        record.mentors.set([mentor])
        record.mentees.set([mentee])
    for day, status in ((date(2026, 11, 18), Event.Status.HELD), (date(2026, 10, 5), Event.Status.HELD)):
        Event.objects.create(
            organization=kg, title="Семинар", date=day, kind=Event.Kind.SEMINAR, status=status, held_at=timezone.now()
        )
    Event.objects.create(organization=kg, title="Конкурс", date=date(2026, 12, 10), kind=Event.Kind.CONTEST)
    Event.objects.create(organization=school, title="Отменён", date=date(2026, 11, 2), kind=Event.Kind.SEMINAR,
                         status=Event.Status.CANCELLED)  # fmt: skip
    found = meeting_figures([school.pk, kg.pk], YEAR, with_work=True)
    assert (found[school.pk]["short"], found[school.pk]["events"]) == (2, 0)
    assert (found[kg.pk]["short"], found[kg.pk]["events"]) == (0, 2)
    assert found[school.pk]["working"] == 3  # short forms are not pairs
    page = coordinator.client.get(reverse("municipal_home", args=["gorod"]))
    html = page.content.decode()
    footer = html.split('data-testid="everyday-totals"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-key="short">2</td>' in footer
    assert '<td class="text-end" data-key="events">2</td>' in footer


def test_figures_with_work_cost_five_queries_for_few_or_many(org, other_org, django_assert_num_queries):
    with django_assert_num_queries(5):
        meeting_figures([org.pk], YEAR, with_work=True)
    many = [OrganizationFactory() for _ in range(10)]
    for extra in many:
        Event.objects.create(organization=extra, title="Семинар", date=TODAY, kind=Event.Kind.SEMINAR,
                             status=Event.Status.HELD, held_at=timezone.now())  # fmt: skip
    with django_assert_num_queries(5):
        found = meeting_figures([org.pk, other_org.pk, *(o.pk for o in many)], YEAR, with_work=True)
    assert all(found[o.pk]["events"] == 1 for o in many)


def test_the_final_pdf_has_the_meetings_and_the_documents(curator):
    """The final analytic report (a real PDF) prints the tables of sections without a chart, too."""
    m = working_pair(PersonFactory(organization=curator.org), PersonFactory(organization=curator.org))
    meeting(m, TODAY, ratings=(4,))
    certificate(m, 1)
    # The final report is a background job (the in-process backend runs it at once); its file is downloaded.
    _job, data = made_by_job(curator, reverse("monitoring:report_final_pdf", args=[curator.org.slug]))
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Встреч проведено в периоде 1" in text
    assert "Средняя оценка встреч наставляемыми (из 5) 4" in text
    assert "Справки об участии в программе наставничества 1" in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "final-report-meetings.pdf").write_bytes(data)  # to look at (pdftoppm -png -r 60)
