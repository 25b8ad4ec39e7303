"""The municipal report: totals recombined from the organisations' figures, the comparison, exports, no names."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mentoring.models import Mentorship
from monitoring.models import Question, SurveyRound
from monitoring.reports import STAT_INDICATORS, Period, org_summary
from monitoring.views.municipal import EVERYDAY_COLUMNS
from people.models import MenteeEntry, Municipality, Organization, Role
from tests.conftest import make_persona
from tests.factories import OrganizationFactory, UserFactory
from tests.monitoring.report_fixtures import answer, bank, pair, question_set, staff, survey

YEAR = "start=2025-09-01&end=2026-08-31"  # the academic year 2025/2026, where the fixtures' pairs work
SCALE10 = {"kind": Question.Kind.SCALE, "scale_min": 1, "scale_max": 10}
SCALE5 = {"kind": Question.Kind.SCALE, "scale_min": 1, "scale_max": 5}
# Staff of the organisations: surnames no page of the coordinator may show.
SECRET_SURNAMES = ("Зюзюкина", "Пржевальская", "Шкуропатова", "Гвоздецкий")


def home_url(slug: str = "gorod") -> str:
    return reverse("municipal_home", args=[slug])


@pytest.fixture
def second(coordinator, other_org) -> Organization:
    """The kindergarten joins the coordinator's municipality next to the school `org`."""
    other_org.municipal_unit = coordinator.municipality
    other_org.save(update_fields=["municipal_unit"])
    return other_org


@pytest.fixture
def two_orgs(org, second, coordinator) -> dict:
    """Crafted figures: the school has 4 mentees (1 with a mentor), the kindergarten 2 (both with mentors).

    Satisfaction: three mentees of the school answered 10 of 10 (100 %), one of the kindergarten 1 of 10 (0 %).
    Growth: the school's mentee went from 1 to 5 of 5 (0 → 100 %), two of the kindergarten stayed at 3 of 5 (50 %).
    """
    school_mentor = staff(org, SECRET_SURNAMES[0])
    school_mentees = [staff(org, SECRET_SURNAMES[1]) for _ in range(4)]
    for person in school_mentees[1:]:
        bank(person, status=MenteeEntry.Status.WAITING)
    bank(school_mentees[0], status=MenteeEntry.Status.IN_PAIR)
    school_pair = pair(org, school_mentor, school_mentees[0])
    kg_mentor = staff(second, SECRET_SURNAMES[2])
    kg_mentees = [staff(second, SECRET_SURNAMES[3]) for _ in range(2)]
    kg_pairs = [pair(second, kg_mentor, person) for person in kg_mentees]

    sat = question_set(org, "satisfaction", [{"text": "Общая", **SCALE10}])
    school_round = survey(org, sat, date(2026, 5, 1))
    for person in school_mentees[1:]:
        answer(school_round, person, school_pair, "mentee", {"Общая": 10})
    kg_sat = question_set(second, "satisfaction", [{"text": "Общая", **SCALE10}])
    answer(survey(second, kg_sat, date(2026, 5, 1)), kg_mentees[0], kg_pairs[0], "mentee", {"Общая": 1})

    growth = [{"text": "Мотивация", "domain": Question.Domain.MOTIVATIONAL, **SCALE5}]
    school_growth = question_set(org, "growth", growth)
    start = survey(org, school_growth, date(2025, 10, 5), SurveyRound.Moment.START)
    end = survey(org, school_growth, date(2026, 5, 10), SurveyRound.Moment.END)
    answer(start, school_mentees[0], school_pair, "mentee", {"Мотивация": 1})
    answer(end, school_mentees[0], school_pair, "mentee", {"Мотивация": 5})
    kg_growth = question_set(second, "growth", growth)
    kg_start = survey(second, kg_growth, date(2025, 10, 5), SurveyRound.Moment.START)
    kg_end = survey(second, kg_growth, date(2026, 5, 10), SurveyRound.Moment.END)
    for person, m in zip(kg_mentees, kg_pairs, strict=True):
        answer(kg_start, person, m, "mentee", {"Мотивация": 3})
        answer(kg_end, person, m, "mentee", {"Мотивация": 3})
    return {"school": org, "kindergarten": second}


def report(coordinator, query: str = YEAR):
    response = coordinator.client.get(f"{home_url()}?{query}")
    assert response.status_code == 200
    return response


