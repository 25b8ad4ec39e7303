"""The pairs and groups part of the demo: pairs in every state, programmes at different points, requests, support.

Read by ``seed_demo`` from the `pairs`, `plans` and `support` sections of fixtures/demo_people.json. Dates are
counted back from today, so the demo always has something overdue, something due this week, an extended
programme and finished ones. A pair is matched by its mentor and first mentee: a second run adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from mentoring.models import (
    ChangeRequest,
    Mentorship,
    MentorshipEvent,
    PlanActivity,
    Programme,
    ProgrammeRevision,
    SupportRecord,
    recount_places,
)
from mentoring.programmes import diff_contents, propose_extension
from people.models import Direction, MenteeEntry, MentoringForm, MentoringKind, Organization, Person

S = Mentorship.State
MONTH = 30.5


def add_months(day: date, months: int) -> date:
    return day + timedelta(days=round(months * MONTH))


def at(day: date) -> datetime:
    """Ten in the morning of `day`, in the project's time zone: when the demo's events happened."""
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def check_pairs(org_data: dict, staff: set[str]) -> None:
    names: list[str] = []
    for spec in org_data.get("pairs", []):
        names += [spec["mentor"], *spec["mentees"], *(r["by"] for r in spec.get("requests", []))]
        if spec["state"] not in S.values:
            raise CommandError(f"{org_data['slug']}: неизвестное состояние пары {spec['state']!r}")
        if spec.get("plan") and spec["plan"] not in org_data.get("plans", {}):
            raise CommandError(f"{org_data['slug']}: нет плана программы {spec['plan']!r}")
    names += [s["person"] for s in org_data.get("support", [])] + [s["by"] for s in org_data.get("support", [])]
    unknown = sorted(set(names) - staff)
    if unknown:
        raise CommandError(f"{org_data['slug']}: в парах упомянуты работники, которых нет в списке: {unknown}")


def seed_pairs(org: Organization, org_data: dict, people: dict[str, Person], by) -> tuple[int, int]:
    """Create the demo's pairs and support records; return how many of each were added."""
    today = timezone.localdate()
    new_pairs = sum(_seed_pair(org, spec, org_data.get("plans", {}), people, by, today) for spec in org_data["pairs"])
    # The pairs were built with plain create() and mentees.set(): count the places their mentors hold once.
    recount_places(organization=org)
    new_support = 0
    for spec in org_data.get("support", []):
        entry = MenteeEntry.objects.filter(organization=org, person=people[spec["person"]]).open().first()
        if entry is None or entry.support.filter(description=spec["description"]).exists():
            continue
        SupportRecord.objects.create(
            organization=org,
            entry=entry,
            date=today - timedelta(days=spec["days_ago"]),
            description=spec["description"],
            given_by=people[spec["by"]],
        )
        new_support += 1
    return new_pairs, new_support


def _backdate(m: Mentorship, event: MentorshipEvent, when: date) -> None:
    MentorshipEvent.objects.filter(pk=event.pk).update(created_at=at(when))
    Mentorship.objects.filter(pk=m.pk).update(state_changed_at=at(when))


