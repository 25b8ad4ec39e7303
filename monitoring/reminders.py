"""The week's deadline reminders, as notices (people.notices): each person hears of their own deadlines.

Mentors and mentees: the activities of their programme's plan due this week and those overdue. The responsible
person of each roadmap activity (the curators when the activity names nobody): its deadline this week or passed.
Invited people: the questionnaires they have not answered while the round still accepts answers.

Run by `manage.py send_digests --weekly` before the digests are collected; a person reminded of a kind in the
last six days is not reminded again (a second run the same week adds nothing). A fixed number of queries per
organisation whatever its size, plus one insert per notice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship, PlanActivity
from monitoring.models import Invitation
from monitoring.progress import current_roadmap_id
from people import notices
from people.models import Notice, Organization, Person, Role
from roadmap.models import RoadmapActivity

WEEK = 7
LINK_TEXT = {
    Notice.Kind.PLAN_DUE: "Открыть программу",
    Notice.Kind.ROADMAP_DUE: "Открыть дорожную карту",
    Notice.Kind.QUESTIONNAIRE: "Ответить на анкету",
}
SHOWN_ITEMS = 10


def _line(deadline: date, text: str, today: date) -> str:
    late = " — просрочено" if deadline < today else ""
    return f"• до {deadline:%d.%m.%Y}{late}: {text[:200]}"


def _title(what: str, due: int, overdue: int) -> str:
    parts = []
    if due:
        parts.append(f"на этой неделе — {due}")
    if overdue:
        parts.append(f"просрочено — {overdue}")
    return f"{what}: {', '.join(parts)}"


def _body(lines: list[str]) -> str:
    more = len(lines) - SHOWN_ITEMS
    return "\n".join(lines[:SHOWN_ITEMS] + ([f"…и ещё {more}"] if more > 0 else []))


def post_reminders(org: Organization, today: date | None = None) -> int:
    """Leave this week's reminders in `org`; returns how many notices were left."""
    today = today or timezone.localdate()
    week_end = today + timedelta(days=WEEK - 1)
    since = timezone.now() - timedelta(days=WEEK - 1)
    reminded = set(
        Notice.objects.filter(
            organization=org,
            created_at__gte=since,
            kind__in=[Notice.Kind.PLAN_DUE, Notice.Kind.ROADMAP_DUE, Notice.Kind.QUESTIONNAIRE],
        ).values_list("person_id", "kind")
    )
    people: dict[int, Person] = {}
    # person id → kind → (due, overdue, lines, link)
    found: dict[int, dict[str, dict]] = defaultdict(dict)

    def add(person: Person, kind: str, deadline: date, text: str, link: str) -> None:
        people[person.pk] = person
        entry = found[person.pk].setdefault(kind, {"due": 0, "overdue": 0, "lines": [], "link": link})
        entry["overdue" if deadline < today else "due"] += 1
        entry["lines"].append(_line(deadline, text, today))

    plan = (
        PlanActivity.objects.open()
        .filter(
            deadline__lte=week_end,
            programme__mentorship__organization=org,
            programme__mentorship__state=Mentorship.State.ACTIVE,
        )
        .select_related("programme__mentorship__mentor__organization", "programme__mentorship__mentor__user")
        .prefetch_related("programme__mentorship__mentees__user", "programme__mentorship__mentees__organization")
        .order_by("deadline", "position", "id")
    )
    for a in plan:
        m = a.programme.mentorship
        link = reverse("mentoring:programme", args=[org.slug, m.pk])
        for person in m.participants():
            add(person, Notice.Kind.PLAN_DUE, a.deadline, a.activity, link)

    roadmap = list(
        RoadmapActivity.objects.open()
        .filter(roadmap_id=current_roadmap_id(org), deadline_date__lte=week_end)
        .select_related("responsible_person__user", "responsible_person__organization")
        .order_by("deadline_date", "position", "id")
    )
    if roadmap:
        curators = list(
            Person.objects.for_org(org)
            .working()
            .filter(roles__kind=Role.Kind.CURATOR)
            .select_related("user", "organization")
            .distinct()
        )
        for a in roadmap:
            link = reverse("roadmap:roadmap", args=[org.slug, a.roadmap_id])
            responsible = a.responsible_person
            whom = [responsible] if responsible is not None and responsible.is_working else curators
            for person in whom:
                add(person, Notice.Kind.ROADMAP_DUE, a.deadline_date, a.content, link)

    invitations = (
        Invitation.objects.due(today)
        .filter(round__organization=org, round__deadline__lte=week_end)
        .select_related("round__question_set", "person__user", "person__organization")
        .order_by("round__deadline", "id")
    )
    for inv in invitations:
        link = reverse("monitoring:my_questionnaire", args=[org.slug, inv.pk])
        add(inv.person, Notice.Kind.QUESTIONNAIRE, inv.round.deadline, f"анкета «{inv.round.question_set.title}»", link)

    what = {
        Notice.Kind.PLAN_DUE: "Мероприятия программы",
        Notice.Kind.ROADMAP_DUE: "Мероприятия дорожной карты",
        Notice.Kind.QUESTIONNAIRE: "Ждут ответа анкеты",
    }
    left = 0
    for pk, kinds in found.items():
        for kind, entry in kinds.items():
            if (pk, kind) in reminded:
                continue
            notices.tell(
                people[pk],
                kind,
                _title(what[kind], entry["due"], entry["overdue"]),
                _body(entry["lines"]),
                entry["link"],
                committed=False,
                link_text=LINK_TEXT[kind],
            )
            left += 1
    return left