def test_totals_sum_counts_and_recompute_shares_and_averages_from_all_answers(coordinator, two_orgs):
    response = report(coordinator)
    totals = response.context["report"].totals
    by_org = {row.slug: row.figures for row in response.context["report"].rows}
    school, kg = by_org[two_orgs["school"].slug], by_org[two_orgs["kindergarten"].slug]
    # Each organisation's row is exactly what its own report computes.
    summary = org_summary([two_orgs["school"].pk, two_orgs["kindergarten"].pk], Period.of_year(2025))
    assert school == summary[two_orgs["school"].pk] and kg == summary[two_orgs["kindergarten"].pk]
    assert (school["mentees"], school["mentees_with_mentor"], school["mentees_with_mentor_share"]) == (4, 1, 25.0)
    assert (kg["mentees"], kg["mentees_with_mentor"], kg["mentees_with_mentor_share"]) == (2, 2, 100.0)
    # Sums…
    assert totals["mentors"] == 2 and totals["mentees"] == 6 and totals["pairs"] == 3
    # …a share of the sums (3 of 6), not the mean of 25 % and 100 %…
    assert totals["mentees_with_mentor_share"] == 50.0
    # …and averages over all answers: three at 100 % and one at 0 % give 75 %, not the mean of 100 and 0.
    assert (school["satisfaction_mentees"], kg["satisfaction_mentees"]) == (100.0, 0.0)
    assert totals["satisfaction_mentees"] == 75.0
    # Growth: start (0 + 50 + 50) / 3 → end (100 + 50 + 50) / 3 is +33.3, not the mean of +100 and 0.
    assert (school["growth"], kg["growth"]) == (100.0, 0.0)
    assert totals["growth"] == pytest.approx(33.3)
    assert totals["satisfaction_mentors"] is None
    html = response.content.decode()
    assert 'data-testid="total-mentees_with_mentor_share">50 %' in html
    assert 'data-testid="total-satisfaction_mentees">75 %' in html


def test_comparison_table_has_a_row_per_organisation_and_sorts_by_a_column(coordinator, two_orgs):
    html = report(coordinator).content.decode()
    assert html.count('data-testid="org-row"') == 2
    assert "МБОУ «СОШ № 1»" in html and "МБДОУ «Детский сад № 2»" in html
    assert 'data-testid="chart-coverage"' in html and 'data-testid="chart-pairs"' in html and "<svg" in html
    rows = report(coordinator, f"{YEAR}&sort=-mentees_with_mentor_share").context["report"].rows
    assert [r.slug for r in rows] == ["ds-2", "school-1"]
    rows = report(coordinator, f"{YEAR}&sort=mentees_with_mentor_share").context["report"].rows
    assert [r.slug for r in rows] == ["school-1", "ds-2"]
    # An unknown column falls back to the names.
    response = report(coordinator, f"{YEAR}&sort=surname")
    assert response.context["sort"] == "name"
    assert [r.short_name for r in response.context["report"].rows] == ["МБДОУ «Детский сад № 2»", "МБОУ «СОШ № 1»"]


def test_period_filter_changes_the_figures(coordinator, two_orgs):
    this_year = report(coordinator).context["report"].totals
    before = report(coordinator, "start=2024-09-01&end=2025-08-31").context["report"]
    assert this_year["pairs"] == 3 and before.totals["pairs"] == 0
    assert before.totals["satisfaction_mentees"] is None
    assert before.period.label == "2024/2025 учебный год"
    bad = report(coordinator, "start=2026-05-01&end=2026-01-01")
    assert "Окончание периода должно быть не раньше его начала" in bad.content.decode()


def test_organisation_without_curator_or_pairs_is_flagged(coordinator, two_orgs, curator):
    rows = {row.slug: row for row in report(coordinator).context["report"].rows}
    assert rows["school-1"].warnings == []  # the `curator` persona is the school's curator
    assert rows["ds-2"].warnings == ["не назначен куратор"]
    idle = {row.slug: row for row in report(coordinator, "start=2024-09-01&end=2025-08-31").context["report"].rows}
    assert "нет пар и групп в периоде" in idle["school-1"].warnings


