"""Private iCalendar feeds: each user's plan deadlines and meetings, so the programme shows in a phone's calendar.

The feed is public by URL (calendar apps cannot log in) and protected by its secret token; regenerating the
token makes the old address stop working. The document is built with the icalendar library, which does the
escaping, line folding and value formats of RFC 5545. The pages that show and renew the address are in
mentoring.views.calendar; the feed itself is served by monitoring.views.events, which adds the programme's events.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from icalendar import TRANSP, Calendar, Event

from mentoring.models import CalendarFeed, Meeting, Mentorship, PlanActivity, Programme
from mentoring.models.pairs import feed_programmes_filter, serving_people

PRODID = "-//Наставничество//Календарь программы наставничества//RU"
CALENDAR_NAME = "Программа наставничества"

# --- iCalendar document ---


def ics_document(events: list[Event], uid: str) -> bytes:
    """The feed as iCalendar bytes; the icalendar library escapes text, folds lines at 75 octets and ends them
    with CRLF (RFC 5545)."""
    calendar = Calendar.new(
        prodid=PRODID, calscale="GREGORIAN", method="PUBLISH", name=CALENDAR_NAME, uid=uid, subcomponents=events
    )
    return calendar.to_ical()


def day_event(uid: str, day, summary: str, description: str, stamp: datetime) -> Event:
    """An all-day entry that does not mark the time as busy (deadlines, meetings held)."""
    return Event.new(
        uid=f"{uid}@nastavnichestvo",
        stamp=stamp,
        start=day,
        end=day + timedelta(days=1),
        summary=summary,
        description=description,
        transparency=TRANSP.TRANSPARENT,
    )


def deadline_event(row: PlanActivity, stamp: datetime) -> Event:
    description = f"Программа: {row.programme}"
    if row.expected_result:
        description += f"\nОжидаемый результат: {row.expected_result}"
    return day_event(f"plan-activity-{row.pk}", row.deadline, f"Срок: {row.activity}", description, stamp)


def held_meeting_event(meeting: Meeting, stamp: datetime) -> Event:
    """A meeting recorded in the pair's log: on its day, with what was agreed, so the next steps are at hand."""
    description = f"{meeting.get_format_display()}. Сделано: {meeting.done}"
    if meeting.next_steps:
        description += f"\nДоговорились: {meeting.next_steps}"
    return day_event(f"meeting-{meeting.pk}", meeting.date, f"Встреча: {meeting.topic}", description, stamp)


# --- meetings from the free-text schedule ---

WEEKDAYS = [
    ("понедельн", "MO"),
    ("вторн", "TU"),
    ("сред", "WE"),
    ("четверг", "TH"),
    ("пятниц", "FR"),
    ("суббот", "SA"),
    ("воскресен", "SU"),
]
BYDAY_INDEX = {code: i for i, (_, code) in enumerate(WEEKDAYS)}
TIME = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
FORTNIGHTLY = re.compile(r"раз в две недели|раз в 2 недели|через неделю|каждую вторую|по чётным|по четным")


def parse_schedule(text: str) -> tuple[list[str], time, int] | None:
    """Weekdays, start time and interval in weeks of a schedule like «еженедельно по вторникам в 15:00»;
    None if the text does not name both a weekday and a time."""
    lower = text.lower()
    days = [code for stem, code in WEEKDAYS if re.search(r"\b" + stem, lower)]
    found = TIME.search(lower)
    if not days or not found:
        return None
    return days, time(int(found[1]), int(found[2])), 2 if FORTNIGHTLY.search(lower) else 1


def meeting_event(programme: Programme, stamp: datetime) -> Event | None:
    parsed = parse_schedule(programme.meeting_schedule)
    if parsed is None:
        return None
    days, at, interval = parsed
    first = programme.start
    while first.weekday() not in {BYDAY_INDEX[d] for d in days}:
        first += timedelta(days=1)
    event = Event.new(
        uid=f"programme-meetings-{programme.pk}@nastavnichestvo",
        stamp=stamp,
        start=datetime.combine(first, at),  # floating local time: the meeting is at 15:00 wherever the phone is
        summary=f"Встреча наставника и наставляемого: {programme}",
        description=f"Расписание встреч: {programme.meeting_schedule}",
    )
    event.add("duration", timedelta(hours=1))
    until = datetime.combine(programme.end, time(23, 59, 59))
    event.add("rrule", {"freq": "weekly", "interval": interval, "byday": days, "until": until})
    return event


def feed_events(user, today: date | None = None) -> list[Event]:
    """The user's deadlines and meetings in every pair that is formed or working, as mentor holding the mentor
    role or as mentee holding the mentee role, from staff cards of people still working."""
    mine = feed_programmes_filter(user)
    programmes = list(
        Programme.objects.filter(mine, mentorship__state__in=Mentorship.HOLDING_STATES).distinct().order_by("pk")
    )
    by_pk = {p.pk: p for p in programmes}
    rows = PlanActivity.objects.filter(programme__in=list(by_pk)).order_by("deadline", "pk")
    stamp = timezone.now()
    events = []
    for row in rows:
        row.programme = by_pk[row.programme_id]
        events.append(deadline_event(row, stamp))
    for programme in programmes:
        meeting = meeting_event(programme, stamp)
        if meeting is not None:
            events.append(meeting)
    held = Meeting.objects.filter(mentorship__in=[p.mentorship_id for p in programmes]).order_by("date", "pk")
    events += [held_meeting_event(m, stamp) for m in held]
    return events


def live_feed(token: str) -> CalendarFeed:
    """The feed of `token`, or 404; a feed whose owner no longer serves is revoked for good."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    if not serving_people(feed.user).exists():
        # Dismissed, card removed, no role left: the address is revoked for good, whatever missed telling it.
        feed.delete()
        raise Http404("Адрес календаря больше не действует.")
    return feed


def feed_response(feed: CalendarFeed, events: list[Event]) -> HttpResponse:
    document = ics_document(events, uid=f"calendar-{feed.user_id}@nastavnichestvo")
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nastavnichestvo.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
