"""The headline figures of the reports (org_summary) and the reporting period."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.models import Mentorship
from monitoring.models import Question, SurveyRound
from monitoring.reports import STAT_INDICATORS, Period, PeriodForm, org_summary, summary_of
from people.changes import touch
from people.models import MenteeEntry
from tests.factories import OrganizationFactory
from tests.mentoring.pair_fixtures import bulk_pairs
from tests.monitoring.report_fixtures import answer, bank, pair, question_set, staff, survey

YEAR = Period.of_year(2025)
SCALE10 = {"kind": Question.Kind.SCALE, "scale_min": 1, "scale_max": 10}
SCALE5 = {"kind": Question.Kind.SCALE, "scale_min": 1, "scale_max": 5}


def closed_on(entry: MenteeEntry, day: date) -> None:
    entry.status_changed_at = datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())
    entry.save(update_fields=["status_changed_at"])


def build_world(org) -> dict:
    """The crafted organisation of the summary tests (see the expected figures in test_summary_figures)."""
    a, b, c, d = (staff(org, "Наставник") for _ in range(4))
    m = {n: staff(org, "Наставляемый") for n in range(1, 10)}
    bank(m[1], status=MenteeEntry.Status.IN_PAIR)
    bank(m[2], status=MenteeEntry.Status.FINISHED)
    bank(m[3], "new-employee", status=MenteeEntry.Status.FINISHED)
    bank(m[4], "difficulties", status=MenteeEntry.Status.WAITING)
    closed_on(bank(m[5], status=MenteeEntry.Status.FINISHED), date(2025, 6, 1))
    bank(m[6], "new-employee")
    bank(m[7], request_date=date(2025, 9, 10))
    bank(m[8], status=MenteeEntry.Status.DECLINED)
    bank(m[9], request_date=date(2026, 10, 1))
    p1 = pair(org, a, m[1])
    p2 = pair(
        org,
        b,
        m[2],
        m[3],
        state=Mentorship.State.COMPLETED,
        ended=date(2026, 5, 20),
        programme_end=date(2026, 5, 31),
        form_code="head-teacher",
    )
    p3 = pair(
        org,
        a,
        m[4],
        state=Mentorship.State.ENDED_EARLY,
        ended=date(2026, 2, 1),
        reason=Mentorship.EndReason.MENTEE,
    )
    pair(
        org,
        c,
        m[5],
        state=Mentorship.State.COMPLETED,
        started=date(2024, 9, 15),
        ended=date(2025, 6, 1),
        programme_end=date(2025, 6, 10),
    )
    pair(org, d, m[6], state=Mentorship.State.DRAFT, started=None)

    sat = question_set(org, "satisfaction", [{"text": "Общая", **SCALE10}, {"text": "Пятибалльная", **SCALE5}])
    now = survey(org, sat, date(2026, 5, 1))
    answer(now, m[1], p1, "mentee", {"Общая": 10, "Пятибалльная": 3})
    answer(now, m[2], p2, "mentee", {"Общая": 1})
    answer(now, a, p1, "mentor", {"Общая": 7.75})
    answer(survey(org, sat, date(2025, 5, 1)), m[3], p2, "mentee", {"Общая": 1})

    growth = question_set(
        org,
        "growth",
        [
            {"text": "Мотивация", "domain": Question.Domain.MOTIVATIONAL, **SCALE5},
            {"text": "Компетенции", "domain": Question.Domain.COMPETENCE, **SCALE5},
            {"text": "Без стороны", **SCALE5},
        ],
    )
    start = survey(org, growth, date(2025, 10, 5), SurveyRound.Moment.START)
    end = survey(org, growth, date(2026, 5, 10), SurveyRound.Moment.END)
    answer(start, m[1], p1, "mentee", {"Мотивация": 2, "Компетенции": 2, "Без стороны": 1})
    answer(end, m[1], p1, "mentee", {"Мотивация": 4, "Компетенции": 5, "Без стороны": 5})
    answer(start, a, p1, "mentor", {"Мотивация": 3})
    answer(end, a, p1, "mentor", {"Мотивация": 4})
    answer(start, m[2], p2, "mentee", {"Мотивация": 1, "Компетенции": 1})  # no end answer: left out
    return {"p1": p1, "p2": p2, "p3": p3, "mentors": (a, b, c, d), "mentees": m}


@pytest.fixture
def world(org) -> dict:
    return build_world(org)


def test_summary_figures(org, other_org, world):
    build_world(other_org)  # another organisation's data changes nothing here
    figures = org_summary([org.pk], YEAR)[org.pk]
    assert {key for key, _ in STAT_INDICATORS} <= figures.keys()
    assert figures["mentors"] == 2
    assert figures["mentees"] == 6
    assert figures["mentees_with_mentor"] == 4
    assert figures["mentees_with_mentor_share"] == 66.7
    assert (figures["pairs"], figures["groups"]) == (2, 1)
    assert (figures["young"], figures["young_with_mentor"], figures["young_share"]) == (3, 2, 66.7)
    assert (figures["completed"], figures["ended_early"], figures["overdue"]) == (1, 1, 1)
    assert figures["satisfaction_mentees"] == 50.0
    assert figures["satisfaction_mentors"] == 75.0
    assert figures["growth"] == 50.0
    assert figures["by_form"] == {
        "Педагог – педагог": {"pairs": 2, "groups": 0},
        "Руководитель образовательной организации – педагог": {"pairs": 0, "groups": 1},
    }


def test_summary_of_another_period(org, world):
    previous = org_summary([org.pk], Period.of_year(2024))[org.pk]
    assert previous["mentors"] == 1  # only the pair that completed in June 2025
    assert previous["completed"] == 1
    assert previous["satisfaction_mentees"] == 0.0  # the 2025-05 round: one answer «1» of 1–10
    assert previous["growth"] is None
    empty = org_summary([org.pk], Period.of_year(2020))[org.pk]
    assert empty["mentors"] == empty["mentees"] == 0
    assert empty["mentees_with_mentor_share"] is None and empty["satisfaction_mentors"] is None


# The crafted world is dated 2025–2026 and the bulk pairs start a month before today: on 20 November 2026 both
# fall inside the period this test reads.
@pytest.mark.time_machine("2026-11-20 10:00 +03:00")
def test_summary_counts_queries_once_for_many_organisations(org, world):
    with CaptureQueriesContext(connection) as small:
        org_summary([org.pk], YEAR)
    orgs = [OrganizationFactory(reference_lists=True) for _ in range(3)]
    for n, other in enumerate(orgs):
        build_world(other)
        bulk_pairs(other, 15, start=5000 + 100 * n)
    both = Period(YEAR.start, date(2026, 12, 31))  # bulk pairs started a month ago
    with CaptureQueriesContext(connection) as large:
        result = org_summary([org.pk, *(o.pk for o in orgs)], both)
    assert len(large) == len(small) == 6
    assert all(result[o.pk]["pairs"] == 2 + 15 and result[o.pk]["mentors"] == 2 + 15 for o in orgs)
    assert result[org.pk]["pairs"] == 2


def test_period_labels_and_academic_year():
    assert Period.academic_year(date(2026, 3, 1)) == Period(date(2025, 9, 1), date(2026, 8, 31))
    assert Period.academic_year(date(2026, 9, 1)) == Period.of_year(2026)
    assert YEAR.label == "2025/2026 учебный год"
    assert Period(date(2025, 9, 1), date(2025, 12, 31)).label == "01.09.2025 — 31.12.2025"
    assert [p.label for p in YEAR.previous_years(2)] == ["2024/2025 учебный год", "2023/2024 учебный год"]


def test_period_from_request():
    rf = RequestFactory()
    period, form = Period.from_request(rf.get("/", {"year": "2025"}), first_year=2023)
    assert period == YEAR and form.is_valid()
    chosen = {"year": "2025", "start": "2026-01-01", "end": "2026-03-31"}
    period, _ = Period.from_request(rf.get("/", chosen), first_year=2024)
    assert period == Period(date(2026, 1, 1), date(2026, 3, 31))
    period, form = Period.from_request(rf.get("/", {"start": "2026-03-31", "end": "2026-01-01"}))
    assert period == Period.academic_year() and "end" in form.errors
    period, form = Period.from_request(rf.get("/"))
    assert period == Period.academic_year() and not form.is_bound
    assert "2023/2024 учебный год" in dict(PeriodForm(first_year=2023).fields["year"].choices).values()


def test_the_summary_of_one_organisation_is_kept_until_the_organisation_changes(org):
    build_world(org)
    before = summary_of(org, YEAR)["mentees"]
    assert before > 0
    # Written past the pages (no touch): nobody is in a pair of the period or in the bank any more.
    Mentorship.objects.filter(organization=org).update(state=Mentorship.State.DRAFT)
    MenteeEntry.objects.filter(organization=org).update(status=MenteeEntry.Status.REQUESTED)
    assert org_summary([org.pk], YEAR)[org.pk]["mentees"] == 0  # computed anew: sees the change at once
    assert summary_of(org, YEAR)["mentees"] == before  # kept: nothing told the organisation's version
    touch(org)
    assert summary_of(org, YEAR)["mentees"] == 0
