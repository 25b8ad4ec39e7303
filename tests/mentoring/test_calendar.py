"""Private iCalendar feeds: the page with the secret address, regenerating it, and the feed text (RFC 5545)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar, Event

from mentoring.feeds import ics_document, parse_schedule
from mentoring.models import CalendarFeed, PlanActivity
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows


def feed_url(feed: CalendarFeed) -> str:
    return reverse("calendar_feed", args=[feed.token])


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@pytest.fixture
def programme(mentor, mentee):
    return programme_with_rows(active_pair(mentor.person, mentee.person), rows=3)


# --- the iCalendar text ---


def document(summary: str) -> str:
    return ics_document([Event.new(uid="x", summary=summary, start=date(2025, 9, 8))], uid="c").decode()


def test_text_values_escape_commas_semicolons_backslashes_and_newlines():
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne\\nf" in unfold(document("a,b;c\\d\ne\r\nf"))


def test_long_lines_are_folded_at_75_octets_without_splitting_a_letter():
    line = "SUMMARY:" + "Посещение урока наставника " * 6
    folded = document(line.removeprefix("SUMMARY:")).encode()
    parts = folded.split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert sum(part.startswith(b" ") for part in parts) > 1
    parts = [part.decode() for part in parts]  # every part decodes: no letter was split
    assert line in unfold("\r\n".join(parts))


def test_a_document_uses_crlf_line_endings_only():
    text = document("я" * 100)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Еженедельно по вторникам в 15:00", (["TU"], time(15, 0), 1)),
        ("Раз в две недели по четвергам в 14.30", (["TH"], time(14, 30), 2)),
        ("понедельник и среда, 8:15", (["MO", "WE"], time(8, 15), 1)),
        ("По договорённости", None),
        ("Каждую пятницу", None),
    ],
)
def test_meeting_schedules_are_read_when_they_name_a_day_and_a_time(text, expected):
    assert parse_schedule(text) == expected


# --- the feed ---


def test_the_feed_lists_deadlines_and_weekly_meetings_of_the_mentee(programme, mentee):
    PlanActivity.objects.create(programme=programme, activity="Урок, разбор; итоги\\выводы", deadline=date(2025, 12, 1))
    feed = CalendarFeed.for_user(mentee.user)
    response = mentee.client.get(feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines.count("BEGIN:VEVENT") == 5  # four deadlines and the meetings
    assert "DTSTART;VALUE=DATE:20250908" in lines
    assert "SUMMARY:Срок: Урок\\, разбор\\; итоги\\\\выводы" in lines
    assert "DTSTART:20250902T150000" in lines  # the first Tuesday of the programme, floating local time
    assert sum(1 for line in lines if line.startswith("UID:")) == 6  # the calendar's and five events'
    assert all(line.endswith("Z") for line in lines if line.startswith("DTSTAMP:"))

    # what a calendar application reads from it
    events = Calendar.from_ical(response.content).events
    assert len({event.uid for event in events}) == 5
    deadlines = [event for event in events if "RRULE" not in event]
    assert deadlines[0].start == date(2025, 9, 8)  # the earliest deadline comes first
    assert all(event.end - event.start == timedelta(days=1) for event in deadlines)
    assert "Срок: Урок, разбор; итоги\\выводы" in [event.summary for event in deadlines]
    (meetings,) = [event for event in events if "RRULE" in event]
    assert meetings.start == datetime(2025, 9, 2, 15, 0) and meetings.duration == timedelta(hours=1)
    rule = meetings["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [1] and rule["BYDAY"] == ["TU"]
    assert rule["UNTIL"] == [datetime(2026, 5, 31, 23, 59, 59)]
    assert all(event.stamp.utcoffset() == timedelta(0) for event in events)


def test_without_a_readable_schedule_the_feed_has_deadlines_only(programme, mentor):
    programme.meeting_schedule = "по договорённости"
    programme.save()
    text = mentor.client.get(feed_url(CalendarFeed.for_user(mentor.user))).content.decode()
    assert text.count("BEGIN:VEVENT") == 3 and "RRULE" not in text


def test_the_feed_opens_without_login_and_shows_nothing_of_other_people(programme, curator, client):
    feed = CalendarFeed.for_user(curator.user)  # the curator is in no pair
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    assert "BEGIN:VEVENT" not in response.content.decode()


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("calendar_feed", args=["no-such-token"])).status_code == 404


def test_the_address_is_made_by_the_button_not_by_looking_at_the_page(mentee):
    url = reverse("mentoring:calendar", args=[mentee.org.slug])
    page = mentee.client.get(url)
    assert page.status_code == 200 and "Создать адрес календаря" in page.content.decode()
    assert not CalendarFeed.objects.filter(user=mentee.user).exists()

    response = mentee.client.post(reverse("mentoring:calendar_regenerate", args=[mentee.org.slug]), follow=True)

    feed = CalendarFeed.objects.get(user=mentee.user)
    assert "Адрес календаря создан" in response.content.decode()
    assert feed.token in response.content.decode()


def test_regenerating_the_address_stops_the_old_one(mentee, programme):
    old = CalendarFeed.for_user(mentee.user)
    page = mentee.client.get(reverse("mentoring:calendar", args=[mentee.org.slug]))
    assert page.status_code == 200 and old.token in page.content.decode()
    assert mentee.client.get(reverse("mentoring:calendar_regenerate", args=[mentee.org.slug])).status_code == 405
    response = mentee.client.post(reverse("mentoring:calendar_regenerate", args=[mentee.org.slug]), follow=True)
    assert "Прежний адрес больше не работает" in response.content.decode()
    new = CalendarFeed.objects.get(user=mentee.user)
    assert new.token != old.token
    assert mentee.client.get(feed_url(old)).status_code == 404
    assert mentee.client.get(feed_url(new)).status_code == 200
    assert new.token in response.content.decode()


def test_every_role_has_a_calendar_page_but_not_in_another_organisation(head, curator, outsider, org):
    for who in (head, curator):
        assert who.client.get(reverse("mentoring:calendar", args=[org.slug])).status_code == 200
    assert outsider.client.get(reverse("mentoring:calendar", args=[org.slug])).status_code == 404
