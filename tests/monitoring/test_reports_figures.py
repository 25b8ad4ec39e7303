"""The tables of the report page (org_report) on crafted data."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import Mentorship, PlanActivity
from monitoring.models import Practice
from monitoring.report_figures import org_report, report_tables
from monitoring.reports import Period, org_summary
from people.changes import touch
from people.models import MenteeEntry
from tests.mentoring.pair_fixtures import bulk_pairs
from tests.monitoring.report_fixtures import activity, bank, pair, staff
from tests.monitoring.test_reports_summary import YEAR, build_world, closed_on


def rows(report: dict, key: str) -> dict:
    return {row[0]: row[1:] for row in report["tables"][key].rows}


def add_activities_and_leavers(org, world) -> None:
    p1 = world["p1"]
    activity(p1, date(2025, 11, 1), done_on=date(2025, 10, 30))
    activity(p1, date(2025, 12, 1), done_on=date(2025, 12, 5))
    activity(p1, date(2026, 3, 1))
    activity(p1, date(2026, 10, 1))  # after the period
    activity(p1, date(2026, 4, 1), status=PlanActivity.Status.CANCELLED)
    m5 = world["mentees"][5]
    m5.left_on = date(2026, 3, 1)  # less than a year after the pair ended on 01.06.2025
    m5.save(update_fields=["left_on"])
    stayed = staff(org, "Осталась")
    closed_on(bank(stayed, status=MenteeEntry.Status.FINISHED), date(2025, 5, 1))
    pair(
        org, staff(org), stayed, state=Mentorship.State.COMPLETED, started=date(2024, 9, 1),
        ended=date(2025, 5, 1), programme_end=date(2025, 5, 31),
    )  # fmt: skip


def test_report_tables(org):
    world = build_world(org)
    add_activities_and_leavers(org, world)
    report = org_report(org, YEAR)
    assert rows(report, "roles")["Наставники пар и групп, действовавших в периоде"] == [2]
    assert rows(report, "roles")["из них не были закреплены за наставником"] == [2]
    assert rows(report, "kinds") == {"Традиционное наставничество («один на один»)": [3]}
    assert rows(report, "categories") == {
        "Молодой (начинающий) специалист": [3, 2, 66.7],
        "Новый сотрудник": [2, 1, 50.0],
        "Педагог с профессиональными затруднениями": [1, 1, 100.0],
    }
    states = rows(report, "states")
    assert states["Действует"] == [1, 0, 1]
    assert states["Завершена"] == [0, 1, 1]
    assert states["Завершена досрочно"] == [1, 0, 1]
    assert states["Черновик (сейчас)"] == [1, 0, 1]
    endings = rows(report, "endings")
    assert endings["Завершены в срок"] == [1]
    assert endings["Досрочно: по инициативе наставляемого"] == [1]
    assert endings["Досрочно: по инициативе наставника"] == [0]
    assert endings["Срок программы истёк, пара не завершена вовремя"] == [1]
    acts = rows(report, "activities")
    assert acts["Выполнены в срок"] == [1, 25.0]
    assert acts["Выполнены с опозданием"] == [1, 25.0]
    assert acts["Не выполнены, срок прошёл"] == [1, 25.0]
    assert acts["Отменены"] == [1, 25.0]
    assert rows(report, "satisfaction") == {"Наставляемые": [50.0, 2, 3], "Наставники": [75.0, 1, 1]}
    questions = {(r[0], r[1]): r[2:] for r in report["tables"]["questions"].rows}
    assert questions[("Общая", "Наставляемые")] == ["1–10", 5.5, 50.0, 2]
    assert questions[("Пятибалльная", "Наставляемые")] == ["1–5", 3.0, 50.0, 1]
    assert questions[("Общая", "Наставники")] == ["1–10", 7.8, 75.0, 1]
    assert rows(report, "growth") == {
        "Наставляемые: мотивационно-личностный рост": [25.0, 75.0, 50.0, 1],
        "Наставляемые: компетентностный рост": [25.0, 100.0, 75.0, 1],
        "Наставники: мотивационно-личностный рост": [50.0, 75.0, 25.0, 1],
    }
    young = rows(report, "young")
    assert young["Всего"] == [2, 100.0]
    assert young["Работали в организации через год после окончания программы"] == [1, 50.0]
    assert young["Работают в организации сейчас"] == [1, 50.0]


def test_report_period_filter(org):
    world = build_world(org)
    add_activities_and_leavers(org, world)
    first_half = org_report(org, Period(date(2025, 9, 1), date(2025, 12, 31)))
    assert first_half["summary"]["completed"] == first_half["summary"]["ended_early"] == 0
    assert rows(first_half, "satisfaction")["Наставляемые"] == [None, 0, 0]  # the round was in May
    assert first_half["tables"]["growth"].rows == []
    assert rows(first_half, "activities")["Не выполнены, срок прошёл"] == [0, 0.0]
    assert rows(first_half, "activities")["Выполнены с опозданием"] == [1, 50.0]
    assert rows(first_half, "young")["Всего"] == [0, None]  # no young specialist ended by 31.12.2024


def test_report_lists_practices_of_the_period(org):
    Practice.objects.create(organization=org, title="Школа молодого педагога", description="…")
    assert [p.title for p in org_report(org, Period.academic_year())["practices"]] == ["Школа молодого педагога"]
    assert org_report(org, YEAR)["practices"] == []


def test_report_queries_do_not_grow(org):
    build_world(org)
    with CaptureQueriesContext(connection) as small:
        org_report(org, Period.academic_year())
    bulk_pairs(org, 40, start=7000)
    touch(org)  # bulk_create writes past the pages, which touch the organisation after every write
    with CaptureQueriesContext(connection) as large:
        report = org_report(org, Period.academic_year())
    assert report["summary"]["pairs"] >= 40
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as again:
        assert org_report(org, Period.academic_year()) == report
    assert len(again) == 1  # nothing written since: the figures come from the cache, the practices are read


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_the_report_after_a_write_costs_nineteen_queries_and_its_summary_is_the_summary(org, django_assert_num_queries):
    """The cold report reads its questionnaire rows once: the summary's averages are pooled from them, not asked
    again, and the states and early endings are one query. Same figures as the summary computed on its own."""
    build_world(org)
    # 15 for the figures of issue 12, and 2 for the everyday work (monitoring.meeting_figures: the meetings' count
    # and ratings replace the meetings table's own query; the pairs without meetings and the certificates are new),
    # 1 for the short forms and 1 for the events (issue 17).
    with django_assert_num_queries(19):
        figures = report_tables(org, YEAR)
    own = org_summary([org.pk], YEAR)[org.pk]
    assert own["growth"] == 50.0 and own["satisfaction_mentees"] is not None  # the world has answers of both kinds
    assert {k: v for k, v in figures["summary"].items() if k != "answers"} == {
        k: v for k, v in own.items() if k != "answers"
    }
    assert figures["summary"]["answers"].keys() == own["answers"].keys()
    for key, (mean, count) in own["answers"].items():
        assert figures["summary"]["answers"][key] == (pytest.approx(mean), count)
    early = [row[1] for row in figures["tables"]["endings"].rows if row[0].startswith("Досрочно")]
    assert sum(early) == own["ended_early"] == 1  # the early endings read off the states' query
    states = {row[0]: row[3] for row in figures["tables"]["states"].rows}
    assert states[Mentorship.State.ENDED_EARLY.label] == 1
