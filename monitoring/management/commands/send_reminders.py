"""The weekly digest of overdue items, one letter per person responsible (meant for cron).

Mentors and mentees get the overdue activities of their programmes' plans and the questionnaires they have not
answered yet (until the deadline), the curator the overdue roadmap activities and the programmes running late,
the head the orders waiting for approval. Nobody without an e-mail address gets anything; `--dry-run` prints
only counts, never names.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone

from mentoring.models import Mentorship, PlanActivity
from monitoring.models import Invitation
from monitoring.progress import complete_roadmap, current_roadmap_id
from people.models import Organization, Person, Role
from roadmap.models import Order, RoadmapActivity

SUBJECT = "Наставничество: просроченные мероприятия и дела на контроле"


def _address(person: Person) -> str:
    return person.email or (person.user.email if person.user_id and person.user else "")


def digests(org: Organization, today=None) -> dict[Person, dict]:
    """Who should get a letter in `org`, with what: a fixed number of queries whatever the size."""
    today = today or timezone.localdate()
    letters: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    people: dict[int, Person] = {}

    plan = list(
        PlanActivity.objects.overdue(today)
        .filter(programme__mentorship__organization=org, programme__mentorship__state=Mentorship.State.ACTIVE)
        .select_related("programme__mentorship__mentor__user")
        .prefetch_related("programme__mentorship__mentees__user")
        .order_by("deadline", "position", "id")
    )
    late_programmes: dict[int, tuple[Mentorship, int]] = {}
    for a in plan:
        m = a.programme.mentorship
        people[m.mentor_id] = m.mentor
        letters[m.mentor_id]["mentor_activities"].append(a)
        for mentee in m.mentees.all():
            people[mentee.pk] = mentee
            letters[mentee.pk]["mentee_activities"].append(a)
        late_programmes[m.pk] = (m, late_programmes.get(m.pk, (m, 0))[1] + 1)

    # Questionnaires not answered yet, until their deadline.
    for invitation in (
        Invitation.objects.due(today)
        .filter(round__organization=org)
        .select_related("round", "person__user")
        .order_by("round__deadline", "round_id", "id")
    ):
        people[invitation.person_id] = invitation.person
        letters[invitation.person_id]["questionnaires"].append(invitation)

    holders = list(
        Person.objects.for_org(org)
        .working()
        .filter(roles__kind__in=[Role.Kind.CURATOR, Role.Kind.HEAD])
        .select_related("user")
        .prefetch_related("roles")
        .distinct()
    )
    curators = [p for p in holders if any(r.kind == Role.Kind.CURATOR for r in p.roles.all())]
    heads = [p for p in holders if any(r.kind == Role.Kind.HEAD for r in p.roles.all())]
    if curators:
        roadmap_overdue = list(
            RoadmapActivity.objects.overdue(today)
            .filter(roadmap_id=current_roadmap_id(org))
            .order_by("deadline_date", "position", "id")
        )
        for p in curators:
            people[p.pk] = p
            letters[p.pk]["roadmap"] = roadmap_overdue
            letters[p.pk]["programmes"] = sorted(late_programmes.values(), key=lambda x: -x[1])
    if heads:
        awaiting = list(Order.objects.for_org(org).awaiting().order_by("updated_at", "id"))
        for p in heads:
            people[p.pk] = p
            letters[p.pk]["orders"] = awaiting
    return {people[pk]: dict(parts) for pk, parts in letters.items() if any(parts.values())}


class Command(BaseCommand):
    help = "Рассылает еженедельную сводку просроченных мероприятий ответственным (для cron)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Только показать, сколько писем будет отправлено.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        today = timezone.localdate()
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        connection = None if dry_run else get_connection()
        sent = skipped = 0
        for org in Organization.objects.order_by("pk"):
            if not dry_run:
                # Roadmap activities whose check the data shows done are not overdue any more.
                complete_roadmap(org)
            org_sent = org_skipped = 0
            for person, parts in digests(org, today).items():
                address = _address(person)
                if not address:
                    org_skipped += 1
                    continue
                org_sent += 1
                if dry_run:
                    continue
                body = render_to_string(
                    "roadmap/emails/reminder.txt",
                    {"person": person, "org": org, "today": today, "site": base, **parts},
                )
                send_mail(SUBJECT, body, None, [address], connection=connection)
            sent += org_sent
            skipped += org_skipped
            if org_sent or org_skipped:
                self.stdout.write(f"{org.slug}: писем {org_sent}, без адреса {org_skipped}")
        verb = "будет отправлено" if dry_run else "отправлено"
        self.stdout.write(f"Всего {verb} писем: {sent}; пропущено (нет адреса): {skipped}")
