"""A calendar feed follows its person: it stops, and its token is revoked, when they leave the pair, the
organisation or their role; coming back, they make a new address."""

from __future__ import annotations

from datetime import date

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from mentoring.models import CalendarFeed
from people import roles
from people.forms import PersonForm
from people.models import Role
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows

pytestmark = pytest.mark.time_machine("2026-01-20 10:00 +03:00", tick=False)


def feed_status(client, feed: CalendarFeed) -> int:
    return client.get(reverse("calendar_feed", args=[feed.token])).status_code


@pytest.fixture
def pair(mentor, mentee):
    pair = active_pair(mentor.person, mentee.person)
    programme_with_rows(pair, rows=2)
    return pair


def test_the_feed_stops_and_is_revoked_when_the_pair_ends(pair, mentor, mentee, client):
    feeds = [CalendarFeed.for_user(who.user) for who in (mentor, mentee)]
    assert [feed_status(client, feed) for feed in feeds] == [200, 200]

    pair.complete(by=None, on=date(2026, 1, 20))

    assert [feed_status(client, feed) for feed in feeds] == [404, 404]
    assert not CalendarFeed.objects.filter(user__in=[mentor.user, mentee.user]).exists()
    # Back in a pair (the order fixing it gives the role again), the mentor gets a new address; the old one is dead.
    programme_with_rows(active_pair(mentor.person, mentee.person), rows=1)
    roles.grant(mentor.person, Role.Kind.MENTOR, ground="приказ")
    again = CalendarFeed.for_user(mentor.user)
    assert again.token != feeds[0].token
    assert feed_status(client, again) == 200 and feed_status(client, feeds[0]) == 404


def test_the_feed_of_a_dismissed_mentor_stops_and_is_revoked(
    pair, mentor, curator, client, django_capture_on_commit_callbacks
):
    feed = CalendarFeed.for_user(mentor.user)
    assert feed_status(client, feed) == 200
    data = {k: ("" if v is None else v) for k, v in model_to_dict(mentor.person, fields=PersonForm.Meta.fields).items()}
    data |= {"hired_on": "2020-09-01", "left_on": "2026-01-19"}

    with django_capture_on_commit_callbacks(execute=True):
        response = curator.client.post(reverse("people:person_edit", args=[curator.org.slug, mentor.person.pk]), data)

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()  # revoked at once, not only when fetched
    assert feed_status(client, feed) == 404


def test_the_feed_stops_and_is_revoked_when_the_mentor_role_is_withdrawn(
    pair, mentor, admin, client, django_capture_on_commit_callbacks
):
    feed = CalendarFeed.for_user(mentor.user)
    assert feed_status(client, feed) == 200
    url = reverse("people:person_roles", args=[admin.org.slug, mentor.person.pk])

    with django_capture_on_commit_callbacks(execute=True):
        assert admin.client.post(url, {"roles": ["council"]}).status_code == 302

    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()
    assert feed_status(client, feed) == 404
    # Given the role back, the mentor makes a new address, which serves the pair again.
    with django_capture_on_commit_callbacks(execute=True):
        admin.client.post(url, {"roles": ["council", "mentor"]})
    again = CalendarFeed.for_user(mentor.user)
    assert again.token != feed.token
    response = client.get(reverse("calendar_feed", args=[again.token]))
    assert response.status_code == 200 and "BEGIN:VEVENT" in response.content.decode()


def test_a_feed_the_events_missed_is_revoked_when_fetched(pair, mentee, client):
    """A card changed behind the application's back (the admin site, the database) is caught by the feed itself."""
    feed = CalendarFeed.for_user(mentee.user)
    mentee.person.roles.all().delete()
    assert feed_status(client, feed) == 404
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()


def test_the_feed_stops_when_the_administrator_switches_off_access_to_the_organisation(
    pair, mentor, admin, client, django_capture_on_commit_callbacks
):
    """The access switch of one organisation's staff card (issue 20, accounts that span organisations) also
    stops the feed of that organisation's pairs and revokes it at once."""
    feed = CalendarFeed.for_user(mentor.user)
    assert feed_status(client, feed) == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.client.post(reverse("people:person_account_toggle", args=[admin.org.slug, mentor.person.pk]))
    assert response.status_code == 302
    mentor.person.refresh_from_db()
    assert mentor.person.access_disabled_at is not None
    assert feed_status(client, feed) == 404
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()
