"""The report page, its exports, the statistics form and the final analytic report PDF."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from mentoring.models import Mentorship
from monitoring.models import AnalyticReport, Practice, Question
from monitoring.report_files import statistics_rows
from monitoring.reports import STAT_INDICATORS, org_summary
from people.models import BackgroundJob
from tests.mentoring.pair_fixtures import bulk_pairs, make_pair
from tests.monitoring.report_fixtures import answer, question_set, survey
from tests.monitoring.test_reports_summary import SCALE10, YEAR, build_world

Q2025 = "?year=2025"


def url(org, name: str, *args) -> str:
    return reverse(f"monitoring:{name}", args=[org.slug, *args])


def made_by_job(persona, address: str, data: dict | None = None) -> tuple[BackgroundJob, bytes]:
    """Start the job from the reports page (the in-process backend runs it at once) and download its file."""
    response = persona.client.post(address, data or {})
    job = BackgroundJob.objects.latest("pk")
    assert job.state == BackgroundJob.State.DONE, job.error
    assert response.status_code == 302 and response.url == reverse("people:job_file", args=[persona.org.slug, job.pk])
    download = persona.client.get(response.url)
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    return job, b"".join(download.streaming_content)


@pytest.fixture
def world(org) -> dict:
    return build_world(org)


def test_curator_sees_the_report_with_charts(curator, world):
    response = curator.client.get(url(curator.org, "reports") + Q2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025/2026 учебный год" in html
    assert html.count("<svg") >= 8
    assert 'data-testid="final-pdf"' in html and 'data-testid="export-roles"' in html
    assert 'name="conclusions"' in html
    assert "Наставляемые: компетентностный рост" in html


def test_head_reads_but_cannot_export(head, world):
    org = head.org
    response = head.client.get(url(org, "reports") + Q2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="final-pdf"' not in html and 'name="conclusions"' not in html
    assert head.client.get(url(org, "report_export", "roles", "xlsx")).status_code == 404
    assert head.client.post(url(org, "report_statistics")).status_code == 404
    assert head.client.post(url(org, "report_final_pdf")).status_code == 404
    assert not BackgroundJob.objects.exists()
    data = {"start": "2025-09-01", "end": "2026-08-31", "conclusions": "Нет", "proposals": ""}
    assert head.client.post(url(org, "report_conclusions"), data).status_code == 404


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_participants_and_strangers_get_404(request, org, who):
    client = request.getfixturevalue(who).client
    for name, args in [("reports", ()), ("report_export", ("roles", "csv"))]:
        assert client.get(url(org, name, *args)).status_code == 404
    for name in ("report_final_pdf", "report_statistics"):
        assert client.post(url(org, name)).status_code == 404
    assert not BackgroundJob.objects.exists()


def test_empty_period_explains_what_to_do(admin):
    html = admin.client.get(url(admin.org, "reports")).content.decode()
    assert "нет ответов на анкеты удовлетворённости — запустите анкетирование" in html
    assert "<svg" not in html


def test_table_exports_xlsx_and_csv(admin, world):
    org = admin.org
    response = admin.client.get(url(org, "report_export", "endings", "xlsx") + Q2025)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Итог", "Пар и групп"]
    assert ["Досрочно: по инициативе наставляемого", 1] in rows
    response = admin.client.get(url(org, "report_export", "satisfaction", "csv") + Q2025)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed[1][:2] == ["Наставляемые", "50.0"]
    assert admin.client.get(url(org, "report_export", "nothing", "xlsx")).status_code == 404
    assert admin.client.get(url(org, "report_export", "roles", "pdf")).status_code == 404


def test_export_neutralises_formulas(curator, world):
    org = curator.org
    qs = question_set(org, "satisfaction", [{"text": '=HYPERLINK("http://x")', **SCALE10}])
    answer(survey(org, qs, YEAR.start), world["mentees"][1], world["p1"], "mentee", {'=HYPERLINK("http://x")': 5})
    response = curator.client.get(url(org, "report_export", "questions", "xlsx") + Q2025)
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x")' in texts
    assert not any(str(t).startswith("=") for t in texts)


def test_statistics_form_shows_the_numbers_of_the_screen(curator, world):
    org = curator.org
    _job, content = made_by_job(curator, url(org, "report_statistics") + Q2025, {"previous": 1})
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["2025-2026 учебный год", "2024-2025 учебный год"]
    sheet = book["2025-2026 учебный год"]
    assert org.full_name in sheet["B2"].value
    assert "2025/2026 учебный год" in sheet["B3"].value
    values = {row[1].value: row[2].value for row in sheet.iter_rows(min_row=7)}
    summary = org_summary([org.pk], YEAR)[org.pk]
    for key, label in STAT_INDICATORS:
        expected = summary[key]
        assert values[label] == (expected if expected is not None else "нет данных"), key
    assert values["Педагог – педагог: пары"] == 2
    assert values["Руководитель образовательной организации – педагог: группы"] == 1
    html = curator.client.get(url(org, "reports") + Q2025).content.decode()
    for key in ("mentors", "mentees", "completed", "ended_early"):
        assert f'<div class="stat-value">{summary[key]}</div>' in html
    assert f"{summary['pairs']} / {summary['groups']}" in html
    assert '<div class="stat-value">66,7 %</div>' in html  # mentees with a mentor
    assert '<div class="stat-value">+50</div>' in html  # growth
    previous = {row[1].value: row[2].value for row in book["2024-2025 учебный год"].iter_rows(min_row=7)}
    assert previous[STAT_INDICATORS[0][1]] == org_summary([org.pk], YEAR.previous_years(1)[0])[org.pk]["mentors"]
    assert len(statistics_rows(summary)) == len(STAT_INDICATORS) + 1 + 2 * 2


def test_curator_writes_conclusions_and_they_print_in_the_pdf(curator, world):
    org = curator.org
    Practice.objects.create(organization=org, title="Педагогическая мастерская", description="…")
    data = {
        "start": "2025-09-01",
        "end": "2026-08-31",
        "conclusions": "Программа выполнена, молодые педагоги остались в школе.",
        "proposals": "Расширить реверсивное наставничество.",
    }
    response = curator.client.post(url(org, "report_conclusions"), data)
    assert response.status_code == 302
    report = AnalyticReport.objects.get(organization=org)
    assert (report.period_start.isoformat(), report.period_end.isoformat()) == ("2025-09-01", "2026-08-31")
    assert "Расширить реверсивное" in curator.client.get(url(org, "reports") + Q2025).content.decode()

    job, content = made_by_job(curator, url(org, "report_final_pdf") + Q2025)
    assert job.result_name == f"Итоговый аналитический отчёт — {org.short_name}, 2025-2026 учебный год.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    assert "Итоговый аналитический отчёт о реализации системы наставничества" in text
    assert "2025/2026 учебный год" in text
    assert "Программа выполнена, молодые педагоги остались в школе." in text
    assert "Расширить реверсивное наставничество." in text
    assert "66,7 %" in text  # mentees with a mentor
    assert "По инициативе наставляемого".lower() in text.lower()
    assert curator.person.short_name in text
    assert "Педагогическая мастерская" not in text  # saved today: not in 2025/2026


def test_conclusions_of_another_period_are_separate(curator, world):
    org = curator.org
    base = {"conclusions": "Первое полугодие", "proposals": ""}
    curator.client.post(url(org, "report_conclusions"), {**base, "start": "2025-09-01", "end": "2025-12-31"})
    curator.client.post(url(org, "report_conclusions"), {**base, "start": "2025-09-01", "end": "2025-12-31"})
    assert AnalyticReport.objects.filter(organization=org).count() == 1
    html = curator.client.get(url(org, "reports") + Q2025).content.decode()
    assert "Первое полугодие" not in html
    html = curator.client.get(url(org, "reports") + "?start=2025-09-01&end=2025-12-31").content.decode()
    assert "Первое полугодие" in html


def test_report_page_queries_do_not_grow(curator, world):
    org = curator.org
    page = url(org, "reports")
    curator.client.get(page)
    cache.clear()  # as after a write in the organisation: the figures are computed anew (people.changes)
    with CaptureQueriesContext(connection) as small:
        assert curator.client.get(page).status_code == 200
    bulk_pairs(org, 30, start=9000)
    qs = question_set(org, "satisfaction", [{"text": "Оценка", **SCALE10}])
    rnd = survey(org, qs, YEAR.end)
    for m in org.mentorship_set.all()[:10]:
        if hasattr(m, "programme"):
            answer(rnd, m.mentor, m, "mentor", {"Оценка": 8})
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert curator.client.get(page).status_code == 200
    assert len(large) == len(small)
    # Read again with nothing written: the summary (4 queries: its questionnaire averages come from the tables'
    # rows), the tables (9), the meetings' figures (2), the everyday work's (2 more: monitoring.meeting_figures
    # adds the pairs without meetings and the certificates), the short forms (1) and the events (1) come from the cache.
    with CaptureQueriesContext(connection) as warm:
        assert curator.client.get(page).status_code == 200
    assert len(warm) == len(large) - 19


def test_after_a_write_the_report_shows_the_new_figures(curator, persona):
    """No stale read: completing a pair through its page changes the organisation's version."""
    org = curator.org
    pair = make_pair(persona(org, "mentor").person, persona(org, "mentee").person, state=Mentorship.State.ACTIVE)
    page = url(org, "reports")
    before = curator.client.get(page).context["summary"]
    assert (before["pairs"], before["completed"]) == (1, 0)
    curator.client.post(
        reverse("mentoring:mentorship_complete", args=[org.slug, pair.pk]), {"on": timezone.localdate().isoformat()}
    )
    after = curator.client.get(page).context["summary"]
    assert (after["pairs"], after["completed"]) == (1, 1)  # it worked in the year, and ended in it


def test_question_kind_constant():
    assert Question.Kind.SCALE == "scale"
