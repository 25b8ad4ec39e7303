"""Tasks of the people app for the worker (`manage.py run_worker`): the staff import's check and confirmation,
and the daily purge of withdrawn consents and of abandoned uploads (scheduled by config/schedules.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from core.tables import TableError
from people import importing, jobs
from people.models import BackgroundJob, Person, StaffImport
from people.services import purge_due, purge_person

PURGED_BY = "Автоматически (фоновая задача по расписанию)"
# An uploaded staff list nobody confirmed or cancelled within a day is let go, file and rows.
ABANDONED_AFTER = timedelta(days=1)


def staff_import_title(staff_import: StaffImport) -> str:
    return f"Загрузка списка работников «{staff_import.original_name}»"


def staff_check_title(staff_import: StaffImport) -> str:
    return f"Проверка списка работников «{staff_import.original_name}»"


@task()
def check_staff_import(job_id: int, import_id: int) -> str:
    """The preview of an uploaded staff list: every row read and matched (a dry run), nothing written to staff."""

    def work(job: BackgroundJob, progress: jobs.Progress):
        slug = job.organization.slug
        imports = StaffImport.objects.filter(organization=job.organization).defer("summary")
        staff_import = imports.filter(pk=import_id).first()
        upload = reverse("people:staff_import", args=[slug])
        if staff_import is None:
            raise jobs.JobFailed("Загрузка не найдена: возможно, её отменили. Загрузите файл ещё раз.")
        progress(0, 0, "Читаем файл…")
        try:
            outcome = importing.check_import(staff_import, progress=progress)
        except TableError as refused:  # the whole file is beyond what the upload's first look could see
            return jobs.Failed(f"Файл не загружен. {refused}", upload, "Загрузить другой файл")
        preview = reverse("people:staff_import_preview", args=[slug, import_id])
        if outcome == importing.MISSING:
            return jobs.Failed("Загруженный файл больше недоступен. Загрузите его ещё раз.", upload, "Загрузить файл")
        if outcome == importing.CLOSED:
            if staff_import.is_open:
                return jobs.Done("Этот файл уже проверен.", preview, "К проверке файла")
            raise jobs.JobFailed("Загрузка этого файла отменена. Загрузите его ещё раз.")
        counts = staff_import.summary["counts"]
        message = (
            f"Файл проверен: новых {counts['new']}, изменятся {counts['update']}, без изменений "
            f"{counts['unchanged']}, пропускаются {counts['skipped']}. Ничего не записано до подтверждения."
        )
        return jobs.Done(message, preview, "К проверке файла")

    return jobs.run(job_id, work)


@task()
def confirm_staff_import(job_id: int, import_id: int) -> str:
    def work(job: BackgroundJob, progress: jobs.Progress):
        slug = job.organization.slug
        imports = StaffImport.objects.filter(organization=job.organization).defer("summary")  # megabytes of rows
        staff_import = imports.filter(pk=import_id).first()
        if staff_import is None:
            raise jobs.JobFailed("Загрузка не найдена: возможно, её отменили. Загрузите файл ещё раз.")
        progress(0, 0, "Читаем файл…")
        outcome = importing.confirm_import(staff_import, progress=progress)
        preview = reverse("people:staff_import_preview", args=[slug, import_id])
        result = reverse("people:staff_import_result", args=[slug, import_id])
        if outcome == importing.MISSING:
            upload = reverse("people:staff_import", args=[slug])
            return jobs.Failed("Загруженный файл больше недоступен. Загрузите его ещё раз.", upload, "Загрузить файл")
        if outcome == importing.FAILED:
            return jobs.Failed(
                "Пока файл ждал подтверждения, список работников изменился, и итог загрузки стал другим. Ничего не "
                "записано. Проверьте строки на странице проверки и подтвердите ещё раз.",
                preview,
                "К проверке файла",
            )
        if outcome == importing.CLOSED:
            if staff_import.status == StaffImport.Status.APPLIED:
                return jobs.Done("Этот файл уже загружен.", result, "Итог загрузки")
            raise jobs.JobFailed("Загрузка этого файла отменена. Загрузите его ещё раз.")
        counts = staff_import.summary["counts"]
        message = (
            f"Список работников загружен: добавлено {counts['new']}, обновлено {counts['update']}, "
            f"без изменений {counts['unchanged']}, пропущено строк {counts['skipped']}."
        )
        return jobs.Done(message, result, "Итог загрузки")

    return jobs.run(job_id, work)


@task()
def purge_withdrawn_consents() -> int:
    """Personal data of those who withdrew their consent more than PERSONAL_DATA_RETENTION_DAYS ago; one
    transaction per person (purge_person), as the `purge_withdrawn` command does."""
    due = purge_due(None, days=settings.PERSONAL_DATA_RETENTION_DAYS).order_by("pk").values_list("pk", flat=True)
    purged = 0
    for person in Person.objects.filter(pk__in=list(due)).order_by("pk"):
        purge_person(person, by=PURGED_BY)
        purged += 1
    return purged


@task()
def clean_abandoned_imports() -> int:
    """Staff lists uploaded more than a day ago and neither confirmed nor cancelled: their files are deleted."""
    cutoff = timezone.now() - ABANDONED_AFTER
    left = 0
    for staff_import in StaffImport.objects.filter(status=StaffImport.Status.PREVIEW, created_at__lt=cutoff):
        if importing.cancel_import(staff_import):
            left += 1
    return left
