"""Reports on screen with charts, their XLSX/CSV exports, the statistics form and the final analytic report PDF.

The head reads the report; the curator and the administrator also export it (the head gets 404 on the export
addresses, as for every action a role may not take); the curator writes the conclusions of the final report.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from monitoring import tasks
from monitoring.forms_reports import AnalyticReportForm
from monitoring.models import AnalyticReport
from monitoring.report_context import SECTIONS, cards, report_context
from monitoring.report_figures import org_report
from monitoring.report_files import table_response
from monitoring.reports import Period, PeriodForm, first_academic_year
from people import jobs
from people.access import OrgAccess, org_view, require_council_right
from people.models import BackgroundJob, Person, Role

READERS = (Role.Kind.CURATOR, Role.Kind.HEAD, Role.Kind.ADMIN)
# The methodical council reads the report where the organisation gives it the right (people.access).
COUNCIL_READERS = (*READERS, Role.Kind.COUNCIL)
EXPORTERS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
__all__ = ["cards"]  # the headline cards, read by the reports' browser test


def _period(request: HttpRequest, access: OrgAccess) -> tuple[Period, PeriodForm]:
    return Period.from_request(request, first_year=first_academic_year([access.org.pk]))


@require_GET
@org_view(*COUNCIL_READERS)
def reports(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    require_council_right(access, "sees_monitoring", *READERS)
    period, form = _period(request, access)
    context = report_context(access.org, period)
    can_export = access.has(*EXPORTERS)
    can_write = access.has(Role.Kind.CURATOR)
    analytic = context["analytic"]
    initial = {"start": period.start, "end": period.end}
    context.update(
        access=access,
        period_form=form,
        can_export=can_export,
        can_write=can_write,
        conclusions_form=AnalyticReportForm(instance=analytic, initial=initial) if can_write else None,
    )
    return render(request, "monitoring/reports/report.html", context)


@require_GET
@org_view(*EXPORTERS)
def report_export(request: HttpRequest, access: OrgAccess, table: str, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv") or table not in SECTIONS:
        raise Http404
    period, _ = _period(request, access)
    return table_response(org_report(access.org, period)["tables"][table], fmt, access.org, period)


def _job(request: HttpRequest, access: OrgAccess, task, kind: str, title: str, subject: str, args: tuple):
    job = jobs.start(task, access=access, user=request.user, kind=kind, title=title, subject=subject, args=args)
    if job.state == BackgroundJob.State.DONE and job.result_file:  # made at once: the file itself, no message left
        return redirect(job.result_url)
    return jobs.follow(request, job)


@require_POST
@org_view(*EXPORTERS)
def statistics(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The statistics form for the chosen period and, with previous=N, the N academic years before it: a job
    that leaves the workbook on its page."""
    period, _ = _period(request, access)
    try:
        previous = max(0, min(int(request.POST.get("previous", 0)), 5))
    except ValueError:
        previous = 0
    title = f"Статистическая форма за {period.label}" + (f" и {previous} прошлых года" if previous else "")
    subject = f"statistics:{access.org.pk}:{period.start}:{period.end}:{previous}:{request.user.pk}"
    args = (period.start.isoformat(), period.end.isoformat(), previous)
    return _job(request, access, tasks.statistics_workbook, BackgroundJob.Kind.WORKBOOK, title, subject, args)


@require_POST
@org_view(*EXPORTERS)
def final_pdf(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The final analytic report as PDF: a job (the charts and the document take a while) that leaves the file."""
    period, _ = _period(request, access)
    curator = (
        access.person
        if access.has(Role.Kind.CURATOR)
        else Person.objects.for_org(access.org).working().filter(roles__kind=Role.Kind.CURATOR).first()
    )
    title = f"Итоговый аналитический отчёт за {period.label}"
    subject = f"final_report:{access.org.pk}:{period.start}:{period.end}:{request.user.pk}"
    args = (period.start.isoformat(), period.end.isoformat(), curator.pk if curator else None)
    return _job(request, access, tasks.final_report_pdf, BackgroundJob.Kind.REPORT, title, subject, args)


@require_POST
@org_view(Role.Kind.CURATOR)
def report_conclusions(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    form = AnalyticReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выводы не сохранены: " + " ".join(form.non_field_errors() or ["проверьте поля."]))
        return redirect(reverse("monitoring:reports", args=[access.org.slug]))
    period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
    report, _ = AnalyticReport.objects.get_or_create(
        organization=access.org, period_start=period.start, period_end=period.end
    )
    report.conclusions = form.cleaned_data["conclusions"]
    report.proposals = form.cleaned_data["proposals"]
    report.updated_by = request.user
    report.save(update_fields=["conclusions", "proposals", "updated_by", "updated_at"])
    messages.success(request, f"Выводы и предложения за период «{period.label}» сохранены.")
    return redirect(reverse("monitoring:reports", args=[access.org.slug]) + "?" + period.query + "#conclusions")
