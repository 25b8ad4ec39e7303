"""Uploaded staff lists waiting between preview and confirmation, and what each confirmed one did, row by row."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from people.models.organization import Organization, Person


def import_file_path(instance: StaffImport, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{instance.organization_id}/{uuid.uuid4().hex}.{suffix}"


class StaffImport(models.Model):
    """One upload of a staff list. The file is kept only until it is applied or cancelled."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Проверен, ждёт подтверждения"
        APPLIED = "applied", "Загружен"
        CANCELLED = "cancelled", "Отменён"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="загрузил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("загружен", default=timezone.now)
    original_name = models.CharField("имя файла", max_length=255)
    file = models.FileField("файл", upload_to=import_file_path, blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField("итог", default=dict, blank=True)
    applied_at = models.DateTimeField("применён", null=True, blank=True)

    class Meta:
        verbose_name = "импорт списка работников"
        verbose_name_plural = "импорт списков работников"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%d.%m.%Y %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PREVIEW

    def mark_applied(self, summary: dict, *, at=None) -> None:
        """The file has been written to the staff list: keep the counts, let go of the file and the rows."""
        self._close(self.Status.APPLIED, summary)
        self.applied_at = at or timezone.now()
        self.save(update_fields=["status", "summary", "file", "applied_at"])

    def cancel(self) -> None:
        """The user decided not to load this file: nothing is written, the file and its rows are let go."""
        self._close(self.Status.CANCELLED, self.summary)
        self.save(update_fields=["status", "summary", "file"])

    def _close(self, status: str, summary: dict) -> None:
        if self.status != self.Status.PREVIEW:
            raise ValueError(f"Import {self.pk} is already {self.status}.")
        self.status = status
        # The rows name people; once the import is closed only the counts stay (nothing for a purge to miss).
        self.summary = {key: value for key, value in (summary or {}).items() if key != "rows"}
        if self.file:
            storage, name = self.file.storage, self.file.name
            self.file = ""
            # Only once the status change is committed: a rolled-back confirmation keeps its file.
            transaction.on_commit(lambda: storage.delete(name))


class StaffImportRowQuerySet(models.QuerySet):
    def to_fix(self):
        """The rows a user should correct and load again: skipped, and loaded with a value left out or in doubt."""
        return self.filter(models.Q(outcome=StaffImportRow.Outcome.SKIPPED) | models.Q(flagged=True))


class StaffImportRow(models.Model):
    """One row of a confirmed staff list: what the import did with it and why, kept for the import's result page.

    `cells` holds the row as the file had it (by the file's columns), so that the flagged and skipped rows can be
    given back as a spreadsheet to fix and load again; `notes` are [column, message] pairs for the user.
    """

    class Outcome(models.TextChoices):
        CREATED = "created", "Добавлен"
        UPDATED = "updated", "Обновлён"
        UNCHANGED = "unchanged", "Без изменений"
        MERGED = "merged", "Повтор, объединён"
        SKIPPED = "skipped", "Пропущена"

    staff_import = models.ForeignKey(StaffImport, verbose_name="импорт", on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField("строка файла")
    outcome = models.CharField("итог", max_length=20, choices=Outcome.choices)
    flagged = models.BooleanField("есть замечания", default=False)
    person = models.ForeignKey(
        Person, verbose_name="работник", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("ФИО как в файле", max_length=400, blank=True)
    notes = models.JSONField("замечания", default=list, blank=True)
    cells = models.JSONField("ячейки строки", default=list, blank=True)

    objects = StaffImportRowQuerySet.as_manager()

    class Meta:
        verbose_name = "строка импорта работников"
        verbose_name_plural = "строки импорта работников"
        ordering = ["staff_import", "line"]
        constraints = [models.UniqueConstraint(fields=["staff_import", "line"], name="staff_import_row_line_unique")]

    def __str__(self) -> str:
        return f"{self.staff_import_id}: строка {self.line}"
