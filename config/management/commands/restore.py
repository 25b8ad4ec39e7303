"""``manage.py restore <folder> [--force]``: the database and the uploaded files back from a backup (`make restore`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, restore


class Command(BaseCommand):
    help = "Восстановить базу данных и загруженные файлы из папки резервной копии."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help="Папка копии, например var/backups/20260105-120000.")
        parser.add_argument(
            "--force", action="store_true", help="Заменить данные, которые уже есть в базе и в папке файлов."
        )

    def handle(self, *args, folder: str, force: bool, **options) -> None:
        try:
            manifest = restore(Path(folder), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Восстановлено из {folder}: база ({manifest['engine']}) от {manifest['created_at']}, "
            f"файлов: {manifest['media_files']}."
        )
