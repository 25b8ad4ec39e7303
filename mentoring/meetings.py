"""The meeting log of pairs and groups: who may write it, recording a meeting (which marks the linked plan rows
done), the mentees' feedback, and the pair's health the curator follows (last meeting, overdue rows, the trend of
the ratings, a flag after the organisation's number of weeks without a meeting)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Avg, OuterRef, Q, Subquery
from django.utils import timezone

from mentoring.models import Meeting, MeetingFeedback, Mentorship, PlanActivity
from people.access import OrgAccess
from people.models import Organization, Person, Role

# The curator records meetings for a pair whose mentor does not use the product; the head and the council read.
MEETING_WRITERS = (Role.Kind.CURATOR,)
# The last meetings whose mean rating is compared with the meetings before them.
TREND_WINDOW = 3
# A change of the mean rating smaller than this is no trend.
TREND_STEP = 0.5


class Trend(models.TextChoices):
    UP = "up", "оценки растут"
    DOWN = "down", "оценки снижаются"
    STEADY = "steady", "оценки ровные"


def can_log(access: OrgAccess, m: Mentorship) -> bool:
    """The pair's mentor and the curator record meetings of a working pair or group."""
    if m.state != Mentorship.State.ACTIVE:
        return False
    return access.person.pk == m.mentor_id or access.has(*MEETING_WRITERS)


def linkable_rows(m: Mentorship, meeting: Meeting | None = None) -> models.QuerySet[PlanActivity]:
    """The open rows and those the meeting already closed, for the form's choices."""
    q = Q(status__in=[PlanActivity.Status.PLANNED, PlanActivity.Status.IN_PROGRESS])
    if meeting is not None and meeting.pk:
        q |= Q(meetings=meeting)
    return PlanActivity.objects.filter(q, programme__mentorship=m).distinct().order_by("deadline", "position", "id")


@transaction.atomic
def save_meeting(meeting: Meeting, rows: Iterable[PlanActivity], *, by: Person, user=None) -> Meeting:
    """Save the meeting and its plan rows; each linked row still open is marked done on the meeting's date.

    Rows unlinked by an edit keep their mark: the mentor changes a row's status on the programme page.
    """
    m = Mentorship.objects.select_for_update().get(pk=meeting.mentorship_id)
    if m.state != Mentorship.State.ACTIVE:
        raise ValidationError("Встречи записывают, пока пара (группа) действует.")
    if meeting.date > timezone.localdate():
        raise ValidationError({"date": "Встреча ещё не прошла: запишите её в день встречи или позже."})
    rows = list(rows)
    if any(row.programme.mentorship_id != m.pk for row in rows):
        raise ValidationError({"plan_rows": "Можно отметить только мероприятия плана этой пары (группы)."})
    if meeting.pk is None:
        meeting.organization_id = m.organization_id
        meeting.author = by
        meeting.created_by = user
    meeting.save()
    meeting.plan_rows.set(rows)
    for row in rows:
        if row.status in (PlanActivity.Status.PLANNED, PlanActivity.Status.IN_PROGRESS):
            row.status = PlanActivity.Status.DONE
            row.done_on = meeting.date
            if not row.mentor_note:
                row.mentor_note = f"Выполнено на встрече {meeting.date:%d.%m.%Y}: {meeting.topic}"
            row.save(update_fields=["status", "done_on", "mentor_note"])
    return meeting


def can_give_feedback(access: OrgAccess, mentees: Sequence[Person]) -> bool:
    """Only a mentee of the pair or group rates its meetings (the curator, the head and the mentor read them)."""
    return any(p.pk == access.person.pk for p in mentees)


@transaction.atomic
def leave_feedback(meeting: Meeting, mentee: Person, *, rating: int, comment: str = "") -> MeetingFeedback:
    """The mentee's rating and comment; a second one from the same mentee replaces the first."""
    if not meeting.mentorship.mentees.filter(pk=mentee.pk).exists():
        raise ValidationError("Отзыв о встрече оставляет наставляемый этой пары (группы).")
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "Поставьте оценку от 1 до 5."})
    feedback, _ = MeetingFeedback.objects.select_for_update().update_or_create(
        meeting=meeting, mentee=mentee, defaults={"rating": rating, "comment": comment}
    )
    return feedback


# --- health of pairs ---


