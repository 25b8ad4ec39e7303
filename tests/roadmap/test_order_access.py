"""Who reaches an order: the head, curator and administrator see all; a named person reads an approved one;
everyone else, and every other organisation, gets 404. Only the head decides; only curator and admin draft."""

import pytest
from django.urls import reverse

from people.models import Role
from roadmap.access import get_order_for_user, orders_for_user
from roadmap.models import Order, OrderKind
from tests.mentoring.pair_fixtures import make_pair
from tests.roadmap.approval_fixtures import make_order
from tests.roadmap.page_fixtures import approved


def url(name, order, *extra):
    return reverse(f"roadmap:{name}", args=[order.organization.slug, order.pk, *extra])


@pytest.mark.parametrize("who", ["head", "curator", "admin"])
def test_managing_roles_see_every_order_of_their_organisation(request, org, who):
    persona = request.getfixturevalue(who)
    draft = make_order(org, status=Order.Status.DRAFT)
    assert persona.client.get(url("order", draft)).status_code == 200
    assert persona.client.get(reverse("roadmap:orders", args=[org.slug])).status_code == 200


def test_outsider_gets_404_on_every_order_page(org, outsider, curator):
    order = make_order(org, status=Order.Status.SUBMITTED, author=curator.user)
    for name in ("order", "order_edit", "order_pdf"):
        assert outsider.client.get(url(name, order)).status_code == 404
    for name in ("order_submit", "order_return", "order_approve", "order_cancel", "order_acknowledge"):
        assert outsider.client.post(url(name, order), {"comment": "взлом"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_a_person_named_in_an_approved_order_reads_it_and_others_do_not(org, head, mentor, mentee, persona, media):
    stranger = persona(org, Role.Kind.MENTEE, surname="Посторонняя")
    pair = make_pair(mentor.person, mentee.person, state="proposed")
    order = approved(org, head.user, OrderKind.PAIRS, mentorships=[pair])
    for who in (mentor, mentee):
        assert who.client.get(url("order", order)).status_code == 200
        assert who.client.get(url("order_pdf", order)).status_code == 200
    assert stranger.client.get(url("order", order)).status_code == 404
    assert stranger.client.get(reverse("roadmap:orders", args=[org.slug])).status_code == 404


def test_a_named_person_does_not_see_a_draft_that_names_them(org, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state="proposed")
    draft = make_order(org, OrderKind.PAIRS, status=Order.Status.DRAFT, mentorships=[pair])
    assert mentee.client.get(url("order", draft)).status_code == 404


def test_named_by_acknowledgement_appointee_or_reward(org, head, mentor, media, persona):
    acker = persona(org, Role.Kind.MENTEE, surname="Читающая")
    appointee = persona(org, Role.Kind.MENTOR, surname="Назначаемая")
    order = approved(org, head.user, acknowledgers=[acker.person])
    assert acker.client.get(url("order", order)).status_code == 200
    curator_order = approved(org, head.user, OrderKind.CURATOR, appointee=appointee.person)
    assert appointee.client.get(url("order", curator_order)).status_code == 200
    reward = approved(org, head.user, OrderKind.REWARD, rewarded=[mentor.person])
    assert mentor.client.get(url("order", reward)).status_code == 200
    assert mentor.client.get(url("order", order)).status_code == 404


def test_only_the_head_approves_or_returns(org, curator, admin, mentor):
    order = make_order(org, status=Order.Status.SUBMITTED, author=curator.user)
    for who in (curator, admin, mentor):
        assert who.client.post(url("order_approve", order)).status_code == 404
        assert who.client.post(url("order_return", order), {"comment": "нет"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_only_curator_and_admin_edit_send_and_cancel(org, head, mentor, curator):
    draft = make_order(org, status=Order.Status.DRAFT, author=curator.user)
    for who in (head, mentor):
        assert who.client.get(url("order_edit", draft)).status_code == 404
        assert who.client.post(url("order_submit", draft)).status_code == 404
        assert who.client.post(url("order_cancel", draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Order.Status.DRAFT


def test_the_inbox_is_the_heads_alone(org, head, curator, admin, outsider):
    inbox = reverse("roadmap:inbox", args=[org.slug])
    assert head.client.get(inbox).status_code == 200
    for who in (curator, admin, outsider):
        assert who.client.get(inbox).status_code == 404


def test_helper_scopes_by_organisation(org, other_org, curator, outsider):
    from people.access import OrgAccess

    mine = make_order(org)
    theirs = make_order(other_org)
    access = OrgAccess(org=org, person=curator.person, roles=frozenset({"curator"}), role="curator")
    assert list(orders_for_user(access)) == [mine]
    with pytest.raises(Exception, match="No Order matches"):
        get_order_for_user(access, theirs.pk)