def test_exports_of_the_comparison_table(coordinator, two_orgs):
    two_orgs["school"].short_name = '=HYPERLINK("http://evil")'
    two_orgs["school"].save(update_fields=["short_name"])
    response = coordinator.client.get(reverse("municipal_export", args=["gorod", "xlsx"]) + f"?{YEAR}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    stats = 2 + len(STAT_INDICATORS)
    assert rows[0][:2] == ["Организация", "Тип организации"]
    assert rows[0][2:stats] == [label for _, label in STAT_INDICATORS]
    # The everyday work follows, as the page's second table shows it (meetings, quiet pairs, rating, short forms…).
    assert rows[0][stats:] == [label for _, label in EVERYDAY_COLUMNS]
    working = stats + [key for key, _ in EVERYDAY_COLUMNS].index("working")
    page = report(coordinator).context["report"]
    assert rows[-1][working] == page.everyday_totals["working"] > 0
    names = [row[0] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil")', "МБДОУ «Детский сад № 2»", "Итого по муниципалитету"]
    share = [key for key, _ in STAT_INDICATORS].index("mentees_with_mentor_share") + 2
    assert [row[share] for row in rows[1:]] == [25, 100, 50]

    response = coordinator.client.get(reverse("municipal_export", args=["gorod", "csv"]) + f"?{YEAR}&sort=-mentees")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row[0] for row in table[1:]] == [
        '\'=HYPERLINK("http://evil")',
        "МБДОУ «Детский сад № 2»",
        "Итого по муниципалитету",
    ]
    assert coordinator.client.get(reverse("municipal_export", args=["gorod", "pdf"])).status_code == 404


def test_statistics_xlsx_has_totals_and_per_organisation_sheets_matching_the_page(coordinator, two_orgs):
    page = report(coordinator).context["report"]
    response = coordinator.client.get(reverse("municipal_statistics", args=["gorod"]) + f"?{YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Итого", "По организациям"]
    rows = [(row[0].value, row[1].value) for row in book["Итого"].iter_rows(min_row=2)]
    totals = dict(rows)
    assert totals["Муниципалитет"] == "Городской округ Верхнеречинск"
    assert totals["Период"] == "2025/2026 учебный год" and totals["Организаций"] == 2
    # The indicators follow in their order, with the very numbers the page shows.
    figures = rows[3 : 3 + len(STAT_INDICATORS)]
    assert [label for label, _ in figures] == [label for _, label in STAT_INDICATORS]
    for (key, _), (_, value) in zip(STAT_INDICATORS, figures, strict=True):
        assert value == page.totals[key] or (value is None and page.totals[key] is None), key
    assert totals["Пары, форма «Педагог – педагог»"] == 3
    assert totals["Работающие пары и группы"] == page.everyday_totals["working"]
    assert totals["Встречи пар и групп за период"] == page.everyday_totals["meetings"]
    per_org = [[cell.value for cell in row] for row in book["По организациям"].iter_rows(min_row=2)]
    assert len(per_org) == 3 and per_org[-1][0] == "Итого по муниципалитету"


def all_output(coordinator) -> str:
    """The report page, both exports and the statistics file, as text."""
    parts = [report(coordinator).content.decode()]
    for fmt in ("xlsx", "csv"):
        response = coordinator.client.get(reverse("municipal_export", args=["gorod", fmt]) + f"?{YEAR}")
        parts.append(_file_text(response, fmt))
    response = coordinator.client.get(reverse("municipal_statistics", args=["gorod"]) + f"?{YEAR}")
    parts.append(_file_text(response, "xlsx"))
    return "\n".join(parts)


def _file_text(response, fmt: str) -> str:
    if fmt == "csv":
        return response.content.decode()
    book = load_workbook(io.BytesIO(response.content))
    return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)


PERSON_COLUMNS = ("surname", "patronymic", "email", "phone", "name_key", "hired_on", "experience_years")


