"""Choosing each other: the mentee sees the two or three mentors matching proposes and states a preference
(matching weighs it, `mentoring.matching.W_PREFERENCE`); a proposed pair or group is confirmed by each of its
people, or declined with the reason, before it can go into an order (unless the organisation skips this,
`Organization.pairs_need_consent`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring import notify
from mentoring.matching import Match, load_bank, rank
from mentoring.models import Mentorship, PairConsent
from people.models import Direction, MenteeEntry, MentorEntry, Person

OFFERED_MENTORS = 3


# --- the mentee's preference ---


@dataclass
class MentorCard:
    """What a mentee sees of a proposed mentor: competencies, experience, what they offer."""

    person: Person
    entry: MentorEntry
    competencies: list[str]
    match: Match

    @property
    def offer(self) -> str:
        return self.entry.motivation


def offered_mentors(entry: MenteeEntry, limit: int = OFFERED_MENTORS) -> list[MentorCard]:
    """The best `limit` mentors for a waiting mentee, as matching ranks them (excluded mentors never appear)."""
    bank = load_bank(entry.organization)
    mentee = next((m for m in bank.mentees if m.entry_id == entry.pk), None)
    if mentee is None:
        return []
    matches = [m for m in rank(mentee, bank)[0] if not m.mentor.is_candidate][:limit]
    entries = {
        t.pk: t
        for t in MentorEntry.objects.filter(pk__in=[m.mentor.entry_id for m in matches])
        .select_related("person")
        .prefetch_related("competencies")
    }
    cards = []
    for match in matches:
        t = entries[match.mentor.entry_id]
        names = [d.name for d in sorted(t.competencies.all(), key=lambda d: (d.position, d.name))]
        cards.append(MentorCard(person=t.person, entry=t, competencies=names, match=match))
    return cards


@transaction.atomic
def prefer(entry: MenteeEntry, mentor: Person, *, offered: list[MentorCard]) -> None:
    """Record the mentee's choice among the mentors offered to them."""
    if entry.status not in MenteeEntry.WITHOUT_MENTOR_STATUSES:
        raise ValidationError("Наставник уже подобран: выбрать другого можно только через куратора.")
    if mentor.pk not in {c.person.pk for c in offered}:
        raise ValidationError("Выберите одного из предложенных наставников.")
    entry.preferred_mentor = mentor
    entry.preferred_at = timezone.now()
    entry.save(update_fields=["preferred_mentor", "preferred_at", "updated_at"])


# --- confirming a proposed pair ---


def _settle(m: Mentorship) -> None:
    """The pair's consent state from its people's answers: one refusal declines it, all agreeing confirms it."""
    answers = {c.person_id: c.decision for c in m.consents.all()}
    people = [p.pk for p in m.participants()]
    if PairConsent.Decision.DECLINED in answers.values():
        state = Mentorship.Consent.DECLINED
    elif all(answers.get(pk) == PairConsent.Decision.CONFIRMED for pk in people):
        state = Mentorship.Consent.CONFIRMED
    else:
        state = Mentorship.Consent.PENDING
    if state != m.consent:
        m.consent = state
        m.save(update_fields=["consent"])


def _answer(m: Mentorship, person: Person, decision: str, reason: str = "") -> PairConsent:
    locked = Mentorship.objects.select_for_update().get(pk=m.pk)
    if locked.state != Mentorship.State.DRAFT:
        raise ValidationError("Пара уже включена в приказ: подтверждать или отказываться поздно.")
    if person.pk not in {p.pk for p in m.participants()}:
        raise ValidationError("Подтверждают пару только её участники.")
    if decision == PairConsent.Decision.DECLINED and not reason.strip():
        raise ValidationError({"reason": "Укажите причину отказа: куратор учтёт её при подборе другой пары."})
    answer, _ = PairConsent.objects.update_or_create(
        mentorship=m,
        person=person,
        defaults={"decision": decision, "reason": reason.strip(), "decided_at": timezone.now()},
    )
    m.consent = locked.consent
    _settle(m)
    notify.pair_answered(m, person, declined=decision == PairConsent.Decision.DECLINED, reason=reason.strip())
    return answer


@transaction.atomic
def confirm(m: Mentorship, person: Person) -> PairConsent:
    return _answer(m, person, PairConsent.Decision.CONFIRMED)


@transaction.atomic
def decline(m: Mentorship, person: Person, reason: str) -> PairConsent:
    return _answer(m, person, PairConsent.Decision.DECLINED, reason)


@transaction.atomic
def recount_after_edit(m: Mentorship, before: set[int]) -> None:
    """The curator changed who is in the pair (`before`: the people in it until now): the answers of those who left
    go, and the pair waits for the newcomers' answers."""
    people = {p.pk for p in m.participants()}
    if people == before:
        return
    m.consents.exclude(person_id__in=people).delete()
    _settle(m)
    notify.pair_to_confirm(m)


def consent_rows(m: Mentorship) -> list[tuple[Person, PairConsent | None]]:
    """Each participant with their answer, or None while they have not answered (prefetch `consents`)."""
    answers = {c.person_id: c for c in m.consents.all()}
    return [(p, answers.get(p.pk)) for p in m.participants()]


# --- the two sides of a pair, side by side ---


@dataclass
class Side:
    """One participant as the banks hold them: a mentee's request or a mentor's competencies."""

    person: Person
    role: str  # «Наставник» or «Наставляемый»
    entry: MenteeEntry | MentorEntry | None
    directions: list[Direction]


def sides(m: Mentorship) -> list[Side]:
    """The mentor's competencies and each mentee's professional request, category and experience, in two queries.

    The latest bank entry of each person is shown (a released mentor or a mentee now in the pair still has one).
    """
    mentees = sorted(m.mentees.all(), key=lambda p: (p.surname, p.name, p.pk))
    mentee_entries: dict[int, MenteeEntry] = {}
    for e in (
        MenteeEntry.objects.filter(organization_id=m.organization_id, person__in=[p.pk for p in mentees])
        .select_related("category")
        .prefetch_related("directions")
        .order_by("request_date", "id")
    ):
        mentee_entries[e.person_id] = e  # the latest wins
    mentor_entry = (
        MentorEntry.objects.filter(organization_id=m.organization_id, person_id=m.mentor_id)
        .prefetch_related("competencies")
        .order_by("-created_at", "-id")
        .first()
    )

    def ordered(entry) -> list[Direction]:
        if entry is None:
            return []
        items = entry.competencies.all() if isinstance(entry, MentorEntry) else entry.directions.all()
        return sorted(items, key=lambda d: (d.position, d.name))

    result = [Side(m.mentor, "Наставник", mentor_entry, ordered(mentor_entry))]
    for p in mentees:
        entry = mentee_entries.get(p.pk)
        result.append(Side(p, "Наставляемый", entry, ordered(entry)))
    return result
