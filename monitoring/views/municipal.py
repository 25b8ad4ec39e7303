"""The municipal coordinator's pages under /m/<municipality>/: figures of the municipality's organisations,
aggregated and side by side, and never a person's data.

Every figure comes from monitoring.reports.org_summary, the same numbers each organisation's report shows. The
municipality's totals are recombined from them, never averaged: counts are summed, shares are recomputed from the
summed counts, and the satisfaction and growth averages are taken over all the municipality's answers at once (an
organisation with many answers weighs more than one with a few). No view here loads a Person: the only queries
touching staff are counts grouped by organisation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import tablib
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from core import charts
from core.exports import EXPORT_FORMATS, neutralise, spreadsheet_response
from monitoring.meeting_figures import blank as meeting_figures_blank
from monitoring.meeting_figures import meeting_figures
from monitoring.meeting_figures import totals as meeting_totals
from monitoring.reports import (
    PERCENT_KEYS,
    STAT_INDICATORS,
    Period,
    first_academic_year,
    org_summary,
    pooled_mean,
    share,
)
from people.access import municipal_view
from people.models import Municipality, Organization, Role

# Shares are recomputed from the summed counts: (part, whole).
SHARES = {
    "mentees_with_mentor_share": ("mentees_with_mentor", "mentees"),
    "young_share": ("young_with_mentor", "young"),
}
# Averages over answers: recomputed over all the municipality's answers (see pooled_averages).
AVERAGES = PERCENT_KEYS - SHARES.keys()
COUNT_KEYS = [key for key, _ in STAT_INDICATORS if key not in PERCENT_KEYS]
LABELS = dict(STAT_INDICATORS)
# Columns of the comparison table that sort: the organisation's name and kind, then every indicator.
SORTS = {"name", "kind", *LABELS}
KIND_ABBR = {
    Organization.Kind.KINDERGARTEN: "ДОО",
    Organization.Kind.SCHOOL: "ОО",
    Organization.Kind.ADDITIONAL: "ОДО",
    Organization.Kind.COLLEGE: "ПОО",
}
# Column headings of the comparison table (the full wording is in their tooltips and in the exported files).
SHORT_LABELS = {
    "mentors": "Наставники",
    "mentees": "Наставляемые",
    "mentees_with_mentor": "из них с наставником",
    "mentees_with_mentor_share": "Доля с наставником, %",
    "pairs": "Пары",
    "groups": "Группы",
    "young": "Молодые специалисты",
    "young_with_mentor": "из них с наставником",
    "young_share": "Охват молодых, %",
    "completed": "Завершено",
    "ended_early": "Досрочно",
    "overdue": "Срок истёк",
    "satisfaction_mentees": "Удовлетворённость наставляемых, %",
    "satisfaction_mentors": "Удовлетворённость наставников, %",
    "growth": "Рост, п. п.",
}


REPORT_CACHE_SECONDS = 600

# --- Figures ---------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One organisation in the comparison: its name and kind, its figures, and what needs the coordinator's eye."""

    slug: str
    short_name: str
    kind: str
    kind_label: str
    figures: dict
    has_curator: bool
    everyday: dict = field(default_factory=meeting_figures_blank)  # monitoring.meeting_figures: meetings, documents

    @property
    def kind_abbr(self) -> str:
        return KIND_ABBR.get(self.kind, self.kind_label)

    @property
    def idle(self) -> bool:
        """No pair or group worked in the period."""
        return not (self.figures["pairs"] or self.figures["groups"])

    @property
    def warnings(self) -> list[str]:
        found = []
        if not self.has_curator:
            found.append("не назначен куратор")
        if self.idle:
            found.append("нет пар и групп в периоде")
        return found

    @property
    def values(self) -> list:
        return [self.figures[key] for key, _ in STAT_INDICATORS]

    @property
    def cells(self) -> list[dict]:
        return cells_of(self.figures)


@dataclass
class MunicipalReport:
    municipality: Municipality
    period: Period
    rows: list[Row]
    totals: dict
    by_form: dict[str, dict] = field(default_factory=dict)
    everyday_totals: dict = field(default_factory=meeting_figures_blank)
    computed_at: datetime | None = None

    @property
    def total_values(self) -> list:
        return [self.totals[key] for key, _ in STAT_INDICATORS]

    @property
    def total_cells(self) -> list[dict]:
        return cells_of(self.totals)


def cells_of(figures: dict) -> list[tuple[str, str]]:
    """(key, text) of each figure, formatted here: a template include per cell costs seconds at 200 rows."""
    return [(key, figure_text(figures[key])) for key, _ in STAT_INDICATORS]


