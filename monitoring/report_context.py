"""What the report's page and the final analytic report PDF show for an organisation and a period: the sections
with their charts, the headline cards, the curator's conclusions. Shared by the views and the worker's tasks."""

from __future__ import annotations

from django.utils import timezone

from core import charts
from monitoring.models import AnalyticReport
from monitoring.report_figures import Table, org_report
from monitoring.reports import Period
from people.models import Organization, Person

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
    "short_forms",
    "events",
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
    "short_forms": "В периоде не записано ни одной встречи ситуационного или скоростного наставничества.",
    "events": "В периоде нет семинаров, мастер-классов и других мероприятий программы.",
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
    if key in ("roles", "kinds", "endings", "young", "short_forms", "events"):
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


def analytic_report(org: Organization, period: Period) -> AnalyticReport | None:
    return AnalyticReport.objects.filter(organization=org, period_start=period.start, period_end=period.end).first()


def report_context(org: Organization, period: Period) -> dict:
    report = org_report(org, period)
    sections = []
    for key in SECTIONS:
        table = report["tables"][key]
        sections.append({"table": table, "chart": chart(table), "hint": EMPTY_HINTS[key]})
    return {
        "cards": cards(report["summary"]),
        "organization": org,
        "period": period,
        "summary": report["summary"],
        "sections": sections,
        "practices": report["practices"],
        "analytic": analytic_report(org, period),
        "formed_on": timezone.localdate(),
    }


def final_context(org: Organization, period: Period, curator: Person | None) -> dict:
    """The final analytic report's PDF: the report of the period, signed by `curator`."""
    return report_context(org, period) | {"curator": curator}


def final_filename(org: Organization, period: Period) -> str:
    return f"Итоговый аналитический отчёт — {org.short_name}, {period.label}.pdf".replace("/", "-")
