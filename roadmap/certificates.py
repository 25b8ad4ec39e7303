"""Certificates and letters of thanks (issue 17, point 7): who may get one, what it states, and its registration.

A «справка об участии» is issued to the mentor or a mentee of a pair or group that has started work; a
«благодарственное письмо» to a mentor named in an approved order on rewarding mentors. Each issued document gets
the next number of the organisation's register for the year (under a row lock on the organisation, so two
curators issuing at once never share a number) and keeps its facts frozen. When the person who signs the
organisation's orders issues it, the document carries the simple electronic signature mark (roadmap.signing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.text import initials_first
from mentoring.models import Meeting, Mentorship, PlanActivity
from people.models import Organization, Person
from people.roles import order_signer
from people.second_factor import without_code
from roadmap import signing
from roadmap.models import Certificate, Order, OrderKind

# Pairs and groups whose participants may get a certificate: work has started.
STARTED_STATES = (Mentorship.State.ACTIVE, Mentorship.State.COMPLETED, Mentorship.State.ENDED_EARLY)
# How many completed rows a certificate lists by name; the rest are counted.
LISTED_ROWS = 8


@dataclass(frozen=True)
class Ground:
    """What a certificate can be issued on: a pair or group with the person's role in it, or a reward order."""

    kind: str
    role: str
    mentorship: Mentorship | None = None
    order: Order | None = None

    @property
    def key(self) -> str:
        """The value of the choice in forms: «p-12-mentee», «t-7»."""
        if self.kind == Certificate.Kind.THANKS:
            return f"t-{self.order.pk}"
        return f"p-{self.mentorship.pk}-{self.role}"

    @property
    def label(self) -> str:
        if self.kind == Certificate.Kind.THANKS:
            return f"Благодарственное письмо — приказ № {self.order.reg_number} от {self.order.date:%d.%m.%Y}"
        m = self.mentorship
        title = getattr(getattr(m, "programme", None), "title", "") or (m.form.name if m.form_id else "программа")
        role = Certificate.Role(self.role).label
        if self.role == Certificate.Role.MENTOR:
            others = ", ".join(p.short_name for p in m.mentees.all())
        else:
            others = f"наставник {m.mentor.short_name}"
        return f"Справка: {role}, «{title}» — {others} ({m.get_state_display().lower()})"


def grounds_for(org: Organization, person: Person) -> list[Ground]:
    """Every document `person` may be issued: a participation per started pair or group, a letter per reward."""
    pairs = (
        Mentorship.objects.for_org(org)
        .for_person(person)
        .filter(state__in=STARTED_STATES)
        .select_related("form", "programme", "mentor")
        .prefetch_related("mentees")
        .order_by("-started_on", "-pk")
    )
    found = [
        Ground(Certificate.Kind.PARTICIPATION, "mentor" if m.mentor_id == person.pk else "mentee", mentorship=m)
        for m in pairs
    ]
    orders = reward_orders(org).filter(rewarded=person)
    found += [Ground(Certificate.Kind.THANKS, "mentor", order=o) for o in orders]
    return found


def reward_orders(org: Organization):
    return Order.objects.for_org(org).filter(kind=OrderKind.REWARD, status=Order.Status.APPROVED).order_by("-date")


def issued_keys(org: Organization, person: Person) -> dict[str, str]:
    """Ground key → the number of the last document already issued on it to `person` (a reissue gets a new one)."""
    found = {}
    for c in Certificate.objects.for_org(org).filter(person=person).order_by("year", "number"):
        key = f"t-{c.order_id}" if c.kind == Certificate.Kind.THANKS else f"p-{c.mentorship_id}-{c.role}"
        found[key] = c.reg_number
    return found


def ground_by_key(org: Organization, person: Person, key: str) -> Ground | None:
    return next((g for g in grounds_for(org, person) if g.key == key), None)


