"""The pair list with its «Встречи» column and the pair page with its meeting log cost the same number of queries
for a few pairs and meetings as for many."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Meeting
from tests.mentoring.meeting_fixtures import bulk_meetings
from tests.mentoring.pair_fixtures import bulk_pairs
from tests.mentoring.test_pair_queries import assert_same, queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-12-03 10:00 +03:00")]
SMALL, LARGE = 5, 200


@pytest.mark.parametrize("query", ["", "?nomeet=1", "?nomeet=1&overdue=1&state=active"])
def test_pair_list_with_meetings_costs_the_same_for_many_pairs(curator, query):
    org = curator.org
    url = reverse("mentoring:pairs", args=[org.slug]) + query
    bulk_meetings(bulk_pairs(org, SMALL), per_pair=1)
    bulk_pairs(org, 2, start=3000)  # never met: flagged
    small = queries_for(curator.client, url)
    bulk_meetings(bulk_pairs(org, LARGE, start=5000), per_pair=4)
    bulk_pairs(org, 30, start=9000)
    large = queries_for(curator.client, url)
    assert_same(small, large, 16)
    page = curator.client.get(url).context["page"]
    if query:
        assert page.paginator.count == 32 and all(m.health.flagged for m in page.object_list)
    else:
        assert page.paginator.count == SMALL + 2 + LARGE + 30
        assert sum(m.health.mean_rating == 4.0 for m in page.object_list) >= 0


def test_pair_page_log_costs_the_same_for_many_meetings(curator):
    org = curator.org
    m = bulk_pairs(org, 1)[0]
    url = reverse("mentoring:mentorship_detail", args=[org.slug, m.pk])
    bulk_meetings([m], per_pair=1)
    small = queries_for(curator.client, url)
    bulk_meetings([m], per_pair=40)
    Meeting.plan_rows.through.objects.bulk_create(
        [
            Meeting.plan_rows.through(meeting=x, planactivity=row)
            for x in Meeting.objects.filter(mentorship=m)
            for row in m.programme.activities.all()
        ]
    )
    large = queries_for(curator.client, url)
    assert_same(small, large, 26)
    assert len(curator.client.get(url).context["meetings"]) == 41
