"""After the head approves a pairs order the new mentee gets in: invitation, own password, mentee home with the pair."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mentoring.models import Mentorship
from roadmap.models import Order, OrderKind
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair, programme
from tests.roadmap.approval_fixtures import make_order

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")


def test_the_new_mentee_logs_in_after_approval_to_her_pair_and_programme(
    org, head, curator, mentor, django_capture_on_commit_callbacks
):
    newcomer = PersonFactory(
        organization=org, surname="Ершова", name="Ольга", patronymic="Игоревна", email="ershova@school.example.ru"
    )
    pair = make_pair(mentor.person, newcomer, state=Mentorship.State.PROPOSED)
    plan = programme(pair)
    plan.title = "Первый год в профессии"
    plan.save(update_fields=["title"])
    order = make_order(org, OrderKind.PAIRS, author=curator.user, mentorships=[pair])

    with django_capture_on_commit_callbacks(execute=True):
        response = head.client.post(reverse("roadmap:order_approve", args=[org.slug, order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED

    [invitation] = [m for m in mail.outbox if m.subject == "Учётная запись в системе «Наставничество»"]
    assert invitation.to == ["ershova@school.example.ru"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", invitation.body)[1]
    browser = Client()
    set_password = browser.get(link, follow=True)
    password = "Vesna-2027-uchitel"
    browser.post(set_password.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})

    newcomer.refresh_from_db()
    landed = browser.post(reverse("login"), {"username": newcomer.user.username, "password": password}, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("role_home", args=[org.slug, "mentee"])
    page = landed.content.decode()
    assert "У вашей учётной записи пока нет ролей" not in page
    assert [m.pk for m in landed.context["pairs"]] == [pair.pk]
    assert 'data-testid="my-pairs"' in page and mentor.person.full_name in page
    assert f"Вы закреплены наставляемым, ваш наставник — {mentor.person.full_name}" in page
    assert f"приказом от 03.12.2026 № {order.reg_number}" in page
    assert "Ваша программа: «Первый год в профессии», с " in page
    programme_page = browser.get(reverse("mentoring:programme", args=[org.slug, pair.pk]))
    assert programme_page.status_code == 200 and "Первый год в профессии" in programme_page.content.decode()


def test_the_mentor_home_says_which_order_fixed_the_pair(org, head, curator, django_capture_on_commit_callbacks):
    mentor = PersonFactory(organization=org, with_account=True)
    mentee = PersonFactory(organization=org, with_account=True)
    order = make_order(org, OrderKind.PAIRS, mentorships=[make_pair(mentor, mentee, state=Mentorship.State.PROPOSED)])
    with django_capture_on_commit_callbacks(execute=True):
        head.client.post(reverse("roadmap:order_approve", args=[org.slug, order.pk]))
    order.refresh_from_db()
    client = Client()
    client.force_login(mentor.user)
    page = client.get(reverse("role_home", args=[org.slug, "mentor"])).content.decode()
    assert f"Вы закреплены наставником (пара: {mentee.short_name}) приказом от 03.12.2026 № {order.reg_number}" in page
