"""The municipal coordinator's pages under /m/<municipality>/: figures of the municipality's organisations,
aggregated and side by side (monitoring.municipal_report), and never a person's data; the recomputation of the
summary runs in the task worker (monitoring.tasks.municipal_report) with its bar on the job's page.
"""

from __future__ import annotations

import tablib
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from core import charts
from core.exports import EXPORT_FORMATS, neutralise, spreadsheet_response
from monitoring import tasks
from monitoring.municipal_report import (
    LABELS,
    PERCENT_KEYS,
    SHORT_LABELS,
    SORTS,
    MunicipalReport,
    Row,
    compute_report,
    organisations_of,
    report_key,
    sort_rows,
)
from monitoring.reports import STAT_INDICATORS, Period, first_academic_year
from people import jobs
from people.access import municipal_view
from people.models import BackgroundJob, Municipality


def _report_for(request: HttpRequest, municipality: Municipality):
    """The report for the chosen period, the bound period form and the chosen sort (validated).

    The figures of two hundred organisations take a good part of a second to gather; the coordinator reads a
    summary, not a live feed. So a computed report is kept for REPORT_CACHE_SECONDS (per municipality, period
    and day) and the page says when it was computed; «Пересчитать» computes it again in the task worker
    (`municipal_recompute`), with a bar, while the page goes on showing the kept figures.
    """
    request.municipality = municipality  # the menu (config.context_processors) needs no query of its own
    orgs = organisations_of(municipality)
    period, form = Period.from_request(request, first_year=first_academic_year([org.pk for org in orgs]))
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    report = caches["shared"].get(report_key(municipality, period, orgs))
    if report is None:
        report = compute_report(municipality, period, orgs)
    report.rows = sort_rows(report.rows, sort)
    return report, form, sort


# --- Charts ----------------------------------------------------------------------------------------------------------


def charts_of(report: MunicipalReport) -> list[dict]:
    """Two comparisons drawn by core.charts (server-side SVG, readable in print), organisations best first."""
    by_coverage = sort_rows(report.rows, "-mentees_with_mentor_share")
    by_pairs = sorted(report.rows, key=lambda r: (-(r.figures["pairs"] + r.figures["groups"]), r.short_name.lower()))
    coverage_title = "Доля наставляемых, закреплённых за наставником, %"
    pairs_title = "Пары и группы, действовавшие в периоде"
    return [
        {
            "title": coverage_title,
            "testid": "chart-coverage",
            "svg": charts.hbar(
                [(r.short_name, r.figures["mentees_with_mentor_share"]) for r in by_coverage],
                title=coverage_title,
                unit=" %",
                max_value=100,
            ),
        },
        {
            "title": pairs_title,
            "testid": "chart-pairs",
            "svg": charts.stacked(
                [(r.short_name, [r.figures["pairs"], r.figures["groups"]]) for r in by_pairs],
                legend=["пары", "группы"],
                title=pairs_title,
            ),
        },
    ]


# --- Pages -----------------------------------------------------------------------------------------------------------


