"""Lists and home pages cost the same number of queries for a small and a large organisation."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Role
from tests.factories import PersonFactory

# Session, user, the user's roles, then the page itself: a handful, whatever the size.
MAX_QUERIES = 13  # 12 + the notification bell (people.notices, issue 16)
LARGE = 60
ROLE_MIX = [[Role.Kind.MENTOR], [Role.Kind.MENTEE], [Role.Kind.MENTOR, Role.Kind.COUNCIL], [Role.Kind.CURATOR], []]


def grow_staff(org, count: int) -> None:
    for n in range(count):
        PersonFactory(organization=org, roles=ROLE_MIX[n % len(ROLE_MIX)], with_account=n % 2 == 0)


def queries_for(client, url: str) -> list[str]:
    client.get(url)  # the first visit may write to the session; measure the steady state
    cache.clear()  # as after a write in the organisation: the figures are computed anew (people.changes)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


def assert_constant(small: list[str], large: list[str]) -> None:
    assert len(large) == len(small), "\n".join(["small:", *small, "large:", *large])
    assert len(large) <= MAX_QUERIES, "\n".join(large)


def test_staff_list_queries_do_not_grow_with_staff(curator):
    url = reverse("people:staff_list", args=[curator.org.slug])
    grow_staff(curator.org, 4)
    small = queries_for(curator.client, url)
    grow_staff(curator.org, LARGE - 5)
    large = queries_for(curator.client, url)
    assert curator.client.get(url).context["page"].paginator.count == LARGE
    assert_constant(small, large)


def test_filtered_and_searched_staff_list_queries_do_not_grow(curator):
    url = reverse("people:staff_list", args=[curator.org.slug]) + "?role=mentor&q=ова&show=all"
    grow_staff(curator.org, 4)
    small = queries_for(curator.client, url)
    grow_staff(curator.org, LARGE - 5)
    assert_constant(small, queries_for(curator.client, url))


def test_person_card_queries_do_not_grow(admin):
    person = PersonFactory(organization=admin.org, roles=[Role.Kind.MENTOR, Role.Kind.COUNCIL], with_account=True)
    url = person.get_absolute_url()
    small = queries_for(admin.client, url)
    grow_staff(admin.org, LARGE)
    assert_constant(small, queries_for(admin.client, url))


@pytest.mark.parametrize("role", [kind.value for kind in Role.Kind])
def test_role_home_queries_do_not_grow_with_staff(org, persona, role):
    actor = persona(org, role)
    url = reverse("role_home", args=[org.slug, role])
    grow_staff(org, 4)
    small = queries_for(actor.client, url)
    grow_staff(org, LARGE - 5)
    large = queries_for(actor.client, url)
    assert_constant(small, large)
