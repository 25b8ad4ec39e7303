"""Uploaded staff lists waiting between preview and confirmation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from people.models.organization import Organization


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