def _seed_pair(org: Organization, spec: dict, plans: dict, people: dict, by, today: date) -> bool:
    mentor, mentees = people[spec["mentor"]], [people[name] for name in spec["mentees"]]
    if Mentorship.objects.filter(organization=org, mentor=mentor, mentees=mentees[0]).exists():
        return False
    if "started_days_ago" in spec:
        start = today - timedelta(days=spec["started_days_ago"])
    else:
        start = today + timedelta(days=spec.get("starts_in_days", 14))
    end = add_months(start, spec["months"])
    created_on = min(start, today) - timedelta(days=20)
    m = Mentorship.objects.create(
        organization=org,
        mentor=mentor,
        form=MentoringForm.objects.get(organization=org, code=spec["form"]),
        planned_start=start,
        planned_end=end,
        created_by=by,
        consent=Mentorship.Consent.CONFIRMED,  # the demo's pairs were agreed to (config/demo/coauthor.py: others)
    )
    Mentorship.objects.filter(pk=m.pk).update(created_at=at(created_on))
    m.mentees.set(mentees)
    m.kinds.set(MentoringKind.objects.filter(organization=org, code__in=spec["kinds"]))
    first = MentorshipEvent.objects.create(mentorship=m, actor=by, to_state=S.DRAFT, note="Сформирована куратором.")
    _backdate(m, first, created_on)
    if spec["state"] == S.DRAFT:
        # The mentor may start the programme while the pair is being formed.
        if spec.get("plan"):
            _seed_programme(m, spec, plans[spec["plan"]], people, by, start, end, today)
        return True
    _backdate(
        m,
        m.propose(by=by, note="Включена в проект приказа о закреплении наставнических пар."),
        created_on + timedelta(days=3),
    )
    if spec["state"] == S.PROPOSED:
        if spec.get("plan"):
            _seed_programme(m, spec, plans[spec["plan"]], people, by, start, end, today)
        return True
    _backdate(m, m.activate(by=by, on=start, note="Приказ о закреплении наставнических пар утверждён."), start)
    if spec.get("plan"):
        _seed_programme(m, spec, plans[spec["plan"]], people, by, start, end, today)
    for request in spec.get("requests", []):
        change = ChangeRequest.objects.create(
            mentorship=m,
            kind=request["kind"],
            requested_by=people[request["by"]],
            reason=request["reason"],
            created_at=at(today - timedelta(days=spec.get("ended_days_ago", 0) + 7)),
        )
        if request.get("granted"):
            change.decide(by=by, granted=True, note=request.get("note", ""))
    if spec["state"] == S.COMPLETED:
        finished = min(end, today - timedelta(days=10))
        _backdate(m, m.complete(by=by, on=finished, note="План программы выполнен полностью."), finished)
    elif spec["state"] == S.ENDED_EARLY:
        ended = today - timedelta(days=spec["ended_days_ago"])
        _backdate(m, m.end_early(by=by, on=ended, reason=spec["end_reason"]), ended)
    return True


def _approver_user(org: Organization, by):
    """Who approves the organisation's programmes, as its regulation says: the curator (`by`) or the head."""
    if org.programme_approver != org.ProgrammeApprover.HEAD:
        return by
    head = Person.objects.filter(organization=org, roles__kind="head", user__isnull=False).first()
    return head.user if head else by


