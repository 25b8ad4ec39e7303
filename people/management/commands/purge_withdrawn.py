"""``manage.py purge_withdrawn``: destroy the personal data of people who withdrew their personal-data consent.

Run it daily (cron or a systemd timer). A person is purged once their personal-data consent has been withdrawn
for at least ``--days`` days (PERSONAL_DATA_RETENTION_DAYS, 30 by default) and no new one was given. Each purge
is logged in PurgeRecord. The output gives counts only: names never reach the terminal or the logs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.templatetags.ru import ru_plural
from people.models import Organization, Person
from people.services import purge_due, purge_person

PURGED_BY = "Автоматически (команда purge_withdrawn)"


class Command(BaseCommand):
    help = (
        "Уничтожает персональные данные работников, отозвавших согласие на их обработку, по истечении срока "
        "хранения; записывает уничтожение в журнал."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Сколько дней после отзыва согласия данные ещё хранятся (по умолчанию — настройка "
            "PERSONAL_DATA_RETENTION_DAYS, 30 дней).",
        )
        parser.add_argument("--org", help="Только для организации с этим кодом в адресе (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Только посчитать, ничего не уничтожать.")

    def handle(self, *args, days: int | None, org: str | None, dry_run: bool, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days не может быть отрицательным.")
        organization = None
        if org:
            organization = Organization.objects.filter(slug=org).first()
            if organization is None:
                raise CommandError(f"Организация с кодом «{org}» не найдена.")
        due = list(purge_due(organization, days=days).order_by("pk").values_list("pk", flat=True))
        people = ru_plural(len(due), "работника,работников,работников")
        if dry_run:
            term = ru_plural(days, "день,дня,дней")
            self.stdout.write(f"Проверка без изменений: подлежат уничтожению данные {people} (срок хранения {term}).")
            return
        # One transaction per person: a failure stops the run but keeps the purges already done and logged.
        for person in Person.objects.filter(pk__in=due).order_by("pk"):
            purge_person(person, by=PURGED_BY)
        self.stdout.write(self.style.SUCCESS(f"Уничтожены персональные данные {people}."))
