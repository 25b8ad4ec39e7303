"""Builders for the meeting tests: a working pair with a plan, meetings with feedback, many of them in bulk."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from mentoring.models import Meeting, MeetingFeedback, Mentorship, Programme
from people.models import Person
from tests.mentoring.pair_fixtures import make_pair, programme


def working_pair(mentor: Person, *mentees: Person) -> Mentorship:
    """An active pair (group) working for 60 days, its programme with one overdue row and two rows to come."""
    m = make_pair(mentor, *mentees, state=Mentorship.State.ACTIVE)
    programme(m, overdue=1, later=2)
    return m


def meeting(m: Mentorship, day: date | None = None, *, ratings: tuple[int, ...] = (), topic: str = "") -> Meeting:
    """A meeting of `m` on `day` (today by default); `ratings` given by its mentees in order."""
    day = day or timezone.localdate()
    item = Meeting.objects.create(
        organization=m.organization,
        mentorship=m,
        date=day,
        topic=topic or f"Разбор урока от {day:%d.%m.%Y}",
        done="Посетили урок, обсудили организацию групповой работы.",
        author=m.mentor,
    )
    for mentee, rating in zip(m.mentees.order_by("pk"), ratings, strict=False):
        MeetingFeedback.objects.create(meeting=item, mentee=mentee, rating=rating)
    return item


def bulk_meetings(pairs: list[Mentorship], per_pair: int = 2) -> None:
    """`per_pair` rated meetings of each pair, a week apart, the last one 3 days ago."""
    today = timezone.localdate()
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                organization_id=m.organization_id,
                mentorship=m,
                date=today - timedelta(days=3 + 7 * n),
                topic=f"Встреча № {n}",
                done="Обсудили план.",
            )
            for m in pairs
            for n in range(per_pair)
        ]
    )
    links = Mentorship.mentees.through.objects.filter(mentorship__in=pairs)
    mentee_of = dict(links.values_list("mentorship", "person"))
    MeetingFeedback.objects.bulk_create(
        [MeetingFeedback(meeting=x, mentee_id=mentee_of[x.mentorship_id], rating=4) for x in meetings]
    )


def plan_rows(m: Mentorship):
    return list(Programme.objects.get(mentorship=m).activities.order_by("deadline"))
