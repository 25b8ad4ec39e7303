"""``manage.py seed_demo``: two demo organisations with staff, roles, reference lists and demo logins.

The data lives in fixtures/demo_people.json (one line per staff member). The command is idempotent:
organisations are matched by slug, staff by organisation and full name, users by username, roles by
person and kind, so running it again adds nothing. It does reset the demo users' passwords and names, so
the documented logins always work.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from people.models import ROLE_PRIORITY, Organization, Person, Role
from people.services import install_reference_lists

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"
DEMO_PASSWORD = "demo12345"

ORG_FIELDS = ("full_name", "short_name", "kind", "municipality", "region", "address", "site", "email", "phone")
ROLE_KINDS = set(Role.Kind.values)
CATEGORIES = set(Person.Category.values)


def upsert(model, lookup: dict, values: dict):
    """Like ``update_or_create``, but saves an existing row only when a value really differs.

    A second run then touches nothing (no new ``updated_at``, no history records).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj, False


class Command(BaseCommand):
    help = "Создаёт (или дополняет) две демонстрационные организации с работниками, ролями и учётными записями."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            default=str(DEMO_FIXTURE),
            help="JSON-файл с демонстрационными данными (по умолчанию fixtures/demo_people.json).",
        )

    def handle(self, *args, **options):
        data = self.load(Path(options["fixture"]))
        logins: list[tuple[str, ...]] = []
        with transaction.atomic():
            for org_data in data["organizations"]:
                logins += self.seed_organization(org_data)
        self.print_logins(logins)

    # --- loading -------------------------------------------------------------------------------------------

    def load(self, path: Path) -> dict:
        try:
            with path.open(encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Не удалось прочитать {path}: {exc}") from exc
        for org_data in data.get("organizations", []):
            for entry in org_data["staff"]:
                who = f"{org_data['slug']}: {entry['surname']} {entry['name']}"
                unknown = set(entry.get("roles", [])) - ROLE_KINDS
                if unknown:
                    raise CommandError(f"{who}: неизвестные роли {sorted(unknown)}")
                if entry.get("category", "none") not in CATEGORIES:
                    raise CommandError(f"{who}: неизвестная категория {entry['category']!r}")
        return data

    # --- seeding -------------------------------------------------------------------------------------------

    def seed_organization(self, org_data: dict) -> list[tuple[str, ...]]:
        org, created = upsert(
            Organization, {"slug": org_data["slug"]}, {field: org_data.get(field, "") for field in ORG_FIELDS}
        )
        added_refs = install_reference_lists(org)
        new_people = new_roles = 0
        logins = []
        for entry in org_data["staff"]:
            person, person_created = self.seed_person(org, entry)
            new_people += person_created
            for kind in entry.get("roles", []):
                _, role_created = Role.objects.get_or_create(person=person, kind=kind)
                new_roles += role_created
            if entry.get("login"):
                self.seed_user(person, entry["login"])
                held = set(person.roles.values_list("kind", flat=True))
                kinds = ", ".join(kind.label for kind in ROLE_PRIORITY if kind in held)
                logins.append((entry["login"], DEMO_PASSWORD, org.short_name, person.short_name, kinds))
        self.stdout.write(
            f"{org.short_name} ({org.slug}): {'создана' if created else 'уже была'}; "
            f"работников {org.people.count()} (новых {new_people}), "
            f"ролей {Role.objects.for_org(org).count()} (новых {new_roles}), "
            f"записей справочников добавлено {added_refs}."
        )
        return logins

    def seed_person(self, org: Organization, entry: dict) -> tuple[Person, bool]:
        hired_on = entry.get("hired_on")
        return upsert(
            Person,
            {
                "organization": org,
                "surname": entry["surname"],
                "name": entry["name"],
                "patronymic": entry.get("patronymic", ""),
            },
            {
                "position": entry["position"],
                "qualification_category": entry.get("category", Person.Category.NONE),
                "experience_years": entry.get("experience"),
                "email": entry.get("email", ""),
                "phone": entry.get("phone", ""),
                "hired_on": date.fromisoformat(hired_on) if hired_on else None,
                "left_on": None,
            },
        )

    def seed_user(self, person: Person, username: str) -> None:
        user, _ = upsert(
            get_user_model(),
            {"username": username},
            {"first_name": person.name, "last_name": person.surname, "email": person.email, "is_active": True},
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # One account per person within an organisation: detach the login from anyone else who holds it.
        Person.objects.filter(organization=person.organization, user=user).exclude(pk=person.pk).update(user=None)
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user", "updated_at"])

    # --- report --------------------------------------------------------------------------------------------

    def print_logins(self, logins: list[tuple[str, ...]]) -> None:
        headers = ("Логин", "Пароль", "Организация", "Работник", "Роли")
        widths = [max(len(row[i]) for row in [headers, *logins]) for i in range(len(headers))]

        def line(row) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(line(headers)))
        for row in logins:
            self.stdout.write(line(row))
        self.stdout.write(self.style.SUCCESS(f"Готово. Пароль всех демонстрационных учётных записей: {DEMO_PASSWORD}"))
