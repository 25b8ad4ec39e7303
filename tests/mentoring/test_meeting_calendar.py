"""The calendar feed: the planned meetings of the programme's schedule and the meetings held, with what was agreed."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from icalendar import Calendar

from mentoring.models import CalendarFeed, Meeting
from tests.factories import PersonFactory
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows


def test_the_feed_has_the_planned_meetings_and_the_meetings_held(mentor, mentee, org):
    pair = active_pair(mentor.person, mentee.person)
    programme_with_rows(pair, rows=1)
    Meeting.objects.create(
        organization=org,
        mentorship=pair,
        date=date(2025, 10, 7),
        format=Meeting.Format.LESSON_VISIT,
        topic="Наблюдение урока в 8 «Б»",
        done="Разобрали хронометраж урока.",
        next_steps="Сократить самостоятельную работу до двух заданий.",
        author=mentor.person,
    )
    feed = CalendarFeed.for_user(mentee.user)
    events = Calendar.from_ical(mentee.client.get(reverse("calendar_feed", args=[feed.token])).content).events
    (planned,) = [e for e in events if "RRULE" in e]
    assert planned.start == datetime(2025, 9, 2, 15, 0)  # «еженедельно по вторникам в 15:00» from the start
    (held,) = [e for e in events if str(e.uid).startswith("meeting-")]
    assert held.start == date(2025, 10, 7) and held.summary == "Встреча: Наблюдение урока в 8 «Б»"
    assert "Договорились: Сократить самостоятельную работу до двух заданий." in held["DESCRIPTION"]


def test_meetings_of_other_pairs_stay_out_of_the_feed(mentor, mentee, org):
    other = active_pair(PersonFactory(organization=org), PersonFactory(organization=org))
    programme_with_rows(other, rows=1)
    Meeting.objects.create(organization=org, mentorship=other, date=date(2025, 10, 7), topic="Чужая", done="—")
    programme_with_rows(active_pair(mentor.person, mentee.person), rows=1)
    feed = CalendarFeed.for_user(mentee.user)
    text = mentee.client.get(reverse("calendar_feed", args=[feed.token])).content.decode()
    assert "Чужая" not in text
