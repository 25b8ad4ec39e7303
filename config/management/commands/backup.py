"""``manage.py backup``: the database and the uploaded files into BACKUP_ROOT/<YYYYMMDD-HHMMSS>/ (`make backup`;
var/backups by default). The worker makes one every night as well (config/tasks.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, backup


class Command(BaseCommand):
    help = "Резервная копия базы данных и загруженных файлов в var/backups/<дата-время>/."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--into",
            default=str(settings.BACKUP_ROOT),
            help="Папка, в которой создаётся папка копии (по умолчанию BACKUP_ROOT, то есть var/backups).",
        )

    def handle(self, *args, into: str, **options) -> None:
        try:
            folder = backup(Path(into))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Резервная копия готова: {folder}")
