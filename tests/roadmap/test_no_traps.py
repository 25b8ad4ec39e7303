"""Issue 19, «no traps»: every order kind can be started from the order book; approving asks first and names the
order; two orders of the same title are told apart on the head's home; a draft pair's page offers the order
itself, not a state change without one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mentoring.models import Mentorship
from roadmap.models import Order, OrderKind
from tests.mentoring.pair_fixtures import make_pair
from tests.people.bank_fixtures import bulk_people
from tests.roadmap.approval_fixtures import make_order, pairs_order

pytestmark = pytest.mark.time_machine("2026-10-05 10:00 +03:00", tick=True)


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_order_book_starts_an_order_of_every_kind(org, curator, head):
    page = html(curator.client.get(reverse("roadmap:orders", args=[org.slug])))
    assert 'data-testid="order-new"' in page
    new = reverse("roadmap:order_new", args=[org.slug])
    for value, label in OrderKind.choices:
        assert f'href="{new}?kind={value}"' in page, label
    # Each of those addresses opens the form of that kind.
    assert html(curator.client.get(f"{new}?kind={OrderKind.FREE}"))
    # The head reads the book but drafts nothing: no button for them.
    assert 'data-testid="order-new"' not in html(head.client.get(reverse("roadmap:orders", args=[org.slug])))


def test_approving_asks_first_and_names_the_order(org, curator, head):
    order = make_order(org, OrderKind.FREE, author=curator.user, heading="О проведении методического дня наставников")
    for page in (
        html(head.client.get(reverse("roadmap:inbox", args=[org.slug]))),
        html(head.client.get(reverse("roadmap:order", args=[org.slug, order.pk]))),
    ):
        forms = re.findall(r'<form[^>]*action="[^"]*/approve/"[^>]*>', page)
        assert forms, "no approve form"
        for form in forms:
            assert "data-confirm=" in form, form
            assert "Утвердить приказ «О проведении методического дня наставников»" in form
            assert "отменить утверждение нельзя" in form


def test_two_orders_of_the_same_title_are_told_apart_on_the_heads_home(org, curator, head):
    first = pairs_order(org, 1, author=curator.user, start=600)
    second = pairs_order(org, 2, author=curator.user, start=700)
    assert first.heading == second.heading
    page = html(head.client.get(reverse("role_home", args=[org.slug, "head"])))
    details = re.findall(r'data-testid="awaiting-detail">([^<]*)<', page)
    assert len(details) == 2 and details[0] != details[1], details
    assert "пар и групп: 1" in details[0] and "пар и групп: 2" in details[1]
    assert all("проект от" in d and curator.user.get_full_name() in d for d in details), details


def test_a_draft_pairs_page_offers_the_order_and_ending_early_asks_first(org, curator):
    people = bulk_people(org, 4, start=800)
    draft = make_pair(people[0], people[1], state=Mentorship.State.DRAFT)
    page = html(curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, draft.pk])))
    assert "Включить в проект приказа</button>" not in page
    assert 'data-testid="order-from-pair"' in page and "Сформировать приказ о закреплении" in page
    response = curator.client.post(
        reverse("roadmap:order_from_pairs", args=[org.slug]), {"mentorships": draft.pk, "from": "pair"}
    )
    order = Order.objects.get(organization=org, kind=OrderKind.PAIRS)
    assert response.status_code == 302 and list(order.mentorships.all()) == [draft]
    draft.refresh_from_db()
    assert draft.state == Mentorship.State.PROPOSED
    page = html(curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, draft.pk])))
    assert reverse("roadmap:order", args=[org.slug, order.pk]) in page

    active = make_pair(people[2], people[3], state=Mentorship.State.ACTIVE)
    page = html(curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, active.pk])))
    form = re.search(r'<form[^>]*end-early/"[^>]*>', page) or re.search(r"<form[^>]*end_early[^>]*>", page)
    assert form and "data-confirm=" in form.group(0) and active.mentor.short_name in form.group(0)