def with_last_meeting(qs: models.QuerySet[Mentorship]) -> models.QuerySet[Mentorship]:
    """Annotate `last_meeting`: the date of the pair's latest recorded meeting, or None."""
    latest = Meeting.objects.filter(mentorship=OuterRef("pk")).order_by("-date").values("date")[:1]
    return qs.annotate(last_meeting=Subquery(latest, output_field=models.DateField()))


def gap_cutoff(org: Organization, today: date | None = None) -> date:
    """A working pair whose last meeting (or, with none, its start) is on or before this day is flagged."""
    return (today or timezone.localdate()) - timedelta(weeks=org.meeting_gap_weeks)


def without_meetings(qs: models.QuerySet[Mentorship], org: Organization, today: date | None = None):
    """Working pairs with no meeting for the organisation's number of weeks (`qs` annotated by with_last_meeting)."""
    cutoff = gap_cutoff(org, today)
    return qs.filter(state=Mentorship.State.ACTIVE).filter(
        Q(last_meeting__lte=cutoff) | Q(last_meeting__isnull=True, started_on__lte=cutoff)
    )


def rating_trend(ratings: Sequence[float]) -> str | None:
    """The trend of per-meeting mean ratings, oldest first: the last TREND_WINDOW meetings against the ones before.

    None until two meetings were rated.
    """
    if len(ratings) < 2:
        return None
    split = max(len(ratings) - TREND_WINDOW, len(ratings) // 2)
    recent, earlier = ratings[split:], ratings[max(0, split - TREND_WINDOW) : split]
    change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
    if change >= TREND_STEP:
        return Trend.UP
    if change <= -TREND_STEP:
        return Trend.DOWN
    return Trend.STEADY


@dataclass
class Health:
    last_meeting: date | None
    flagged: bool
    weeks_without: int | None
    overdue: int
    mean_rating: float | None
    trend: str | None

    @property
    def trend_label(self) -> str:
        return Trend(self.trend).label if self.trend else ""


def _ratings_by_pair(pair_ids: list[int]) -> dict[int, list[float]]:
    """Per pair, the mean rating of each rated meeting, oldest first: one query for any number of pairs."""
    rows = (
        Meeting.objects.filter(mentorship_id__in=pair_ids, feedback__isnull=False)
        .order_by("mentorship_id", "date", "id")
        .values("mentorship_id", "id")
        .annotate(avg=Avg("feedback__rating"))
        .values_list("mentorship_id", "avg")
    )
    found: dict[int, list[float]] = defaultdict(list)
    for pair_id, avg in rows:
        found[pair_id].append(float(avg))
    return found


def attach_health(pairs: Sequence[Mentorship], org: Organization, today: date | None = None) -> None:
    """Set `health` on each pair (annotated with `last_meeting` and `overdue_count`) with one more query."""
    today = today or timezone.localdate()
    cutoff = gap_cutoff(org, today)
    ratings = _ratings_by_pair([m.pk for m in pairs])
    for m in pairs:
        last = m.last_meeting
        active = m.state == Mentorship.State.ACTIVE
        since = last or m.started_on
        flagged = active and since is not None and since <= cutoff
        mine = ratings.get(m.pk, [])
        m.health = Health(
            last_meeting=last,
            flagged=flagged,
            weeks_without=(today - since).days // 7 if active and since else None,
            overdue=getattr(m, "overdue_count", 0),
            mean_rating=round(sum(mine) / len(mine), 1) if mine else None,
            trend=rating_trend(mine),
        )


def pair_health(m: Mentorship, today: date | None = None) -> Health:
    """The health of one pair, for its page."""
    annotated = with_last_meeting(Mentorship.objects.filter(pk=m.pk)).with_overdue_count(today)
    row = annotated.values("last_meeting", "overdue_count").get()
    m.last_meeting, m.overdue_count = row["last_meeting"], row["overdue_count"]
    attach_health([m], m.organization, today)
    return m.health


def meeting_log(m: Mentorship) -> list[Meeting]:
    """The pair's meetings, newest first, with author, linked rows and feedback: three queries for any log."""
    return list(
        Meeting.objects.filter(mentorship=m)
        .select_related("author")
        .prefetch_related(
            models.Prefetch("plan_rows", queryset=PlanActivity.objects.order_by("deadline", "position", "id")),
            models.Prefetch("feedback", queryset=MeetingFeedback.objects.select_related("mentee").order_by("id")),
        )
    )
