"""The final analytic report on the common ГОСТ page (issue 15, point 2): page numbers at the top centre from page
2, Liberation Serif embedded, tables ≥ 10 pt, the curator's signature kept with the proposals it closes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.models import AnalyticReport
from tests.document_checks import assert_gost_pages, beside_signature, pages_text, render_pngs, signature_alone
from tests.monitoring.test_reports_summary import build_world
from tests.monitoring.test_reports_views import made_by_job


@pytest.fixture
def world(org) -> dict:
    return build_world(org)


def test_the_final_report_is_on_the_common_page_and_signed_under_its_proposals(curator, world):
    org = curator.org
    AnalyticReport.objects.create(
        organization=org,
        period_start="2025-09-01",
        period_end="2026-08-31",
        conclusions="Программа выполнена.\n" * 12,
        proposals="Расширить реверсивное наставничество и провести открытые уроки наставников.",
    )
    # The final report is a background job (the in-process backend runs it at once); its file is the PDF.
    _job, pdf = made_by_job(curator, reverse("monitoring:report_final_pdf", args=[org.slug]) + "?year=2025")
    # The charts are SVG drawn in Liberation Sans (as on the report page); the text is Liberation Serif.
    assert_gost_pages(pdf, fonts=("LiberationSerif", "LiberationSans"))
    pages = pages_text(pdf)
    assert len(pages) >= 2
    markers = [curator.person.short_name, "Куратор реализации программ наставничества", "расшифровка подписи"]
    assert not signature_alone(pdf, markers), beside_signature(pdf, markers)
    signed = next(p for p in pages if curator.person.short_name in p)
    assert "Предложения на следующий период" in signed and "Расширить реверсивное" in signed
    render_pngs(pdf, "analytic-report", first=1, last=2)
