"""The report's meetings table: meetings of the period, the share of pairs that met in its last month, the mean
rating — with a pinned clock, in the same number of queries for few and many pairs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Mentorship
from monitoring.report_figures import org_report
from monitoring.reports import Period
from people.changes import touch
from tests.factories import PersonFactory
from tests.mentoring.meeting_fixtures import bulk_meetings, meeting, working_pair
from tests.mentoring.pair_fixtures import bulk_pairs

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")
TODAY = date(2026, 12, 3)
YEAR = Period.of_year(2026)


def figures(org) -> dict:
    return {row[0]: row[1] for row in org_report(org, YEAR)["tables"]["meetings"].rows}


def test_meetings_table_counts_meetings_share_and_rating(org):
    people = [PersonFactory(organization=org) for _ in range(6)]
    met = working_pair(people[0], people[1])
    quiet = working_pair(people[2], people[3])
    working_pair(people[4], people[5])  # never met
    meeting(met, TODAY - timedelta(days=3), ratings=(5,))
    meeting(met, TODAY - timedelta(days=20), ratings=(4,))
    meeting(quiet, TODAY - timedelta(days=45), ratings=(2,))
    meeting(quiet, date(2026, 8, 20))  # before the academic year
    touch(org)
    assert figures(org) == {
        "Встреч проведено в периоде": 3,
        "Пар и групп, работавших в последний месяц периода": 3,
        "из них встречались в последний месяц, %": 33.3,
        "Пар и групп без встреч 3 нед. и дольше на 03.12.2026": 2,  # the quiet pair and the one that never met
        "Отзывов наставляемых о встречах": 3,
        "Средняя оценка встреч наставляемыми (из 5)": 3.7,
    }


def test_meetings_of_another_organisation_do_not_count(org, other_org):
    m = working_pair(PersonFactory(organization=other_org), PersonFactory(organization=other_org))
    meeting(m, TODAY, ratings=(5,))
    assert figures(org)["Встреч проведено в периоде"] == 0
    assert figures(org)["Средняя оценка встреч наставляемыми (из 5)"] is None


def test_meetings_table_costs_the_same_for_many_pairs(org):
    bulk_meetings(bulk_pairs(org, 3), per_pair=1)
    with CaptureQueriesContext(connection) as small:
        org_report(org, YEAR)
    bulk_meetings(bulk_pairs(org, 60, start=7000), per_pair=5)
    touch(org)
    with CaptureQueriesContext(connection) as large:
        report = org_report(org, YEAR)
    assert len(large) == len(small)
    assert {row[0]: row[1] for row in report["tables"]["meetings"].rows}["Встреч проведено в периоде"] == 303
    assert Mentorship.objects.count() == 63


def test_the_report_page_shows_the_meetings_section(curator):
    m = working_pair(PersonFactory(organization=curator.org), PersonFactory(organization=curator.org))
    meeting(m, TODAY, ratings=(4,))
    page = curator.client.get(reverse("monitoring:reports", args=[curator.org.slug])).content.decode()
    assert "Встречи наставников и наставляемых" in page and 'data-testid="section-meetings"' in page