def figure_text(value) -> str:
    """12 → «12», 36.4 → «36,4», 75.0 → «75», None → «—»."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return str(value)


def pooled_averages(summaries: list[dict]) -> dict:
    """Satisfaction and growth over every answer of the municipality's organisations (weighted by answers).

    Each organisation's summary keeps its unrounded means and their numbers of answers (`answers`), so pooling
    asks the database nothing more.
    """
    result = dict.fromkeys(AVERAGES)
    for key in ("satisfaction_mentees", "satisfaction_mentors"):
        result[key] = _round(pooled_mean([s["answers"][key] for s in summaries if key in s["answers"]]))
    start = pooled_mean([s["answers"]["growth_start"] for s in summaries if "growth_start" in s["answers"]])
    end = pooled_mean([s["answers"]["growth_end"] for s in summaries if "growth_end" in s["answers"]])
    if start is not None and end is not None:
        result["growth"] = _round(end - start)
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def totals_of(summaries: list[dict], averages: dict) -> dict:
    """The municipality's figures from its organisations': sums, shares of sums, and the pooled averages."""
    totals = {key: sum(s[key] for s in summaries) for key in COUNT_KEYS}
    for key, (part, whole) in SHARES.items():
        totals[key] = share(totals[part], totals[whole])
    totals.update({key: averages.get(key) for key in AVERAGES})
    return totals


def forms_of(summaries: list[dict]) -> dict[str, dict]:
    """Pairs and groups by form over the municipality, forms matched by name (each organisation has its list)."""
    merged: dict[str, dict] = {}
    for summary in summaries:
        for name, counts in summary["by_form"].items():
            target = merged.setdefault(name, {"pairs": 0, "groups": 0})
            target["pairs"] += counts["pairs"]
            target["groups"] += counts["groups"]
    return dict(sorted(merged.items(), key=lambda item: -(item[1]["pairs"] + item[1]["groups"])))


def municipal_report(
    municipality: Municipality, period: Period, orgs: list[Organization], *, with_everyday: bool = True
) -> MunicipalReport:
    """The municipality's figures; `with_everyday=False` leaves out the meetings, documents, short forms and
    events (monitoring.meeting_figures, five queries) for pages that do not show them."""
    org_ids = [org.pk for org in orgs]
    summary = org_summary(org_ids, period)
    everyday = (
        meeting_figures(org_ids, period, with_work=True)
        if with_everyday
        else {pk: meeting_figures_blank() for pk in org_ids}
    )
    with_curator = set(
        Role.objects.filter(kind=Role.Kind.CURATOR, person__organization_id__in=org_ids, person__left_on__isnull=True)
        .order_by()
        .values("person__organization_id")
        .annotate(n=Count("pk"))
        .values_list("person__organization_id", flat=True)
    )
    rows = [
        Row(
            slug=org.slug,
            short_name=org.short_name,
            kind=org.kind,
            kind_label=org.get_kind_display(),
            figures=summary[org.pk],
            has_curator=org.pk in with_curator,
            everyday=everyday[org.pk],
        )
        for org in orgs
    ]
    summaries = list(summary.values())
    totals = totals_of(summaries, pooled_averages(summaries))
    return MunicipalReport(
        municipality, period, rows, totals, forms_of(summaries), everyday_totals=meeting_totals(everyday.values())
    )


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Rows ordered by a column; «-» before the key sorts descending. Empty figures go last either way."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: r.short_name.lower(), reverse=descending)
    if key == "kind":
        return sorted(rows, key=lambda r: (r.kind_label, r.short_name.lower()), reverse=descending)
    present = [r for r in rows if r.figures[key] is not None]
    missing = [r for r in rows if r.figures[key] is None]
    present.sort(key=lambda r: r.short_name.lower())
    present.sort(key=lambda r: r.figures[key], reverse=descending)
    return present + sorted(missing, key=lambda r: r.short_name.lower())


def _organisations(municipality: Municipality) -> list[Organization]:
    # Not `municipality.organizations`: a reverse manager reads each row's deferred municipal_unit_id (a query a row).
    orgs = Organization.objects.filter(municipal_unit=municipality).only("pk", "slug", "short_name", "kind")
    return list(orgs.order_by("short_name"))


def _report_for(request: HttpRequest, municipality: Municipality, fresh: bool = False):
    """The report for the chosen period, the bound period form and the chosen sort (validated).

    The figures of two hundred organisations take a good part of a second to gather; the coordinator reads a
    summary, not a live feed. So a computed report is kept for REPORT_CACHE_SECONDS (per municipality, period
    and day) and the page says when it was computed; «Пересчитать» (`fresh`) computes it again at once.
    """
    request.municipality = municipality  # the menu (config.context_processors) needs no query of its own
    orgs = _organisations(municipality)
    period, form = Period.from_request(request, first_year=first_academic_year([org.pk for org in orgs]))
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    key = f"municipal-report:v2:{municipality.pk}:{period.start}:{period.end}:{timezone.localdate()}"
    # An organisation joining or leaving shows at once: the key names the set of organisations (as a digest).
    key += ":" + hashlib.sha1(",".join(str(org.pk) for org in orgs).encode(), usedforsecurity=False).hexdigest()
    report = None if fresh else cache.get(key)
    if report is None:
        report = municipal_report(municipality, period, orgs)
        report.computed_at = timezone.now()
        cache.set(key, report, REPORT_CACHE_SECONDS)
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
    if request.GET.get("fresh") == "1":  # «пересчитать сейчас»: compute, then show the page at its own address
        _report_for(request, municipality, fresh=True)
        query = request.GET.copy()
        del query["fresh"]
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
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
    }
    return render(request, "monitoring/municipal/report.html", context)


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

HEADERS = ["Организация", "Тип организации", *(label for _, label in STAT_INDICATORS)]


def comparison_dataset(report: MunicipalReport, title: str = "") -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[neutralise(h) for h in HEADERS], title=title or None)
    for row in report.rows:
        dataset.append([neutralise(row.short_name), row.kind_label, *(_cell(v) for v in row.values)])
    dataset.append(["Итого по муниципалитету", "", *(_cell(v) for v in report.total_values)])
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
    totals.append(["Сформировано", f"{timezone.localdate():%d.%m.%Y}"])
    book = tablib.Databook([totals, comparison_dataset(report, "По организациям")])
    return spreadsheet_response(book.export("xlsx"), "xlsx", f"Статистика наставничества {report.period.label}")
