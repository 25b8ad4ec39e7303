"""The pairs pages and the role homes cost the same number of queries for 5 pairs as for 200."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import ChangeRequest, Mentorship
from people.changes import touch
from tests.mentoring.pair_fixtures import bulk_pairs, make_pair, programme
from tests.people.bank_fixtures import grow_mentee_bank

pytestmark = pytest.mark.django_db
SMALL, LARGE = 5, 200


def queries_for(client, url: str) -> list[str]:
    client.get(url)  # the first visit may write to the session
    cache.clear()  # as after a write in the organisation: the figures are computed anew (people.changes)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


def assert_same(small: list[str], large: list[str], limit: int) -> None:
    assert len(small) == len(large), "\n".join(["small:", *small, "large:", *large])
    assert len(large) <= limit, "\n".join(large)


def requests_for(pairs: list[Mentorship]) -> None:
    ChangeRequest.objects.bulk_create(
        [
            ChangeRequest(mentorship=m, kind=ChangeRequest.Kind.RELEASE, requested_by=m.mentor, reason="Причина")
            for m in pairs
        ]
    )


@pytest.mark.parametrize("query", ["", "?overdue=1&state=active", "?q=ова&kind=1&form=1"])
def test_pair_list_queries_do_not_grow(curator, query):
    org = curator.org
    url = reverse("mentoring:pairs", args=[org.slug]) + query
    bulk_pairs(org, SMALL)
    grow_mentee_bank(org, 3)
    small = queries_for(curator.client, url)
    bulk_pairs(org, LARGE - SMALL, start=5000)
    grow_mentee_bank(org, 60, start=9000)
    large = queries_for(curator.client, url)
    assert_same(small, large, 16)
    if not query:
        page = curator.client.get(url).context["page"]
        assert page.paginator.count == LARGE and len(page.object_list) == 25
        assert all(m.overdue_count == 1 for m in page.object_list)


def test_pair_page_queries_do_not_grow_with_history_and_requests(curator):
    org = curator.org
    m = bulk_pairs(org, 1)[0]
    url = reverse("mentoring:mentorship_detail", args=[org.slug, m.pk])
    small = queries_for(curator.client, url)
    bulk_pairs(org, LARGE, start=5000)
    for n in range(30):
        m.events.create(to_state=Mentorship.State.ACTIVE, note=f"Событие {n}")
    requests_for([m])
    assert_same(small, queries_for(curator.client, url), 20)


def test_request_list_queries_do_not_grow(curator):
    org = curator.org
    url = reverse("mentoring:change_requests", args=[org.slug])
    requests_for(bulk_pairs(org, SMALL))
    small = queries_for(curator.client, url)
    requests_for(bulk_pairs(org, LARGE, start=5000))
    assert_same(small, queries_for(curator.client, url), 12)


def test_curator_home_queries_do_not_grow_with_pairs(curator):
    url = reverse("role_home", args=[curator.org.slug, "curator"])
    requests_for(bulk_pairs(curator.org, SMALL))
    small = queries_for(curator.client, url)
    requests_for(bulk_pairs(curator.org, LARGE, start=5000))
    touch(curator.org)  # bulk_create writes past the pages, which touch the organisation after every write
    response = curator.client.get(url)
    assert response.context["pairs"]["active"] == SMALL + LARGE
    assert response.context["pairs"]["overdue_programmes"] == SMALL + LARGE
    assert response.context["pairs"]["open_requests"] == SMALL + LARGE
    assert_same(small, queries_for(curator.client, url), 14)


def test_mentor_home_queries_do_not_grow_with_their_pairs(mentor):
    url = reverse("role_home", args=[mentor.org.slug, "mentor"])
    bulk_pairs(mentor.org, 2, mentor=mentor.person)
    small = queries_for(mentor.client, url)
    bulk_pairs(mentor.org, 40, start=5000, mentor=mentor.person)
    bulk_pairs(mentor.org, LARGE, start=8000)  # other mentors' pairs are not theirs to see
    response = mentor.client.get(url)
    assert len(response.context["pairs"]) == 42
    assert response.context["overdue_total"] == 42
    assert len(response.context["due_week"]) == 15
    assert_same(small, queries_for(mentor.client, url), 16)


def test_mentee_home_shows_the_pair_deadlines_in_constant_queries(org, mentor, mentee):
    url = reverse("role_home", args=[org.slug, "mentee"])
    m = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    p = programme(m, overdue=1, this_week=1, later=1)
    small = queries_for(mentee.client, url)
    p.delete()
    programme(m, overdue=30, this_week=20, later=40)
    bulk_pairs(org, LARGE, start=8000)
    response = mentee.client.get(url)
    assert [pair.mentor for pair in response.context["pairs"]] == [mentor.person]
    assert response.context["overdue_total"] == 30 and len(response.context["overdue"]) == 15
    assert len(response.context["upcoming"]) == 5
    assert_same(small, queries_for(mentee.client, url), 16)
