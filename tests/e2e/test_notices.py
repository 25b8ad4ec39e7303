"""The notification centre in the browser (issue 16, point 2): a pair approved by order shows a notification to
its mentor, who follows its link to the programme; a person switches a kind to the weekly digest, and the
digest contains it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from mentoring import notify
from mentoring.models import Mentorship, Programme
from people.models import Notice, Person
from roadmap.models import Order, OrderKind
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_a_pair_approved_by_order_leads_its_mentor_to_the_programme(demo, live_server, page, shot, settings):
    settings.SITE_URL = live_server.url
    order = Order.objects.get(organization__slug="ds-solnyshko", kind=OrderKind.PAIRS, status=Order.Status.SUBMITTED)
    pair = order.mentorships.get()
    mentor = Person.objects.select_related("user").get(pk=pair.mentor_id)
    if mentor.user_id is None:
        mentor.user = get_user_model().objects.create_user("mentor-e2e", mentor.email, "demo12345")
        mentor.save(update_fields=["user"])
    else:
        mentor.user.set_password("demo12345")
        mentor.user.save()
    mail.outbox.clear()

    login(page, live_server, "head")
    page.goto(f"{live_server.url}/o/ds-solnyshko/orders/{order.pk}/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_text("Утверждён").first).to_be_visible()
    assert Mentorship.objects.get(pk=pair.pk).state == Mentorship.State.ACTIVE
    programme_path = f"/o/ds-solnyshko/pairs/{pair.pk}/programme/"
    [letter] = [m for m in mail.outbox if mentor.email in m.to and "закреплены наставником" in m.subject]
    assert f"{live_server.url}{programme_path}" in letter.body  # an absolute link in the e-mail

    page.context.clear_cookies()
    login(page, live_server, mentor.user.username)
    unread = Notice.objects.filter(person=mentor).unread().count()
    expect(page.get_by_test_id("notice-count")).to_have_text(str(unread))
    page.get_by_test_id("notice-bell").click()
    expect(page.get_by_role("heading", name="Уведомления")).to_be_visible()
    item = page.get_by_test_id("notice-item").filter(has_text="Вы закреплены наставником")
    expect(item).to_contain_text(f"№ {Order.objects.get(pk=order.pk).reg_number}")
    shot("notices-mentor-list")
    item.get_by_role("button", name="Открыть программу").click()
    expect(page).to_have_url(f"{live_server.url}{programme_path}")
    if unread > 1:
        expect(page.get_by_test_id("notice-count")).to_have_text(str(unread - 1))
    else:  # nothing left unread: the bell shows no number
        expect(page.get_by_test_id("notice-count")).to_have_count(0)
    assert Notice.objects.get(person=mentor, kind=Notice.Kind.PAIR, link=programme_path).read_at is not None
    shot("notices-mentor-programme")


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_a_kind_switched_to_the_weekly_digest_arrives_in_the_digest(demo, live_server, page, shot, settings):
    settings.SITE_URL = live_server.url
    mentee = Person.objects.select_related("organization").get(user__username="mentee")
    org = mentee.organization.slug
    login(page, live_server, "mentee")
    page.get_by_test_id("notice-bell").click()
    page.get_by_role("link", name="Настройки").click()
    expect(page.get_by_role("heading", name="Настройки уведомлений")).to_be_visible()
    page.get_by_label("Программа: отправлена, ознакомление, утверждение, изменения").select_option(
        label="Еженедельная сводка"
    )
    shot("notices-settings")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки уведомлений сохранены.")).to_be_visible()
    expect(page.get_by_label("Программа: отправлена, ознакомление, утверждение, изменения")).to_have_value("weekly")

    # The mentor sends the programme: the mentee sees it in the system at once, and gets no letter yet.
    programme = Programme.objects.filter(mentorship__mentees=mentee).select_related("mentorship").first()
    mail.outbox.clear()
    notify.programme_sent(programme)
    assert mail.outbox == []
    page.reload()
    expect(page.get_by_test_id("notice-count")).to_be_visible()

    call_command("send_digests", "--weekly", "--no-reminders", stdout=StringIO())
    [digest] = [m for m in mail.outbox if mentee.email in m.to]
    assert "уведомления за неделю" in digest.subject
    [sent] = [line for line in digest.body.splitlines() if "вам программу на ознакомление" in line]
    assert "(а)" not in sent  # the verb agrees with the mentor
    assert f"{live_server.url}/o/{org}/pairs/{programme.mentorship_id}/programme/" in digest.body
