"""``manage.py setup_organizations``: install the defaults every organisation needs where they are missing.

Reference lists, consent texts, programme templates, order texts and question sets (config.setup). Safe to run
any time: what an organisation already has — edited, switched off or its own — stays as it is, and a second run
installs nothing. `migrate` does the same for the organisations it finds incomplete; this command is for
operators (an organisation created from the shell, a check after restoring a backup).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from config.setup import describe, set_up_organization
from people.models import Organization


class Command(BaseCommand):
    help = (
        "Устанавливает организациям недостающие типовые данные: справочники, тексты согласий, шаблоны программ, "
        "образцы текстов приказов и анкеты. Ничего не меняет в том, что у организации уже есть."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--org",
            action="append",
            default=[],
            help="Только организация с этим кодом в адресе (slug); можно повторить. По умолчанию — все.",
        )

    def handle(self, *args, org: list[str], **options):
        organizations = Organization.objects.order_by("pk")
        if org:
            organizations = organizations.filter(slug__in=org)
            unknown = sorted(set(org) - set(organizations.values_list("slug", flat=True)))
            if unknown:
                raise CommandError(f"Организации с кодом {', '.join(unknown)} не найдены.")
        checked = done = 0
        for organization in organizations:
            checked += 1
            installed = describe(set_up_organization(organization))
            if installed:
                done += 1
                self.stdout.write(f"{organization.short_name} ({organization.slug}): установлено — {installed}.")
        if done:
            self.stdout.write(f"Проверено организаций: {checked}, подготовлено: {done}.")
        else:
            self.stdout.write(f"Проверено организаций: {checked}; все типовые данные уже на месте.")
