"""`seed_demo` gives both demo organisations meeting logs with feedback and one pair flagged for going quiet."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from mentoring.meetings import attach_health, with_last_meeting
from mentoring.models import Meeting, MeetingFeedback, Mentorship
from people.models import Organization

pytestmark = pytest.mark.django_db


def test_demo_meetings_in_both_organisations_one_pair_flagged_and_a_second_run_adds_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    for slug in ("ds-solnyshko", "school-7"):
        org = Organization.objects.get(slug=slug)
        pairs = list(with_last_meeting(Mentorship.objects.for_org(org).for_list()))
        attach_health(pairs, org)
        flagged = [m for m in pairs if m.health.flagged]
        assert len(flagged) == 1 and flagged[0].health.trend == "down", slug
        working = [m for m in pairs if m.state == Mentorship.State.ACTIVE and m not in flagged]
        assert all(m.health.last_meeting for m in working), slug
        assert MeetingFeedback.objects.filter(meeting__organization=org).count() >= 20
        assert Meeting.objects.filter(organization=org, plan_rows__isnull=False).exists()
    before = Meeting.objects.count(), MeetingFeedback.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Meeting.objects.count(), MeetingFeedback.objects.count()) == before
