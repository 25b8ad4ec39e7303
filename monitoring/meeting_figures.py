"""Meetings and documents of the everyday work, per organisation, for the report and the municipal view.

Three queries whatever the number of organisations and pairs:
- meetings held in the period and the mentees' ratings of them;
- pairs and groups working on the period's cutoff with no meeting for longer than their organisation's gap
  (people.Organization.meeting_gap_weeks — the same rule that flags a pair on the curator's list,
  mentoring.meetings.without_meetings, applied on the cutoff instead of today);
- certificates of participation and letters of thanks issued in the period.
With `with_work=True` (the municipal view) two more: situational and speed mentoring records of the period, and
the programme's events held in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Avg, Count, Max, Q

from mentoring.models import Meeting, Mentorship, ShortMentoring
from monitoring.models import Event
from monitoring.reports import Period, worked_q
from roadmap.models import Certificate

KEYS = ("meetings", "rated", "rating", "working", "quiet", "participation", "thanks", "short", "events")


def blank() -> dict:
    return {key: None if key == "rating" else 0 for key in KEYS}


def meeting_figures(org_ids: Sequence[int], period: Period, *, with_work: bool = False) -> dict[int, dict]:
    """Per organisation: `meetings` held in the period, `rated` ratings and their mean `rating` (1–5, or None),
    `working` pairs and groups on the cutoff, `quiet` those of them without a meeting for longer than the
    organisation's gap, `participation` certificates and `thanks` letters issued in the period; with `with_work`,
    `short` records of situational and speed mentoring and `events` held in the period (the organisation's own report
    has tables of its own for these)."""
    result = {pk: blank() for pk in org_ids}
    if not org_ids:
        return result
    held = (
        Meeting.objects.filter(organization_id__in=org_ids, date__gte=period.start, date__lte=period.end)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk", distinct=True), rated=Count("feedback"), rating=Avg("feedback__rating"))
    )
    for row in held:
        found = result[row["organization_id"]]
        found.update(meetings=row["n"], rated=row["rated"], rating=row["rating"])

    cutoff = period.cutoff
    # One row per working pair (its start, latest meeting by the cutoff and its organisation's gap): the gap differs
    # between organisations, and date arithmetic with a column is not portable between PostgreSQL and SQLite.
    working = (
        Mentorship.objects.filter(worked_q(period), organization_id__in=org_ids, started_on__lte=cutoff)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cutoff))
        .order_by()
        .values("pk", "organization_id", "started_on", "organization__meeting_gap_weeks")
        .annotate(last=Max("meetings__date", filter=Q(meetings__date__lte=cutoff)))
    )
    for row in working:
        found = result[row["organization_id"]]
        found["working"] += 1
        since = row["last"] or row["started_on"]
        if since <= cutoff - timedelta(weeks=row["organization__meeting_gap_weeks"]):
            found["quiet"] += 1

    issued = (
        Certificate.objects.filter(organization_id__in=org_ids, issued_on__gte=period.start, issued_on__lte=period.end)
        .order_by()
        .values("organization_id", "kind")
        .annotate(n=Count("pk"))
    )
    for row in issued:
        key = "thanks" if row["kind"] == Certificate.Kind.THANKS else "participation"
        result[row["organization_id"]][key] += row["n"]
    if with_work:
        _add_work(result, org_ids, period)
    return result


def _add_work(result: dict[int, dict], org_ids: Sequence[int], period: Period) -> None:
    """Short forms of the period and events held in it, per organisation (two queries)."""
    in_period = {"organization_id__in": org_ids, "date__gte": period.start, "date__lte": period.end}
    for row in ShortMentoring.objects.filter(**in_period).order_by().values("organization_id").annotate(n=Count("pk")):
        result[row["organization_id"]]["short"] = row["n"]
    held = Event.objects.filter(status=Event.Status.HELD, **in_period)
    for row in held.order_by().values("organization_id").annotate(n=Count("pk")):
        result[row["organization_id"]]["events"] = row["n"]


def totals(figures: Sequence[dict]) -> dict:
    """The municipality's totals: counts summed, the mean rating taken over all ratings (weighted by their number)."""
    total = blank()
    for f in figures:
        for key in KEYS:
            if key != "rating":
                total[key] += f[key]
    rated = [(f["rating"], f["rated"]) for f in figures if f["rating"] is not None and f["rated"]]
    if rated:
        total["rating"] = sum(r * n for r, n in rated) / sum(n for _, n in rated)
    return total
