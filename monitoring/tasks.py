"""Tasks of the monitoring app for the worker: the daily and weekly digests of notices, the weekly one with the
week's deadline reminders first (as `manage.py send_digests` does; scheduled by config/schedules.py); the final
analytic report PDF and the statistics workbook, started from the reports page, each leaving its file on its job;
the municipal summary recomputed for the coordinator and kept where every web process reads it."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from core.pdf import pdf_bytes
from monitoring.municipal_report import REPORT_STEPS, compute_report, organisations_of
from monitoring.reminders import post_reminders
from monitoring.report_context import final_context, final_filename
from monitoring.report_files import statistics_workbook as statistics_workbook_bytes
from monitoring.reports import Period
from people import jobs, notices
from people.models import BackgroundJob, Municipality, Organization, Person


@task()
def send_digests(period: str) -> dict:
    """`period` is "daily" or "weekly"; returns the counts, kept with the task's result."""
    reminders = 0
    if period == "weekly":
        reminders = sum(post_reminders(org) for org in Organization.objects.order_by("pk"))
    letters, count = notices.send_digests(period)
    return {"reminders": reminders, "letters": letters, "notices": count}


def _period(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


@task()
def final_report_pdf(job_id: int, start: str, end: str, curator_id: int | None) -> str:
    """The final analytic report of the period as PDF, signed by the curator `curator_id`."""

    def work(job: BackgroundJob, progress: jobs.Progress):
        org, period = job.organization, _period(start, end)
        progress(0, 3, "Считаем показатели за период…", force=True)
        curator = Person.objects.for_org(org).filter(pk=curator_id).first() if curator_id else None
        context = final_context(org, period, curator)
        progress(1, None, "Рисуем диаграммы и собираем документ…", force=True)
        content = pdf_bytes("documents/analytic_report.html", context)
        progress(2, None, "Сохраняем файл…", force=True)
        message = f"Итоговый аналитический отчёт за {period.label} готов: {len(content) // 1024 + 1} КБ, PDF."
        return jobs.Done(message, link_text="Скачать PDF", file_name=final_filename(org, period), content=content)

    return jobs.run(job_id, work)


@task()
def statistics_workbook(job_id: int, start: str, end: str, previous: int) -> str:
    """The statistics form of the period and of `previous` academic years before it, a sheet each."""

    def work(job: BackgroundJob, progress: jobs.Progress):
        org, period = job.organization, _period(start, end)
        periods = [period, *period.previous_years(previous)]
        progress(0, 2, f"Считаем показатели: периодов — {len(periods)}…", force=True)
        content = statistics_workbook_bytes(org, periods)
        progress(1, None, "Сохраняем файл…", force=True)
        name = f"Статистическая форма — {org.short_name}, {period.label}.xlsx".replace("/", "-")
        message = f"Статистическая форма за {period.label} готова" + (
            f" (и за {previous} прошлых учебных года, каждый на своём листе)." if previous else "."
        )
        return jobs.Done(message, link_text="Скачать таблицу", file_name=name, content=content)

    return jobs.run(job_id, work)


@task()
def municipal_report(job_id: int, municipality_id: int, start: str, end: str, back: str) -> str:
    """The municipality's summary of the period computed anew (monitoring.municipal_report.compute_report); the
    job's link goes back to the report page it was started from (`back`, with its period and sort)."""

    def work(job: BackgroundJob, progress: jobs.Progress):
        municipality = Municipality.objects.get(pk=municipality_id)
        orgs = organisations_of(municipality)
        report = compute_report(
            municipality,
            _period(start, end),
            orgs,
            progress=lambda step, message: progress(step, REPORT_STEPS, message, force=True),
        )
        count = len(report.rows)
        message = f"Сводный отчёт за {report.period.label} пересчитан: организаций — {count}."
        return jobs.Done(message, url=back, link_text="Открыть сводный отчёт")

    return jobs.run(job_id, work)
