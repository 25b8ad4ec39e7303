"""``manage.py seed_demo``: two demo organisations with staff, roles, reference lists and demo logins,
consents, both banks and the training of mentors, pairs and groups in every state with their programmes,
orders in every state (approved ones with real numbers, PDFs and hashes), a roadmap of the current
academic year for each organisation (config/demo/roadmap.py).

The data lives in fixtures/demo_people.json (one line per staff member or bank entry). The command is
idempotent: organisations are matched by slug, staff by organisation and full name, users by username, roles
by person and kind, consents by person and purpose, bank entries by person, training events by topic, so
running it again adds nothing. It does reset the demo users' passwords and names, so the documented logins
always work.

Dates of requests, interviews, consents and training are given in days before today, so the demo looks the
same whenever it is installed. One personal-data consent is withdrawn 40 days ago: ``purge_withdrawn`` has
someone to destroy.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from config.demo.coauthor import seed_coauthor
from config.demo.council import seed_council
from config.demo.esign import seed_second_factor
from config.demo.file_jobs import seed_file_jobs
from config.demo.items import seed_order_items
from config.demo.jobs import seed_jobs
from config.demo.meetings import seed_meetings
from config.demo.municipality import seed_municipality
from config.demo.notices import seed_notices
from config.demo.orders import seed_orders
from config.demo.pairs import check_pairs, seed_pairs
from config.demo.paper_orders import seed_paper_orders
from config.demo.practices import seed_practices
from config.demo.publishing import seed_publishing
from config.demo.questionnaires import seed_questionnaires
from config.demo.regulation import seed_regulation
from config.demo.roadmap import seed_roadmap
from config.demo.staff_import import seed_staff_import
from config.demo.surveys import seed_surveys
from config.setup import describe, set_up_organization
from mentoring.models import Mentorship
from people import notices
from people.changes import touch
from people.declension import OVERRIDABLE
from people.models import (
    ROLE_PRIORITY,
    Consent,
    ConsentText,
    Direction,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    MentoringForm,
    MentoringKind,
    Organization,
    Person,
    Purpose,
    Role,
    TrainingEvent,
)
from people.services import withdraw_consent
from roadmap.models import Order, Roadmap

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"
DEMO_PASSWORD = "demo12345"

ORG_FIELDS = (
    "full_name",
    "short_name",
    "kind",
    "municipality",
    "city",
    "region",
    "address",
    "site",
    "email",
    "phone",
    "programme_approver",  # who approves programmes, as each organisation's regulation says
    # The operator's requisites the consent forms print: fictitious, though their control digits are right.
    "legal_address",
    "inn",
    "ogrn",
)
ROLE_KINDS = set(Role.Kind.values)
CATEGORIES = set(Person.Category.values)
MENTEE_STATUSES = {"waiting", "supported", "requested", "left", "declined"}
MENTOR_STATUSES = {"candidate", "selected"}


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
            municipal_login = seed_municipality(DEMO_PASSWORD)
            self.stdout.write(seed_surveys())
            if municipal_login:
                logins.append(municipal_login)
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
            self.check_banks(org_data)
        return data

    def check_banks(self, org_data: dict) -> None:
        """Every name in the bank sections is a staff member of the organisation; statuses are known."""
        staff = {f"{e['surname']} {e['name']}" for e in org_data["staff"]}
        consents = org_data.get("consents", {})
        names = [*consents.get("missing", []), *consents.get("no_duties", []), *consents.get("publication", [])]
        names += [w["person"] for w in consents.get("withdrawn", [])]
        for entry in org_data.get("mentee_bank", []):
            names += [entry["person"], *([entry["collected_by"]] if entry.get("collected_by") else [])]
            if entry["status"] not in MENTEE_STATUSES:
                raise CommandError(f"{org_data['slug']}: {entry['person']}: неизвестный статус {entry['status']!r}")
        for entry in org_data.get("mentor_bank", []):
            names.append(entry["person"])
            if entry["status"] not in MENTOR_STATUSES:
                raise CommandError(f"{org_data['slug']}: {entry['person']}: неизвестный статус {entry['status']!r}")
        for event in org_data.get("trainings", []):
            names += event["attendees"]
        unknown = sorted(set(names) - staff)
        if unknown:
            raise CommandError(f"{org_data['slug']}: в банках упомянуты работники, которых нет в списке: {unknown}")
        check_pairs(org_data, staff)

    # --- seeding -------------------------------------------------------------------------------------------

    def seed_organization(self, org_data: dict) -> list[tuple[str, ...]]:
        org, created = upsert(
            Organization, {"slug": org_data["slug"]}, {field: org_data.get(field, "") for field in ORG_FIELDS}
        )
        installed = describe(set_up_organization(org))
        new_people = new_roles = 0
        logins = []
        for entry in org_data["staff"]:
            person, person_created = self.seed_person(org, entry)
            new_people += person_created
            new_roles += self.seed_person_roles(person, entry)
            if entry.get("login"):
                self.seed_user(person, entry["login"])
                held = set(person.roles.values_list("kind", flat=True))
                kinds = ", ".join(kind.label for kind in ROLE_PRIORITY if kind in held)
                logins.append((entry["login"], DEMO_PASSWORD, org.short_name, person.short_name, kinds))
        self.stdout.write(
            f"{org.short_name} ({org.slug}): {'создана' if created else 'уже была'}; "
            f"работников {org.people.count()} (новых {new_people}), "
            f"ролей {Role.objects.for_org(org).count()} (новых {new_roles}), "
            f"типовые данные: {installed or 'уже были'}."
        )
        seed_second_factor(org)
        self.seed_banks(org, org_data)
        touch(org)  # the demo writes past the pages: figures cached for the organisation are computed anew
        return logins

    # --- consents, banks, training -------------------------------------------------------------------------

    def seed_banks(self, org: Organization, org_data: dict) -> None:
        if "consents" not in org_data:
            return
        today = timezone.localdate()
        people = {f"{p.surname} {p.name}": p for p in Person.objects.for_org(org).working()}
        curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
        by = curator.user if curator else None
        new_consents = self.seed_consents(org, org_data, people, by, today)
        new_mentees = sum(self.seed_mentee(org, e, people, by, today) for e in org_data.get("mentee_bank", []))
        new_mentors = sum(self.seed_mentor(org, e, people, by, today) for e in org_data.get("mentor_bank", []))
        new_trainings = sum(self.seed_training(org, e, people, today) for e in org_data.get("trainings", []))
        new_withdrawals = 0
        for item in org_data["consents"].get("withdrawn", []):
            consent = Consent.objects.active().filter(person=people[item["person"]], purpose=Purpose.PERSONAL_DATA)
            consent = consent.first()
            already = Consent.objects.filter(
                person=people[item["person"]], purpose=Purpose.PERSONAL_DATA, withdrawn_on__isnull=False
            )
            if consent is not None and not already.exists():
                withdraw_consent(consent, by=by, on=today - timedelta(days=item["days_ago"]))
                new_withdrawals += 1
        # The pairs' past is replayed: nobody is told of it, and the staff list's roles stand as the demo states them
        # (a pair that ended in the demo's past takes a role the demo person still holds today).
        with notices.silenced():
            new_pairs, new_support = seed_pairs(org, org_data, people, by) if "pairs" in org_data else (0, 0)
        self.seed_roles(org, org_data)
        # Signed on paper the year before and registered first: the numbers approved here continue after them.
        new_orders = seed_paper_orders(org)
        if "pairs" in org_data:
            flagged = people.get(org_data.get("quiet_mentor", ""))
            self.stdout.write(f"  встреч в журналах новых {seed_meetings(org, flagged)};")
        new_orders += seed_orders(org, people) if "pairs" in org_data else 0
        new_orders += seed_order_items(org)
        new_roadmaps = seed_roadmap(org)
        # The kindergarten's regulation and roadmap are approved by order; the school's regulation waits for one.
        seed_regulation(org, approve=org.kind == Organization.Kind.KINDERGARTEN)
        # Monitoring and results (stages 6 and 7): questionnaires answered, practices, publication.
        new_results = seed_questionnaires(org, people, by) if "pairs" in org_data else 0
        new_results += seed_practices(org, people, by) if "pairs" in org_data else 0
        new_results += seed_publishing(org, people, by) if "pairs" in org_data else 0
        new_results += seed_council(org, by) if "pairs" in org_data else 0
        # The staff list as it was once loaded from the HR file (issue 18): its result stays in the history.
        seed_staff_import(org, by)
        seed_jobs(org)
        self.stdout.write(f"  выбор пар и совместные программы: новых записей {seed_coauthor(org)};")
        seed_file_jobs(org)
        # What each role finds in the notification centre (issue 16), from the data above; no letters.
        new_notices = seed_notices(org)
        self.stdout.write(
            f"  пар и групп {Mentorship.objects.filter(organization=org).count()} (новых {new_pairs}), "
            f"записей о сопровождении без пары новых {new_support}; "
            f"приказов {Order.objects.filter(organization=org).count()} (новых {new_orders}); "
            f"дорожных карт {Roadmap.objects.for_org(org).count()} (новых {new_roadmaps}); "
            f"записей мониторинга и публикаций новых {new_results}; уведомлений новых {new_notices};"
        )
        self.stdout.write(
            f"  согласий {Consent.objects.for_org(org).count()} (новых {new_consents}, отозвано {new_withdrawals}); "
            f"банк наставляемых {MenteeEntry.objects.for_org(org).count()} (новых {new_mentees}), "
            f"банк наставников {MentorEntry.objects.for_org(org).count()} (новых {new_mentors}), "
            f"обучающих мероприятий {TrainingEvent.objects.filter(organization=org).count()} (новых {new_trainings})."
        )

    def consent_texts(self, org: Organization) -> dict[str, ConsentText]:
        # Installed with the organisation (set_up_organization in seed_organization).
        return {purpose: ConsentText.objects.current(org, purpose) for purpose in Purpose.values}

    def seed_consents(self, org: Organization, org_data: dict, people: dict, by, today: date) -> int:
        """Personal data for all but the `missing`; duties for bank members and role holders; publication for some.

        A person who already has any consent for a purpose (active or withdrawn) is left as they are.
        """
        spec = org_data["consents"]
        texts = self.consent_texts(org)
        given_on = today - timedelta(days=spec.get("given_days_ago", 75))
        missing = set(spec.get("missing", []))
        withdrawn = {item["person"] for item in spec.get("withdrawn", [])}
        participants = {e["person"] for e in [*org_data.get("mentee_bank", []), *org_data.get("mentor_bank", [])]}
        participants |= {
            key
            for key, person in people.items()
            if person.roles.filter(kind__in=[Role.Kind.MENTOR, Role.Kind.MENTEE]).exists()
        }
        wanted = {Purpose.PERSONAL_DATA: set(people) - missing}
        wanted[Purpose.DUTIES] = participants - missing - withdrawn - set(spec.get("no_duties", []))
        wanted[Purpose.PUBLICATION] = set(spec.get("publication", [])) - missing - withdrawn
        have = set(Consent.objects.for_org(org).values_list("person_id", "purpose"))
        new = [
            Consent(
                organization=org,
                person=people[key],
                purpose=purpose,
                text=texts[purpose],
                given_on=given_on,
                registered_by=by,
            )
            for purpose, keys in wanted.items()
            for key in sorted(keys)
            if (people[key].pk, purpose) not in have
        ]
        Consent.objects.bulk_create(new)
        return len(new)

    def seed_mentee(self, org: Organization, spec: dict, people: dict, by, today: date) -> bool:
        person = people[spec["person"]]
        if MenteeEntry.objects.filter(person=person).exists():
            return False
        requested = spec["status"] in ("requested", "declined")
        entry = MenteeEntry(
            organization=org,
            person=person,
            category=MenteeCategory.objects.get(organization=org, code=spec["category"]),
            difficulties=spec["difficulties"],
            request_date=today - timedelta(days=spec["days_ago"]),
            collected_by=people.get(spec.get("collected_by", "")),
            self_submitted=spec.get("self_submitted", False),
            status=MenteeEntry.Status.REQUESTED if requested else MenteeEntry.Status.WAITING,
        )
        entry._history_user = person.user if entry.self_submitted else by
        entry.save()
        entry.directions.set(Direction.objects.filter(organization=org, code__in=spec["directions"]))
        status = spec["status"]
        if status in ("supported", "left", "declined"):
            entry.change_status(status, by=by, note=spec.get("note", ""), support=spec.get("support", ""))
        return True

    def seed_mentor(self, org: Organization, spec: dict, people: dict, by, today: date) -> bool:
        person = people[spec["person"]]
        if MentorEntry.objects.filter(person=person).exists():
            return False
        self_submitted = spec.get("self_submitted", False)
        interview = spec.get("interview_days_ago")
        entry = MentorEntry(
            organization=org,
            person=person,
            subjects=spec["subjects"],
            motivation=spec["motivation"],
            capacity=spec["capacity"],
            interview_date=today - timedelta(days=interview) if interview is not None else None,
            self_submitted=self_submitted,
            review=MentorEntry.Review.ON_REVIEW if self_submitted else MentorEntry.Review.ACCEPTED,
            reviewed_by=None if self_submitted else by,
            reviewed_at=None if self_submitted else timezone.now(),
        )
        entry._history_user = person.user if self_submitted else by
        entry.save()
        entry.competencies.set(Direction.objects.filter(organization=org, code__in=spec["competencies"]))
        entry.preferred_forms.set(MentoringForm.objects.filter(organization=org, code__in=spec.get("forms", [])))
        entry.preferred_kinds.set(MentoringKind.objects.filter(organization=org, code__in=spec.get("kinds", [])))
        if spec["status"] == MentorEntry.Status.SELECTED:
            entry.change_status(MentorEntry.Status.SELECTED, by=by, note="Отобран(а) по итогам собеседования.")
        return True

    def seed_training(self, org: Organization, spec: dict, people: dict, today: date) -> bool:
        if TrainingEvent.objects.filter(organization=org, topic=spec["topic"]).exists():
            return False
        event = TrainingEvent.objects.create(
            organization=org,
            date=today - timedelta(days=spec["days_ago"]),
            topic=spec["topic"],
            form=spec.get("form", ""),
            description=spec.get("description", ""),
        )
        event.attendees.set([people[name] for name in spec["attendees"]])
        return True

    def seed_person_roles(self, person: Person, entry: dict) -> int:
        # Made with the organisation's data, by nobody's own hand: a proper assignment that may sign (granted_by empty).
        made = (
            Role.objects.get_or_create(person=person, kind=kind, defaults={"ground": "демонстрационные данные"})[1]
            for kind in entry.get("roles", [])
        )
        return sum(made)

    def seed_roles(self, org: Organization, org_data: dict) -> None:
        for entry in org_data["staff"]:
            person = Person.objects.for_org(org).filter(
                surname=entry["surname"], name=entry["name"], patronymic=entry.get("patronymic", "")
            )
            for p in person:
                self.seed_person_roles(p, entry)

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
                # Where the declension rules go wrong («Соловей» → «Соловья»), the card says how.
                **{f"name_{case}": entry.get(f"name_{case}", "") for case in OVERRIDABLE},
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
