"""Compiled figure queries (people/compiled.py) give exactly what their querysets give, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.report_figures import REPORT_BUILDERS, REPORT_QUERIES, report_args
from mentoring.reports import SUMMARY_BUILDERS, SUMMARY_QUERIES, Period, org_summary, period_args
from people.compiled import CompiledQuery, NotTemplatable, ids_args
from people.models import Organization, Person
from roadmap.progress import FIGURES, _figures_queryset, org_figures
from tests.factories import OrganizationFactory
from tests.mentoring.test_reports_summary import build_world

pytestmark = pytest.mark.django_db


def _sorted(rows) -> list:
    return sorted((tuple(sorted(row.items(), key=str)) for row in rows), key=repr)


@pytest.fixture
def two_worlds():
    first = OrganizationFactory(reference_lists=True)
    second = OrganizationFactory(reference_lists=True)
    build_world(first)
    build_world(second)
    return [first, second]


PERIODS = [
    Period.of_year(2025),  # over
    Period.academic_year(),  # today's: the cutoff is today
    Period(date(2025, 11, 1), date(2026, 3, 15)),  # one's own dates
]


@pytest.mark.parametrize("period", PERIODS, ids=["past-year", "this-year", "own-dates"])
def test_every_summary_query_gives_what_its_queryset_gives(two_worlds, period):
    for ids in ([two_worlds[0].pk], [org.pk for org in two_worlds]):
        for name, build in SUMMARY_BUILDERS.items():
            compiled = SUMMARY_QUERIES[name].rows(period_args(ids, period))
            if period == PERIODS[0]:
                assert compiled, name  # the crafted world has rows of every kind in its year
            assert _sorted(compiled) == _sorted(build(ids, period)), name


@pytest.mark.parametrize("period", PERIODS, ids=["past-year", "this-year", "own-dates"])
def test_every_report_query_gives_what_its_queryset_gives(two_worlds, period):
    org = two_worlds[0]
    args = report_args(org, period)
    for name, build in REPORT_BUILDERS.items():
        compiled = REPORT_QUERIES[name].rows(args)
        expected = list(build([org.pk], period, args))
        assert compiled == expected, name  # the same rows in the same order, dates as dates
        if period == PERIODS[0]:  # the crafted world has rows of every kind in its year
            assert compiled, name


def test_the_summary_sees_a_change_made_after_it_was_compiled(two_worlds):
    org = two_worlds[0]
    period = Period.of_year(2025)
    before = org_summary([org.pk], period)[org.pk]["mentees"]
    Person.objects.filter(organization=org).update(organization=two_worlds[1])
    assert org_summary([org.pk], period)[org.pk]["mentees"] == 0 < before


def test_the_figures_query_gives_what_its_queryset_gives(two_worlds):
    today = timezone.localdate()
    for org in two_worlds:
        expected = _figures_queryset(today).filter(pk=org.pk).get()
        (row,) = FIGURES.rows(ids_args([org.pk], fixed=(today,)))
        assert row.keys() == expected.keys()
        assert {k: bool(v) if isinstance(expected[k], bool) else v for k, v in row.items()} == expected
        assert row == expected and all(type(row[k]) is type(v) for k, v in expected.items())  # bools as bools
        assert org_figures(org)["mentees"] == expected["mentees"]


def test_a_query_that_computes_from_its_values_is_refused():
    """A derived date would silently keep the stand-in's: such a query must not be templated."""

    def build(args):
        day = args.dates["start"] - timedelta(days=1)
        return Organization.objects.filter(pk__in=args.ids["org"], created_at__date__gte=day).values("pk")

    with pytest.raises(NotTemplatable):
        CompiledQuery("derived", build).rows(ids_args([1], start=date(2026, 1, 1)))


def test_a_value_in_the_sql_text_is_refused():
    def build(args):
        return Organization.objects.filter(pk__in=args.ids["org"]).extra(where=[f"id <> {args.ids['org'][0]}"])  # noqa: S610 - the point of the test

    with pytest.raises(NotTemplatable):
        CompiledQuery("in the text", build).rows(ids_args([5]))


def test_columns_keep_the_names_values_gives():
    org = OrganizationFactory()
    query = CompiledQuery(
        "names", lambda a: Organization.objects.filter(pk__in=a.ids["org"]).values("slug", short=F("short_name"))
    )
    assert query.rows(ids_args([org.pk])) == [{"slug": org.slug, "short": org.short_name}]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_postgresql_prepares_once_per_connection_and_counts_no_extra_query(two_worlds):
    query = CompiledQuery(
        "prepared", lambda a: Organization.objects.filter(pk__in=a.ids["org"], slug__gt="").values("pk")
    )
    org = two_worlds[0]
    with CaptureQueriesContext(connection) as first:
        assert query.rows(ids_args([org.pk])) == [{"pk": org.pk}]
    with CaptureQueriesContext(connection) as second:
        assert query.rows(ids_args([two_worlds[1].pk])) == [{"pk": two_worlds[1].pk}]
    assert len(first) == len(second) == 1
    assert second.captured_queries[0]["sql"].startswith("EXECUTE cq_")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [query.template(ids_args([1])).name]
        )
        assert cursor.fetchone()[0] == 1
