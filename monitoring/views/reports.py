"""Reports on screen with charts, their XLSX/CSV exports, the statistics form and the final analytic report PDF.

The head reads the report; the curator and the administrator also export it (the head gets 404 on the export
addresses, as for every action a role may not take); the curator writes the conclusions of the final report.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import charts
from core.pdf import render_pdf
from monitoring.forms_reports import AnalyticReportForm
from monitoring.models import AnalyticReport
from monitoring.report_figures import Table, org_report
from monitoring.report_files import statistics_response, table_response
from monitoring.reports import Period, PeriodForm, first_academic_year
from people.access import OrgAccess, org_view
from people.models import Person, Role

READERS = (Role.Kind.CURATOR, Role.Kind.HEAD, Role.Kind.ADMIN)
EXPORTERS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
# Sections of the page, in order; each is a table of org_report with its chart.
SECTIONS = [
    "roles",
    "categories",
    "forms",
    "kinds",
    "states",
    "endings",
    "activities",
    "meetings",
    "certificates",
    "satisfaction",
    "questions",
    "growth",
    "young",
]
EMPTY_HINTS = {
    "roles": "В периоде не было ни пар и групп, ни записей в банке наставляемых. Выберите другой период или "
    "сформируйте пары в разделе «Пары и группы».",
    "categories": "В банке наставляемых нет записей этого периода.",
    "forms": "В периоде не действовала ни одна пара или группа.",
    "kinds": "У пар и групп периода не указаны виды наставничества.",
    "states": "В периоде не было пар и групп.",
    "endings": "В периоде ни одна программа не завершилась.",
    "activities": "В планах программ нет мероприятий со сроком в этом периоде.",
    "meetings": "В периоде не записано ни одной встречи. Наставники записывают встречи в журнале на странице пары.",
    "certificates": "В периоде не выдано ни одной справки об участии и ни одного благодарственного письма.",
    "satisfaction": "В этом периоде нет ответов на анкеты удовлетворённости — запустите анкетирование в разделе "
    "«Анкетирование».",
    "questions": "Нет ответов на анкеты удовлетворённости в этом периоде.",
    "growth": "Нет программ с ответами на анкеты самооценки и в начале, и в конце программы (итоговое "
    "анкетирование запущено в периоде). Запустите входное анкетирование при старте программ и итоговое — "
    "при их завершении.",
    "young": "Нет молодых специалистов, завершивших программу не позднее чем за год до конца периода.",
}


def chart(table: Table):
    """The chart of a section, or None when there is nothing to draw."""
    if table.is_empty:
        return None
    rows, key, title = table.rows, table.key, table.title
    if key in ("roles", "kinds", "endings", "young"):
        return charts.hbar([(r[0], r[1]) for r in rows], title=title)
    if key in ("forms", "states"):
        return charts.stacked([(r[0], r[1:3]) for r in rows], legend=("Пары", "Группы"), title=title)
    if key == "categories":
        data = [(r[0], (r[2], r[1] - r[2])) for r in rows]
        return charts.stacked(data, legend=("Закреплены за наставником", "Ожидают"), title=title)
    if key == "activities":
        legend = [r[0] for r in rows]
        return charts.stacked([("Все мероприятия", [r[1] for r in rows])], legend=legend, title=title, percent=True)
    if key == "satisfaction":
        return charts.hbar([(r[0], r[1]) for r in rows], title=title, unit=" %", max_value=100)
    if key == "questions":
        return charts.hbar([(f"{r[1]}: {r[0]}", r[4]) for r in rows], title=title, unit=" %", max_value=100)
    if key == "growth":
        return charts.grouped([(r[0], r[1], r[2]) for r in rows], title=title)
    return None


def cards(s: dict) -> list[tuple[str, str]]:
    """The headline figures over the report."""
    n = charts.number
    return [
        (n(s["mentors"]), "наставников в парах и группах"),
        (n(s["mentees"]), "наставляемых в банке и в парах"),
        (n(s["mentees_with_mentor_share"], " %"), "наставляемых закреплены за наставником"),
        (f"{s['pairs']} / {s['groups']}", "пар / групп действовало в периоде"),
        (n(s["completed"]), "программ завершено в периоде"),
        (n(s["ended_early"]), "программ завершено досрочно"),
        (n(s["satisfaction_mentees"], " %"), "удовлетворённость наставляемых"),
        (_signed(s["growth"]), "рост по самооценке, п. п."),
    ]


def _signed(value: float | None) -> str:
    return charts.number(value) if value is None or value <= 0 else "+" + charts.number(value)


def analytic_report(access: OrgAccess, period: Period) -> AnalyticReport | None:
    return AnalyticReport.objects.filter(
        organization=access.org, period_start=period.start, period_end=period.end
    ).first()


def report_context(access: OrgAccess, period: Period) -> dict:
    report = org_report(access.org, period)
    sections = []
    for key in SECTIONS:
        table = report["tables"][key]
        sections.append({"table": table, "chart": chart(table), "hint": EMPTY_HINTS[key]})
    return {
        "cards": cards(report["summary"]),
        "organization": access.org,
        "period": period,
        "summary": report["summary"],
        "sections": sections,
        "practices": report["practices"],
        "analytic": analytic_report(access, period),
        "formed_on": timezone.localdate(),
    }


def _period(request: HttpRequest, access: OrgAccess) -> tuple[Period, PeriodForm]:
    return Period.from_request(request, first_year=first_academic_year([access.org.pk]))


@require_GET
@org_view(*READERS)
def reports(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    period, form = _period(request, access)
    context = report_context(access, period)
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


@require_GET
@org_view(*EXPORTERS)
def statistics(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The statistics form for the chosen period and, with ?previous=N, the N academic years before it."""
    period, _ = _period(request, access)
    try:
        previous = max(0, min(int(request.GET.get("previous", 0)), 5))
    except ValueError:
        previous = 0
    return statistics_response(access.org, [period, *period.previous_years(previous)])


@require_GET
@org_view(*EXPORTERS)
def final_pdf(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    period, _ = _period(request, access)
    context = report_context(access, period)
    context["curator"] = (
        access.person
        if access.has(Role.Kind.CURATOR)
        else Person.objects.for_org(access.org).working().filter(roles__kind=Role.Kind.CURATOR).first()
    )
    filename = f"Итоговый аналитический отчёт — {access.org.short_name}, {period.label}.pdf".replace("/", "-")
    return render_pdf(request, "documents/analytic_report.html", context, filename)


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
