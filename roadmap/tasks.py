"""Tasks of the roadmap app for the worker (`manage.py run_worker`): the confirmed roadmap import, written in one
transaction with the job's end (people.jobs)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from core.tables import TableError
from people import jobs
from people.changes import organization_changed
from people.models import BackgroundJob
from roadmap import importing


def import_title(pending: dict) -> str:
    return f"Загрузка дорожной карты «{pending['name']}»"


@task()
def confirm_roadmap_import(job_id: int, pending: dict) -> str:
    """Write the roadmap the curator confirmed: its stages and activities, its import record, then the activities
    the data already shows done; the uploaded file is deleted once all of it is committed."""

    def work(job: BackgroundJob, progress: jobs.Progress):
        slug = job.organization.slug
        upload = reverse("roadmap:roadmap_import", args=[slug])
        progress(0, 3, "Читаем файл…", force=True)
        try:
            table = importing.read_table(importing.load_upload(pending["token"]), pending["name"])
        except (OSError, TableError):
            return jobs.Failed("Загруженный файл больше недоступен. Загрузите его ещё раз.", upload, "Загрузить файл")
        preview = importing.parse_pending(pending, table)
        if why := importing.refusal(preview):
            preview_url = reverse("roadmap:roadmap_import_preview", args=[slug])
            return jobs.Failed(f"{why} Ничего не записано.", preview_url, "К проверке файла")
        progress(1, None, f"Записываем этапы и мероприятия: {preview.activity_count}.", force=True)
        record = importing.import_roadmap(
            job.organization,
            preview,
            file_name=pending["name"],
            unused=importing.unused_columns(table, pending["mapping"]),
            by=job.started_by,
            title=pending["title"],
            period_label=pending["period_label"],
            period_start=date.fromisoformat(pending["period_start"]),
            period_end=date.fromisoformat(pending["period_end"]),
        )
        progress(2, None, "Отмечаем мероприятия, которые уже выполнены по данным…", force=True)
        organization_changed(job.organization)  # its activities whose check the data already shows done are done
        transaction.on_commit(lambda: importing.drop_upload(pending["token"]))
        progress(3, None, force=True)
        message = (
            f"Дорожная карта загружена: этапов — {record.stage_count}, мероприятий — {record.activity_count}. "
            "Это проект: действовать она начнёт после утверждения приказом."
        )
        return jobs.Done(message, reverse("roadmap:roadmap_import_result", args=[slug, record.pk]), "Итог загрузки")

    return jobs.run(job_id, work)
