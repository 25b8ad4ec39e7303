"""Pair health: the flag after the organisation's weeks without a meeting (pinned clock) and the rating trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentoring.meetings import Trend, pair_health, rating_trend
from mentoring.models import Mentorship
from tests.factories import PersonFactory
from tests.mentoring.meeting_fixtures import meeting, working_pair

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")
TODAY = date(2026, 12, 3)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.mark.parametrize(
    ("ratings", "trend"),
    [
        ([], None),
        ([4.0], None),
        ([4.0, 4.0], Trend.STEADY),
        ([3.0, 5.0], Trend.UP),
        ([5.0, 4.0, 2.0, 2.0], Trend.DOWN),
        ([2.0, 2.0, 2.0, 5.0, 5.0, 4.0], Trend.UP),
        ([5.0, 5.0, 5.0, 4.5, 5.0, 4.5], Trend.STEADY),  # a change below half a point is no trend
        ([1.0, 1.0, 1.0, 5.0, 5.0, 5.0, 4.0, 4.0, 4.0], Trend.DOWN),  # only the last six meetings count
    ],
)
def test_rating_trend_compares_the_last_meetings_with_those_before(ratings, trend):
    assert rating_trend(ratings) == trend


@pytest.fixture
def pair(org) -> Mentorship:
    return working_pair(PersonFactory(organization=org), PersonFactory(organization=org))  # started 60 days ago


def test_a_pair_is_flagged_after_the_organisations_weeks_without_a_meeting(org, pair):
    meeting(pair, days_ago(22))
    health = pair_health(pair)
    assert health.last_meeting == days_ago(22) and health.flagged and health.weeks_without == 3
    org.meeting_gap_weeks = 4
    org.save(update_fields=["meeting_gap_weeks"])
    assert not pair_health(pair).flagged


def test_the_flag_clears_with_a_new_meeting_and_waits_for_a_new_pair(org, pair):
    meeting(pair, days_ago(30))
    assert pair_health(pair).flagged
    meeting(pair, days_ago(21))
    assert pair_health(pair).flagged  # three full weeks
    meeting(pair, days_ago(20))
    assert not pair_health(pair).flagged
    newcomer = working_pair(PersonFactory(organization=org), PersonFactory(organization=org))
    Mentorship.objects.filter(pk=newcomer.pk).update(started_on=days_ago(10))
    newcomer.refresh_from_db()
    assert not pair_health(newcomer).flagged  # no meeting yet, but working for less than three weeks


def test_a_working_pair_that_never_met_is_flagged_from_its_start(pair):
    health = pair_health(pair)
    assert health.last_meeting is None and health.flagged and health.weeks_without == 8


def test_a_finished_pair_is_never_flagged(pair):
    pair.complete(by=None, on=TODAY)
    assert not pair_health(pair).flagged


def test_health_shows_mean_rating_trend_and_overdue_rows(org, mentor, mentee):
    m = working_pair(mentor.person, mentee.person)
    for n, rating in enumerate((3, 3, 5, 5)):
        meeting(m, days_ago(40 - 7 * n), ratings=(rating,))
    health = pair_health(m)
    assert (health.mean_rating, health.trend, health.overdue) == (4.0, Trend.UP, 1)


def test_the_curator_sees_the_flag_and_filters_pairs_without_meetings(curator, org):
    quiet = working_pair(PersonFactory(organization=org, surname="Тихонова"), PersonFactory(organization=org))
    busy = working_pair(PersonFactory(organization=org, surname="Бодрова"), PersonFactory(organization=org))
    meeting(quiet, days_ago(35))
    meeting(busy, days_ago(4), ratings=(5,))
    address = reverse("mentoring:pairs", args=[org.slug])
    page = curator.client.get(address)
    by_pk = {m.pk: m.health for m in page.context["page"].object_list}
    assert by_pk[quiet.pk].flagged and not by_pk[busy.pk].flagged
    assert "нет встреч 5 нед." in page.content.decode() and "29.11.2026" in page.content.decode()
    flagged = curator.client.get(address + "?nomeet=1").context["page"].object_list
    assert [m.pk for m in flagged] == [quiet.pk]
    assert curator.client.get(address + "?nomeet=yes").context["page"].paginator.count == 2  # a bad value is absent