def _seed_programme(m: Mentorship, spec: dict, plan: dict, people: dict, by, start: date, end: date, today: date):
    org = m.organization
    mentee = m.mentees.order_by("id").first()
    status = spec.get("programme", "draft")
    approver = _approver_user(org, by)
    programme = Programme.objects.create(
        mentorship=m,
        start=start,
        end=end,
        **{
            key: plan[key]
            for key in (
                "title",
                "problem",
                "goals",
                "tasks",
                "content",
                "results_intermediate",
                "results_planned",
                "meeting_schedule",
                "mode",
                "conditions",
            )
        },
    )
    # Written by the mentor before the mentee read it, not on the day the demo was seeded.
    written = min(start + timedelta(days=1), today)
    Programme.objects.filter(pk=programme.pk).update(created_at=at(written))
    directions = {d.code: d for d in Direction.objects.filter(organization=org)}
    window = spec.get("overdue_window", 0)
    stretch = (end - start).days / 270  # plans are written for about nine months; shorter programmes compress them
    finished = spec["state"] == S.COMPLETED
    # An early end cancels what was still ahead; an extension moves the last activities to the new dates.
    cutoff = today - timedelta(days=spec["ended_days_ago"]) if spec["state"] == S.ENDED_EARLY else None
    shift = timedelta(days=round(spec.get("extended_months", 0) * MONTH))
    rows = []
    for n, item in enumerate(plan["activities"], start=1):
        deadline = start + timedelta(days=round(item["day"] * stretch))
        if shift and item["day"] >= 200:
            deadline += shift
        done = finished or deadline < min(cutoff or today, today - timedelta(days=window))
        cancelled = cutoff is not None and not done
        rows.append(
            PlanActivity(
                programme=programme,
                position=n,
                direction=directions.get(item["direction"]),
                activity=item["activity"],
                form=item["form"],
                deadline=deadline,
                expected_result=item["result"],
                status=PlanActivity.Status.DONE
                if done
                else (PlanActivity.Status.CANCELLED if cancelled else PlanActivity.Status.PLANNED),
                done_on=deadline - timedelta(days=1) if done else None,
                mentor_note="Выполнено в срок, результат обсуждён на встрече." if done else "",
                mentee_reflection="Стало понятнее, как применять это в своей работе." if done and n % 2 else "",
            )
        )
    PlanActivity.objects.bulk_create(rows)
    # The chain as it went: sent by the mentor, acknowledged by the mentee, approved by the curator (or the head).
    months = spec.get("extended_months")
    if months:  # before the approval is recorded below: the demo writes the history it shows
        _seed_extension(programme, m, spec, end, add_months(end, months), by, mentee, approver, today)
    written_by = m.mentor.user  # the mentor sends; a mentor without an account is named by nobody
    chain = {"draft": 0, "sent": 1, "acknowledged": 2, "approved": 3}[status]

    def day(n: int) -> datetime:
        return at(min(written + timedelta(days=n), today))

    Programme.objects.filter(pk=programme.pk).update(
        status=status,
        sent_at=day(1) if chain >= 1 else None,
        sent_by=written_by if chain >= 1 else None,
        acknowledged_at=day(3) if chain >= 2 else None,
        acknowledged_by=mentee if chain >= 2 else None,
        approved_at=day(5) if chain >= 3 else None,
        approved_by=approver if chain >= 3 else None,
    )
    if spec.get("pending_change"):
        _seed_pending_change(
            Programme.objects.get(pk=programme.pk), spec["pending_change"], written_by or by, mentee, today
        )


def _seed_extension(programme, m, spec, end, new_end, by, mentee, approver, today) -> None:
    """An extension agreed and approved earlier: the version before it is kept as it was."""
    programme = Programme.objects.get(pk=programme.pk)
    previous = programme.snapshot()
    Programme.objects.filter(pk=programme.pk).update(end=new_end)
    programme.end = new_end
    current = programme.snapshot()
    when = at(today - timedelta(days=15))
    ProgrammeRevision.objects.create(
        programme=programme,
        kind=ProgrammeRevision.Kind.EXTENSION,
        status=ProgrammeRevision.Status.APPROVED,
        reason=spec["extension_reason"],
        author=by,
        created_at=at(today - timedelta(days=18)),
        old_end=end,
        new_end=new_end,
        summary=diff_contents(previous, current),
        content=current,
        previous=previous,
        agreed_at=at(today - timedelta(days=17)),
        agreed_by=mentee,
        approved_at=when,
        approved_by=approver,
        closed_at=when,
    )
    Mentorship.objects.filter(pk=m.pk).update(planned_end=new_end)


def _seed_pending_change(programme: Programme, spec: dict, by, mentee: Person, today: date) -> None:
    """A change on its way: proposed by the mentor, perhaps agreed by the mentee, not yet approved."""
    change = propose_extension(
        programme, new_end=programme.end + timedelta(days=spec["days"]), reason=spec["reason"], by=by
    )
    ProgrammeRevision.objects.filter(pk=change.pk).update(created_at=at(today - timedelta(days=4)))
    if spec.get("agreed"):
        change.agree(mentee)
        ProgrammeRevision.objects.filter(pk=change.pk).update(agreed_at=at(today - timedelta(days=2)))