@require_GET
@municipal_view
def municipal_home(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    report, form, sort = _report_for(request, municipality)
    columns = [{"key": key, "label": label, "short": SHORT_LABELS.get(key, label)} for key, label in STAT_INDICATORS]
    context = {
        "municipality": municipality,
        "report": report,
        "form": form,
        "sort": sort,
        "columns": columns,
        "headline": _headline(report.totals),
        "charts": charts_of(report) if report.rows else [],
        "org_count": len(report.rows),
        "table_body": comparison_body(report.rows),
        "recomputing": _recomputing(request, municipality, report.period),
    }
    return render(request, "monitoring/municipal/report.html", context)


# --- Recomputation in the worker -------------------------------------------------------------------------------------


def own_jobs(request: HttpRequest, municipality: Municipality):
    """The access helper of the coordinator's jobs: those this user started for this municipality."""
    return BackgroundJob.objects.filter(municipality=municipality, started_by=request.user)


def _subject(municipality: Municipality, period: Period) -> str:
    return f"municipal:{municipality.pk}:{period.start}:{period.end}"


def _recomputing(request: HttpRequest, municipality: Municipality, period: Period) -> BackgroundJob | None:
    return own_jobs(request, municipality).active().filter(subject=_subject(municipality, period)).first()


@require_POST
@municipal_view
def municipal_recompute(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """«Пересчитать сейчас»: the report of the chosen period computed anew by the worker; the page shows the bar,
    then sends the coordinator back to the report (the period and sort kept)."""
    orgs = organisations_of(municipality)
    period, _form = Period.from_request(request, first_year=first_academic_year([org.pk for org in orgs]))
    back = reverse("municipal_home", args=[municipality.slug])
    query = request.GET.copy()
    back += f"?{query.urlencode()}" if query else ""
    job = jobs.start(
        tasks.municipal_report,
        municipality=municipality,
        user=request.user,
        kind=BackgroundJob.Kind.MUNICIPAL,
        title=f"Пересчёт сводного отчёта за {period.label}",
        subject=_subject(municipality, period),
        args=(municipality.pk, period.start.isoformat(), period.end.isoformat(), back),
    )
    return jobs.follow(request, job)


def _own_job(request: HttpRequest, municipality: Municipality, pk: int) -> BackgroundJob:
    request.municipality = municipality
    return get_object_or_404(own_jobs(request, municipality).select_related("municipality"), pk=pk)


@require_GET
@municipal_view
def municipal_job(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    job = _own_job(request, municipality, pk)
    context = {
        "job": job,
        "municipality": municipality,
        "back_url": reverse("municipal_home", args=[municipality.slug]),
        "back_text": "Сводный отчёт",
        "leave_hint": "в сводном отчёте с новым временем расчёта",
    }
    return render(request, "people/jobs/detail.html", context)


@require_GET
@municipal_view
def municipal_job_progress(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    return render(request, "people/jobs/_progress.html", {"job": _own_job(request, municipality, pk)})


def comparison_body(rows: list[Row]) -> SafeString:
    """The comparison table's rows in one pass: a template loop over 200 × 17 cells takes most of the page's time."""
    parts = []
    for row in rows:
        warnings = "".join(
            f'<div><span class="badge text-bg-warning fw-normal" data-testid="org-warning">{escape(w)}</span></div>'
            for w in row.warnings
        )
        cells = "".join(
            f'<td class="text-end text-nowrap" data-key="{key}">{escape(text)}</td>' for key, text in row.cells
        )
        parts.append(
            f'<tr data-testid="org-row" data-org="{escape(row.slug)}">'
            f'<th scope="row" class="fw-semibold bg-body position-sticky start-0 z-1 min-w-11">{escape(row.short_name)}'
            f"{warnings}</th>"
            f'<td class="small"><abbr title="{escape(row.kind_label)}">{escape(row.kind_abbr)}</abbr></td>'
            f"{cells}</tr>"
        )
    return mark_safe("\n".join(parts))


def _headline(totals: dict) -> list[dict]:
    keys = ["mentors", "mentees", "mentees_with_mentor_share", "pairs", "groups", "young_share", "completed"]
    keys += ["satisfaction_mentees"]
    return [{"key": key, "label": LABELS[key], "value": totals[key], "percent": key in PERCENT_KEYS} for key in keys]


# --- Exports ---------------------------------------------------------------------------------------------------------

# The everyday work beside the indicators (the page's second table): the same figures, one column each.
EVERYDAY_COLUMNS = [
    ("meetings", "Встречи пар и групп за период"),
    ("working", "Работающие пары и группы"),
    ("quiet", "Из них давно без встреч"),
    ("rating", "Средняя оценка встреч наставляемыми (из 5)"),
    ("short", "Краткие формы (ситуационное и скоростное наставничество)"),
    ("events", "Проведённые мероприятия"),
    ("participation", "Справки об участии"),
    ("thanks", "Благодарственные письма"),
]
HEADERS = [
    "Организация",
    "Тип организации",
    *(label for _, label in STAT_INDICATORS),
    *(label for _, label in EVERYDAY_COLUMNS),
]


def everyday_values(figures: dict) -> list:
    return [round(figures[key], 1) if key == "rating" and figures[key] is not None else figures[key]
            for key, _ in EVERYDAY_COLUMNS]  # fmt: skip


def comparison_dataset(report: MunicipalReport, title: str = "") -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[neutralise(h) for h in HEADERS], title=title or None)
    for row in report.rows:
        values = [*row.values, *everyday_values(row.everyday)]
        dataset.append([neutralise(row.short_name), row.kind_label, *(_cell(v) for v in values)])
    totals = [*report.total_values, *everyday_values(report.everyday_totals)]
    dataset.append(["Итого по муниципалитету", "", *(_cell(v) for v in totals)])
    return dataset


def _cell(value):
    return "" if value is None else value


@require_GET
@municipal_view
def municipal_export(request: HttpRequest, municipality: Municipality, fmt: str) -> HttpResponse:
    """The comparison table as XLSX or CSV, in the order and for the period shown on the page."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    report, _, _ = _report_for(request, municipality)
    # tablib itself, not import-export's format wrapper: that one writes numbers into XLSX as text.
    content = comparison_dataset(report).export(fmt)
    return spreadsheet_response(content, fmt, f"Сравнение организаций {report.period.label}")


@require_GET
@municipal_view
def municipal_statistics(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The statistics form of the whole municipality: one sheet of totals, one sheet per organisation's figures."""
    report, _, _ = _report_for(request, municipality)
    totals = tablib.Dataset(headers=["Показатель", "Значение"], title="Итого")
    totals.append(["Муниципалитет", neutralise(municipality.name)])
    totals.append(["Период", report.period.label])
    totals.append(["Организаций", len(report.rows)])
    for key, label in STAT_INDICATORS:
        totals.append([label, _cell(report.totals[key])])
    for name, counts in report.by_form.items():
        totals.append([f"Пары, форма «{name}»", counts["pairs"]])
        totals.append([f"Группы, форма «{name}»", counts["groups"]])
    for (_key, label), value in zip(EVERYDAY_COLUMNS, everyday_values(report.everyday_totals), strict=True):
        totals.append([label, _cell(value)])
    totals.append(["Сформировано", f"{timezone.localdate():%d.%m.%Y}"])
    book = tablib.Databook([totals, comparison_dataset(report, "По организациям")])
    return spreadsheet_response(book.export("xlsx"), "xlsx", f"Статистика наставничества {report.period.label}")
