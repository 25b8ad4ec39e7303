"""Approvals close their loops in the browser: the head approves the pairs order in the demo's inbox and the mentee,
invited by e-mail, sets a password and sees her mentor; a curator order moves the curator's role, and the regulation
that names the previous curator asks for a new version."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mentoring.models import Mentorship
from people.models import Person, Role
from roadmap.drafting import draft_order
from roadmap.models import Order, OrderKind
from roadmap.services import submit_order
from tests.e2e.conftest import login


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_head_approves_pairs_and_the_new_mentee_logs_in_to_her_pair(demo, live_server, page, shot):
    order = Order.objects.get(organization__slug="ds-solnyshko", kind=OrderKind.PAIRS, status=Order.Status.SUBMITTED)
    pair = order.mentorships.get()
    mentee = pair.mentees.get()
    assert mentee.user_id is None, "the demo's proposed mentee has no login yet"
    mail.outbox.clear()

    login(page, live_server, "head")
    page.goto(f"{live_server.url}/o/ds-solnyshko/orders/{order.pk}/")
    expect(page.get_by_test_id("order-consequences")).to_contain_text("наставляемые — «Наставляемый»")
    page.get_by_test_id("approve").click()
    expect(page.get_by_text("Утверждён").first).to_be_visible()

    pair.refresh_from_db()
    mentee.refresh_from_db()
    assert pair.state == Mentorship.State.ACTIVE
    assert set(mentee.roles.values_list("kind", flat=True)) == {Role.Kind.MENTEE}
    [invitation] = [m for m in mail.outbox if mentee.email in m.to and "Учётная запись" in m.subject]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", invitation.body)[1]

    page.context.clear_cookies()
    page.goto(live_server.url + link)
    password = "Vesna-2027-vospitatel"
    expect(page.get_by_role("heading", name="Установите пароль")).to_be_visible()
    page.locator("input[name=new_password1]").fill(password)
    page.locator("input[name=new_password2]").fill(password)
    page.get_by_role("button", name="Сохранить").click()
    login(page, live_server, mentee.user.username, password)

    expect(page.get_by_test_id("home-title")).to_have_text("Рабочий стол наставляемого")
    mentor = Person.objects.get(pk=pair.mentor_id)
    expect(page.get_by_test_id("my-pairs")).to_contain_text(mentor.full_name)
    expect(page.get_by_test_id("notice").first).to_contain_text(f"ваш наставник — {mentor.full_name}")
    expect(page.get_by_test_id("notice").first).to_contain_text(f"№ {Order.objects.get(pk=order.pk).reg_number}")
    shot("pairs-approval-mentee-home")


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_a_curator_order_moves_the_role_and_the_regulation_asks_for_a_new_version(demo, live_server, page, shot):
    org = Person.objects.get(user__username="curator").organization
    previous = Person.objects.get(user__username="curator")
    appointee = Person.objects.get(user__username="mentor")
    order = draft_order(org, OrderKind.CURATOR, by=previous.user, appointee=appointee)
    submit_order(order, by=previous.user, notify=False)

    login(page, live_server, "head")
    page.goto(f"{live_server.url}/o/{org.slug}/orders/{order.pk}/")
    expect(page.get_by_test_id("order-consequences")).to_contain_text("прежний куратор её утратит")
    page.get_by_test_id("approve").click()
    expect(page.get_by_text("Утверждён").first).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}/o/{org.slug}/home/curator/")
    notice = page.get_by_test_id("notice").first
    expect(notice).to_contain_text("Вы назначены куратором")
    expect(notice).to_contain_text(f"называет куратором: {previous.full_name}")
    shot("curator-order-new-curator-home")
    notice.get_by_role("link", name="Открыть положение").click()
    expect(page.get_by_test_id("curator-mismatch")).to_contain_text(f"куратор сейчас — {appointee.full_name}")
    expect(page.get_by_role("button", name="Подготовить новую версию")).to_be_visible()
    shot("curator-order-regulation")

    page.context.clear_cookies()
    login(page, live_server, "curator")
    # As the order's author she also hears of its approval (issue 16); the role's notice is there beside it.
    expect(page.get_by_test_id("notice").filter(has_text="Обязанности куратора переданы")).to_be_visible()
    response = page.goto(f"{live_server.url}/o/{org.slug}/home/curator/")
    assert response.status == 404
