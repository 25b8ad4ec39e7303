"""The register, the inbox, the order page and the homes cost the same number of queries at any size."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Role
from roadmap.models import Order
from tests.people.bank_fixtures import bulk_people
from tests.roadmap.approval_fixtures import make_order, pairs_order
from tests.roadmap.page_fixtures import bulk_orders

MAX_QUERIES = 16


def count(client, url: str) -> int:
    client.get(url)  # the first visit may write to the session
    cache.clear()  # as after a write in the organisation: the figures are computed anew (people.changes)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_register_queries_do_not_grow_with_orders(org, curator):
    url = reverse("roadmap:orders", args=[org.slug])
    people = bulk_people(org, 3, start=700)
    bulk_orders(org, 5, people=people)
    small = count(curator.client, url)
    bulk_orders(org, 95, people=people, start=6)
    large = count(curator.client, url)
    assert small == large <= MAX_QUERIES
    filtered = url + "?kind=free&status=approved&year=2025&q=мероприятия&page=2"
    assert count(curator.client, filtered) == large


def test_export_queries_do_not_grow_with_orders(org, curator):
    url = reverse("roadmap:orders_export", args=[org.slug]) + "?fmt=xlsx"
    bulk_orders(org, 5)
    small = count(curator.client, url)
    bulk_orders(org, 95, start=6)
    assert count(curator.client, url) == small


def test_inbox_queries_do_not_grow_with_orders_or_pairs(org, head, curator):
    url = reverse("roadmap:inbox", args=[org.slug])
    pairs_order(org, 2, author=curator.user, start=800)
    small = count(head.client, url)
    for n in range(4):
        pairs_order(org, 6, author=curator.user, start=900 + 20 * n)
    make_order(org, heading="О проведении итогового мероприятия")
    large = count(head.client, url)
    assert Order.objects.awaiting().count() == 6
    assert small == large <= MAX_QUERIES


def test_order_page_queries_do_not_grow_with_the_appendix(org, head, curator):
    small_order = pairs_order(org, 5, author=curator.user, start=1000)
    large_order = pairs_order(org, 60, author=curator.user, start=1100)
    for who in (head, curator):
        small = count(who.client, reverse("roadmap:order", args=[org.slug, small_order.pk]))
        large = count(who.client, reverse("roadmap:order", args=[org.slug, large_order.pk]))
        assert small == large <= MAX_QUERIES + 4


def test_homes_with_orders_stay_constant(org, head, mentee, curator):
    people = [mentee.person, curator.person, head.person]
    bulk_orders(org, 3, people=people)
    homes = [(head, Role.Kind.HEAD), (mentee, Role.Kind.MENTEE), (curator, Role.Kind.CURATOR)]
    urls = [(who.client, reverse("role_home", args=[org.slug, kind])) for who, kind in homes]
    small = [count(client, url) for client, url in urls]
    bulk_orders(org, 40, people=people, start=10)
    for n in range(5):
        make_order(org, heading=f"Ждёт решения {n}")
        make_order(org, heading=f"Возвращён {n}", status=Order.Status.RETURNED)
    assert [count(client, url) for client, url in urls] == small