def participation_facts(mentorship: Mentorship, person: Person, role: str) -> dict:
    """What the certificate states: the programme, its dates, the role, completed rows and meetings held."""
    programme = getattr(mentorship, "programme", None)
    done = PlanActivity.objects.none()
    if programme is not None:
        done = programme.activities.filter(status=PlanActivity.Status.DONE).order_by("done_on", "position", "pk")
    done_rows = list(done.values_list("activity", flat=True))
    meetings = Meeting.objects.filter(mentorship=mentorship)
    if role == Certificate.Role.MENTEE:
        partners = [mentorship.mentor.full_name] if mentorship.mentor_id else []
    else:
        partners = [p.full_name for p in mentorship.mentees.order_by("surname", "name")]
    start = mentorship.started_on or (programme.start if programme else None)
    end = mentorship.ended_on if mentorship.state != Mentorship.State.ACTIVE else None
    return {
        "programme": (programme.title if programme and programme.title else "") or "",
        "form": mentorship.form.name if mentorship.form_id else "",
        "group": mentorship.is_group,
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
        "planned_end": (programme.end.isoformat() if programme else ""),
        "state": mentorship.state,
        "ended_early": mentorship.state == Mentorship.State.ENDED_EARLY,
        "partners": partners,
        "rows_done": done_rows[:LISTED_ROWS],
        "rows_done_count": len(done_rows),
        "rows_total": programme.activities.exclude(status=PlanActivity.Status.CANCELLED).count() if programme else 0,
        "meetings": meetings.count(),
        "results": (programme.results_planned if programme else "") or "",
    }


def thanks_facts(order: Order, person: Person) -> dict:
    pairs = Mentorship.objects.filter(mentor=person, state__in=STARTED_STATES)
    mentees = Person.objects.filter(mentorships_as_mentee__in=pairs).distinct().count()
    return {
        "order_number": order.reg_number,
        "order_date": order.date.isoformat() if order.date else "",
        "order_heading": order.heading,
        "mentees": mentees,
    }


def _next_number(org: Organization, year: int) -> int:
    last = Certificate.objects.filter(organization=org, year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def issue(org: Organization, person: Person, ground: Ground, *, by, on: date | None = None) -> Certificate:
    """Register the document with the next number of the year; signed electronically when `by` signs orders."""
    if person.organization_id != org.pk:
        raise ValidationError("Документ выдаётся только работнику своей организации.")
    on = on or timezone.localdate()
    if ground.kind == Certificate.Kind.THANKS:
        facts = thanks_facts(ground.order, person)
    else:
        facts = participation_facts(ground.mentorship, person, ground.role)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=org.pk).first()
        certificate = Certificate(
            organization=org,
            kind=ground.kind,
            person=person,
            role=ground.role,
            mentorship=ground.mentorship,
            order=ground.order,
            year=on.year,
            number=_next_number(org, on.year),
            issued_on=on,
            facts=facts,
            issued_by=by,
        )
        _sign(certificate, org, by)
        certificate.save()
    return certificate


def _sign(certificate: Certificate, org: Organization, by) -> None:
    """Who signs: the one who signs orders. Issued by them, the document carries the electronic signature mark."""
    try:
        signer = order_signer(org, by)
    except ValidationError:
        head = Person.objects.heads_of(org).order_by("pk").first()
        certificate.signer_position = head.position if head else "Руководитель"
        certificate.signer_name = initials_first(head.surname, head.name, head.patronymic) if head else ""
        return
    certificate.signer_position = signer.position
    certificate.signer_name = signer.name
    certificate.esign_token = signing.new_token()
    certificate.esign_key_id = without_code(by).key_id
    certificate.esign_signed_at = timezone.now()


def esign_of(certificate: Certificate) -> dict | None:
    """The signature mark of roadmap.signing for a certificate signed electronically, else None."""
    if not certificate.esign_token:
        return None
    return signing.mark(
        owner=certificate.signer_name,
        position=certificate.signer_position,
        signed_at=certificate.esign_signed_at,
        key_id=certificate.esign_key_id,
        token=certificate.esign_token,
    )


def candidates(org: Organization) -> list[tuple[Person, Ground]]:
    """Everyone who may get a document and has not got this one yet, in a fixed number of queries."""
    issued = set(Certificate.objects.for_org(org).values_list("person_id", "kind", "mentorship_id", "role", "order_id"))
    found = []
    pairs = (
        Mentorship.objects.for_org(org)
        .filter(state__in=STARTED_STATES)
        .select_related("mentor", "form", "programme")
        .prefetch_related("mentees")
        .order_by("mentor__surname", "pk")
    )
    kind = Certificate.Kind.PARTICIPATION
    for m in pairs:
        people = [(m.mentor, "mentor")] + [(p, "mentee") for p in m.mentees.all()]
        for person, role in people:
            if (person.pk, kind, m.pk, role, None) not in issued:
                found.append((person, Ground(kind, role, mentorship=m)))
    for order in reward_orders(org).prefetch_related("rewarded"):
        for person in order.rewarded.all():
            if (person.pk, Certificate.Kind.THANKS, None, "mentor", order.pk) not in issued:
                found.append((person, Ground(Certificate.Kind.THANKS, "mentor", order=order)))
    return found
