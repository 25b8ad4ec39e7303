"""Digests of notices (people.notices): one letter per person with what waited for their daily or weekly digest.

`--weekly` first leaves the week's deadline reminders (monitoring.reminders) for every organisation, so those who
chose the weekly digest for them find them in the same letter. Meant for cron until the worker schedules it:

    0 7 * * *  .venv/bin/python manage.py send_digests --daily
    30 7 * * 1 .venv/bin/python manage.py send_digests --weekly
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from monitoring.reminders import post_reminders
from people import notices
from people.models import Organization


class Command(BaseCommand):
    help = "Рассылает сводки уведомлений: ежедневную (--daily) или еженедельную (--weekly) с напоминаниями о сроках."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--daily", action="store_true", help="Ежедневная сводка.")
        group.add_argument("--weekly", action="store_true", help="Еженедельная сводка и напоминания о сроках недели.")
        parser.add_argument(
            "--no-reminders", action="store_true", help="С --weekly: не создавать напоминания о сроках, только сводку."
        )

    def handle(self, *args, daily: bool = False, weekly: bool = False, no_reminders: bool = False, **options) -> None:
        if not daily and not weekly:
            raise CommandError("Укажите --daily или --weekly.")
        if weekly and not no_reminders:
            left = sum(post_reminders(org) for org in Organization.objects.order_by("pk"))
            self.stdout.write(f"Напоминаний о сроках: {left}")
        letters, count = notices.send_digests("weekly" if weekly else "daily")
        self.stdout.write(f"Отправлено сводок: {letters}, уведомлений в них: {count}")
