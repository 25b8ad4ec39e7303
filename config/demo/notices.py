"""Demo notices: what each role finds in the notification centre of a demo organisation (issue 16).

Built from the demo's own data, as the system itself would have told people: the week's deadlines
(monitoring.reminders), programmes waiting for someone, orders awaiting the head or to be read, participants'
requests. Nobody gets a letter (the demo's addresses are not real). A rerun adds nothing already there.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from mentoring.models import ChangeRequest, Mentorship, Programme
from monitoring.reminders import post_reminders
from people import notices
from people.models import Notice, Organization, Person, Role
from roadmap.models import Acknowledgement, Order

LINK_TEXT = {
    Notice.Kind.PROGRAMME: "Открыть программу",
    Notice.Kind.ORDER: "Открыть приказ",
    Notice.Kind.ORDER_ACK: "Открыть приказ",
    Notice.Kind.REQUEST: "Открыть просьбы",
}


def _once(person: Person, kind: str, title: str, body: str = "", link: str = "", link_text: str = "") -> int:
    if Notice.objects.filter(person=person, kind=kind, text=title[:500]).exists():
        return 0
    link_text = link_text or LINK_TEXT.get(kind, "Открыть")
    notices.tell(person, kind, title, body, link, committed=False, link_text=link_text)
    return 1


def _holders(org: Organization, kind: str) -> list[Person]:
    people = Person.objects.for_org(org).working().filter(roles__kind=kind, user__isnull=False).distinct()
    return list(people.select_related("organization", "user").order_by("pk"))


def _programmes(org: Organization) -> int:
    made = 0
    programmes = (
        Programme.objects.filter(mentorship__organization=org, mentorship__state=Mentorship.State.ACTIVE)
        .select_related("mentorship__mentor__organization", "mentorship__mentor__user", "mentorship__organization")
        .prefetch_related("mentorship__mentees__organization", "mentorship__mentees__user")
        .order_by("pk")
    )
    approvers = _holders(org, org.programme_approver)
    for p in programmes:
        m = p.mentorship
        link = reverse("mentoring:programme", args=[org.slug, m.pk])
        whose = f"{m.kind_label.lower()} наставника {m.mentor.short_name}"
        if p.status == Programme.Status.APPROVED:
            for person in m.participants():
                made += _once(person, Notice.Kind.PROGRAMME, f"Программа ({whose}) утверждена", "", link)
        elif p.status == Programme.Status.SENT:
            for person in m.mentees.all():
                title = f"Наставник {m.mentor.short_name} отправил(а) вам программу на ознакомление"
                made += _once(
                    person, Notice.Kind.PROGRAMME, title, "Отметьте «Ознакомлен(а)» или верните с замечаниями.", link
                )
        elif p.status == Programme.Status.ACKNOWLEDGED:
            for person in [m.mentor, *approvers]:
                made += _once(person, Notice.Kind.PROGRAMME, f"Программа ({whose}) ждёт утверждения", "", link)
    return made


def _orders(org: Organization) -> int:
    made = 0
    heads = _holders(org, Role.Kind.HEAD)
    for order in Order.objects.for_org(org).awaiting().order_by("pk"):
        link = reverse("roadmap:order", args=[org.slug, order.pk])
        for head in heads:
            made += _once(head, Notice.Kind.ORDER, f"Приказ на утверждение — «{order.heading}»", "", link)
    unread = (
        Acknowledgement.objects.filter(
            order__organization=org, acknowledged_at__isnull=True, person__user__isnull=False
        )
        .select_related("order", "person__organization", "person__user")
        .order_by("order__date", "pk")
    )
    for ack in unread:
        order = ack.order
        title = f"Ознакомьтесь с приказом № {order.reg_number} от {order.date:%d.%m.%Y} «{order.heading}»"
        link = reverse("roadmap:order", args=[org.slug, order.pk])
        made += _once(ack.person, Notice.Kind.ORDER_ACK, title, "Отметьте «Ознакомлен(а)».", link)
    return made


def _requests(org: Organization) -> int:
    made = 0
    curators = _holders(org, Role.Kind.CURATOR)
    link = reverse("mentoring:change_requests", args=[org.slug])
    for request in ChangeRequest.objects.for_org(org).open().select_related("requested_by").order_by("pk"):
        title = f"Просьба участника: {request.requested_by.short_name} — {request.get_kind_display().lower()}"
        for curator in curators:
            made += _once(curator, Notice.Kind.REQUEST, title, f"Причина: {request.reason}", link)
    return made


def _roles(org: Organization) -> int:
    """Administrators and heads hear of the roles they hold (everyone finds something in the centre)."""
    made = 0
    for kind, link in (
        (Role.Kind.ADMIN, reverse("people:staff_list", args=[org.slug])),
        (Role.Kind.HEAD, reverse("roadmap:inbox", args=[org.slug])),
    ):
        label = Role.Kind(kind).label
        for person in _holders(org, kind):
            made += _once(person, Notice.Kind.ROLE, f"Вам предоставлена роль «{label}»", "", link)
    return made


def seed_notices(org: Organization) -> int:
    """Leave the demo's notices in `org`; returns how many were new. The pair notices of long ago are read."""
    with notices.without_letters():
        made = post_reminders(org) + _programmes(org) + _orders(org) + _requests(org) + _roles(org)
    Notice.objects.filter(organization=org, kind=Notice.Kind.PAIR).unread().update(read_at=timezone.now())
    return made
