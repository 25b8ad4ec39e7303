"""The coordinator's target indicators and the status of the municipality's organisations (/m/<municipality>/…)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from monitoring.forms_targets import TargetsForm
from monitoring.municipal_report import municipal_report, organisations_of
from monitoring.municipal_status import organisation_status, save_targets, target_rows, targets_of
from monitoring.reports import Period, academic_year_start, first_academic_year
from people.access import municipal_view
from people.models import Municipality

# Targets are set for the next year too, and looked back on for at least YEARS_BACK years.
YEARS_AHEAD = 1
YEARS_BACK = 2


def _year_choices(orgs) -> list[tuple[int, str]]:
    current = academic_year_start(timezone.localdate())
    first = max(min(first_academic_year([o.pk for o in orgs]) or current, current - YEARS_BACK), current - 10)
    return [(y, Period.of_year(y).label) for y in range(current + YEARS_AHEAD, first - 1, -1)]


def _year(request: HttpRequest, choices) -> int:
    allowed = {y for y, _ in choices}
    value = request.GET.get("year", "")
    current = academic_year_start(timezone.localdate())
    return int(value) if value.isdigit() and int(value) in allowed else current


@require_http_methods(["GET", "HEAD", "POST"])
@municipal_view
def municipal_targets(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    request.municipality = municipality
    orgs = organisations_of(municipality)
    choices = _year_choices(orgs)
    year = _year(request, choices)
    targets = targets_of(municipality, year)
    shown = {
        key: value.to_integral_value() if value == value.to_integral_value() else value
        for key, value in targets.items()
    }
    form = TargetsForm(request.POST or None, initial_values=shown)
    if request.method == "POST" and form.is_valid():
        count = save_targets(municipality, year, form.values(), by=request.user)
        messages.success(request, f"Целевые показатели на {Period.of_year(year).label} сохранены ({count}).")
        return redirect(f"{request.path}?year={year}")
    report = municipal_report(municipality, Period.of_year(year), orgs, with_everyday=False)
    context = {
        "municipality": municipality,
        "form": form,
        "year": year,
        "year_label": Period.of_year(year).label,
        "years": choices,
        "lines": [(row, form[row.key]) for row in target_rows(targets, report.totals)],
        "org_count": len(orgs),
    }
    return render(request, "monitoring/municipal/targets.html", context, status=400 if form.errors else 200)


@require_GET
@municipal_view
def municipal_status(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    request.municipality = municipality
    statuses = organisation_status(organisations_of(municipality))
    if request.GET.get("sort") == "gaps":
        statuses.sort(key=lambda s: (-s.gaps, s.stages_done, s.org.short_name.lower()))
    context = {
        "municipality": municipality,
        "statuses": statuses,
        "sort": request.GET.get("sort", "name"),
        "totals": {
            "regulation": sum(s.regulation for s in statuses),
            "roadmap": sum(s.roadmap for s in statuses),
            "curator": sum(s.curator for s in statuses),
        },
        "stage_numbers": range(1, 8),
    }
    return render(request, "monitoring/municipal/status.html", context)