def test_no_person_data_reaches_the_coordinator(coordinator, two_orgs, curator, head):
    text = all_output(coordinator)
    for surname in (*SECRET_SURNAMES, "Белова", "Сорокина"):
        assert surname not in text
    # Not even read: the only queries over staff count them, grouped by organisation.
    urls = [
        f"{home_url()}?{YEAR}",
        reverse("municipal_export", args=["gorod", "xlsx"]),
        reverse("municipal_statistics", args=["gorod"]),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert coordinator.client.get(url).status_code == 200
        for query in captured.captured_queries:
            sql = query["sql"]
            for column in PERSON_COLUMNS:
                assert f'"people_person"."{column}"' not in sql, sql
            assert '"people_person"."name"' not in sql, sql


def grow(municipality: Municipality, count: int, start: int) -> None:
    for n in range(start, start + count):
        org = OrganizationFactory(slug=f"org-{n}", short_name=f"МБОУ «СОШ № {n}»", reference_lists=True)
        org.municipal_unit = municipality
        org.save(update_fields=["municipal_unit"])
        mentor, mentee = staff(org, "Наставник"), staff(org, "Наставляемый")
        bank(mentee, status=MenteeEntry.Status.IN_PAIR)
        pair(org, mentor, mentee)
        pair(org, mentor, staff(org), staff(org), state=Mentorship.State.COMPLETED, ended=date(2026, 5, 1))
        make_persona(org, Role.Kind.CURATOR)


def queries_for(client, url: str) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("name", ["municipal_home", "municipal_export", "municipal_statistics"])
def test_queries_do_not_grow_with_the_number_of_organisations(coordinator, org, name):
    org.municipal_unit = None
    org.save(update_fields=["municipal_unit"])
    args = ["gorod", "xlsx"] if name == "municipal_export" else ["gorod"]
    url = reverse(name, args=args) + f"?{YEAR}"
    grow(coordinator.municipality, 2, 100)
    small = queries_for(coordinator.client, url)
    grow(coordinator.municipality, 10, 200)
    large = queries_for(coordinator.client, url)
    assert coordinator.municipality.organizations.count() == 12
    assert len(small) == len(large), "\n".join(["small:", *small, "large:", *large])
    assert len(large) <= 11


def test_only_the_coordinator_of_this_municipality_sees_it(coordinator, two_orgs, head, curator, admin, client):
    other = UserFactory(username="other-coordinator")
    Municipality.objects.create(slug="rayon", name="Район", coordinator=other)
    client.force_login(other)
    urls = [
        home_url(),
        reverse("municipal_export", args=["gorod", "xlsx"]),
        reverse("municipal_statistics", args=["gorod"]),
    ]
    for url in urls:
        assert coordinator.client.get(url).status_code == 200, url
        assert client.get(url).status_code == 404, url
        # Staff of the municipality's organisations are not its coordinator, however senior.
        for persona in (head, curator, admin):
            assert persona.client.get(url).status_code == 404, url
    assert client.get(home_url("rayon")).status_code == 200


def test_municipality_without_organisations_says_how_to_add_them(client, db):
    user = UserFactory(username="lonely")
    Municipality.objects.create(slug="pusto", name="Пустой район", coordinator=user)
    client.force_login(user)
    response = client.get(home_url("pusto"))
    html = response.content.decode()
    assert 'data-testid="no-organisations"' in html and "add_municipal_coordinator" in html
    assert 'data-testid="comparison-table"' not in html


def test_the_report_is_kept_ten_minutes_says_when_it_was_computed_and_recomputes_on_request(coordinator, two_orgs):
    first = report(coordinator)
    assert 'data-testid="computed-at"' in first.content.decode()
    assert first.context["report"].totals["mentees"] == 6
    MenteeEntry.objects.filter(organization=two_orgs["school"], status=MenteeEntry.Status.WAITING).delete()
    kept = report(coordinator)
    assert kept.context["report"].totals["mentees"] == 6  # the kept figures, as the page says
    assert kept.context["report"].computed_at == first.context["report"].computed_at
    assert 'data-testid="recompute"' in kept.content.decode()
    recompute_url = reverse("municipal_recompute", args=["gorod"])
    assert coordinator.client.get(f"{recompute_url}?{YEAR}").status_code == 405  # a GET never starts work
    # The worker (here in the request, ImmediateBackend) recomputes; the page sends back to the report it came from.
    recompute = coordinator.client.post(f"{recompute_url}?{YEAR}&sort=-mentees")
    assert recompute.status_code == 302
    assert recompute.url == f"{home_url()}?{YEAR}&sort=-mentees"  # its own address again, period and sort kept
    fresh = coordinator.client.get(recompute.url)
    assert fresh.context["report"].totals["mentees"] == 3
    assert [row.slug for row in fresh.context["report"].rows] == [
        two_orgs["kindergarten"].slug,
        two_orgs["school"].slug,
    ]


def test_an_organisation_joining_the_municipality_shows_at_once(coordinator, two_orgs):
    assert len(report(coordinator).context["report"].rows) == 2
    grow(coordinator.municipality, 1, 300)
    assert len(report(coordinator).context["report"].rows) == 3
