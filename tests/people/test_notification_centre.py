"""The notification centre (issue 16, point 2): the bell on every page, the list, reading, delivery per kind,
the digests and the deploy check of SITE_URL."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.checks import site_url_check
from people import notices
from people.models import Delivery, Notice, Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")


def bell(html: str) -> int:
    """The unread count the bell shows (0 when the badge is absent)."""
    assert 'data-testid="notice-bell"' in html
    found = re.search(r'data-testid="notice-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def tell_many(person, count: int, kind: str = Notice.Kind.OTHER) -> list[Notice]:
    return [notices.tell(person, kind, f"Уведомление № {n}", committed=False)[0] for n in range(count)]


# --- the bell -----------------------------------------------------------------------------------------------


def test_the_bell_counts_the_person_s_unread_notices_on_every_page(org, other_org, mentor, persona):
    tell_many(mentor.person, 3)
    notices.tell(mentor.person, Notice.Kind.OTHER, "Прочитанное", committed=False)[0].mark_read()
    stranger = persona(other_org, Role.Kind.MENTOR)
    tell_many(stranger.person, 5)
    for url in (
        reverse("role_home", args=[org.slug, "mentor"]),
        reverse("mentoring:calendar", args=[org.slug]),
        reverse("people:my_consents", args=[org.slug]),
        reverse("people:notices", args=[org.slug]),
    ):
        assert bell(mentor.client.get(url).content.decode()) == 3, url
    assert bell(stranger.client.get(reverse("people:notices", args=[other_org.slug])).content.decode()) == 5


def test_the_bell_without_unread_notices_shows_no_badge(org, mentee):
    html = mentee.client.get(reverse("role_home", args=[org.slug, "mentee"])).content.decode()
    assert bell(html) == 0 and "bi-bell-fill" not in html


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_shows_only_one_s_own_notices_newest_first_twenty_a_page(org, mentor, mentee):
    tell_many(mentor.person, 25)
    notices.tell(mentee.person, Notice.Kind.OTHER, "Чужое уведомление", committed=False)
    url = reverse("people:notices", args=[org.slug])
    first = mentor.client.get(url).content.decode()
    assert first.count('data-testid="notice-item"') == 20
    assert "Уведомление № 24" in first and "Уведомление № 4<" not in first and "Чужое" not in first
    second = mentor.client.get(url + "?page=2").content.decode()
    assert second.count('data-testid="notice-item"') == 5 and "Уведомление № 0" in second


def test_the_unread_filter_leaves_out_what_was_read(org, mentor):
    read, _ = tell_many(mentor.person, 2)
    read.mark_read()
    html = mentor.client.get(reverse("people:notices", args=[org.slug]) + "?show=unread").content.decode()
    assert "Уведомление № 1" in html and "Уведомление № 0" not in html


def test_the_list_runs_the_same_queries_for_three_notices_and_sixty(org, mentor):
    url = reverse("people:notices", args=[org.slug])
    tell_many(mentor.person, 3)
    mentor.client.get(url)  # the first request of a session stamps it; what follows is the page's own cost
    with CaptureQueriesContext(connection) as small:
        assert mentor.client.get(url).status_code == 200
    tell_many(mentor.person, 57)
    with CaptureQueriesContext(connection) as large:
        assert mentor.client.get(url + "?page=2").status_code == 200
    shown = [q["sql"][:90] for q in (*small.captured_queries, *large.captured_queries)]
    assert len(small) == len(large) <= 9, "\n".join(shown)


def test_the_bell_adds_exactly_one_query(org, mentor, settings):
    """The same page without the bell's context processor runs exactly one query less, however many notices."""
    url = reverse("role_home", args=[org.slug, "mentor"])
    tell_many(mentor.person, 30)
    mentor.client.get(url)  # the first request of a session stamps it
    with CaptureQueriesContext(connection) as with_bell:
        mentor.client.get(url)
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [p for p in processors if not p.endswith("notice_bell")],
            },
        }
    ]
    with CaptureQueriesContext(connection) as without_bell:
        html = mentor.client.get(url).content.decode()
    assert 'data-testid="notice-bell"' not in html
    assert len(with_bell) == len(without_bell) + 1


# --- reading ------------------------------------------------------------------------------------------------


def test_following_a_notice_marks_it_read_and_leads_to_its_page(org, mentor, mentee):
    link = reverse("mentoring:calendar", args=[org.slug])
    [notice] = notices.tell(mentor.person, Notice.Kind.PAIR, "Пара утверждена", link=link, committed=False)
    url = reverse("people:notice_open", args=[org.slug, notice.pk])
    assert mentor.client.get(url).status_code == 405
    assert mentee.client.post(url).status_code == 404  # someone else's notice
    response = mentor.client.post(url)
    assert response.status_code == 302 and response["Location"] == link
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_foreign_link_is_never_followed(org, mentor):
    [notice] = notices.tell(
        mentor.person, Notice.Kind.OTHER, "Странное", link="https://evil.example.com/", committed=False
    )
    response = mentor.client.post(reverse("people:notice_open", args=[org.slug, notice.pk]))
    assert response["Location"] == reverse("people:notices", args=[org.slug])


def test_mark_all_read_touches_only_one_s_own_notices(org, mentor, mentee):
    tell_many(mentor.person, 4)
    [other] = notices.tell(mentee.person, Notice.Kind.OTHER, "Наставляемому", committed=False)
    url = reverse("people:notices_read_all", args=[org.slug])
    assert mentor.client.get(url).status_code == 405
    response = mentor.client.post(url, follow=True)
    assert "Отмечено прочитанными: 4." in response.content.decode()
    assert not Notice.objects.filter(person=mentor.person).unread().exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert bell(mentor.client.get(reverse("people:notices", args=[org.slug])).content.decode()) == 0


def test_another_organisation_s_user_gets_404_everywhere(org, mentor, outsider):
    [notice] = notices.tell(mentor.person, Notice.Kind.OTHER, "Только наставнику", committed=False)
    for name, args, method in (
        ("people:notices", [], "get"),
        ("people:notice_settings", [], "get"),
        ("people:notice_settings", [], "post"),
        ("people:notices_read_all", [], "post"),
        ("people:notice_open", [notice.pk], "post"),
    ):
        url = reverse(name, args=[org.slug, *args])
        assert getattr(outsider.client, method)(url).status_code == 404, name
    notice.refresh_from_db()
    assert notice.read_at is None


# --- settings -----------------------------------------------------------------------------------------------


def test_the_settings_page_saves_a_choice_per_kind(org, mentee):
    url = reverse("people:notice_settings", args=[org.slug])
    page = mentee.client.get(url).content.decode()
    assert "Программа: отправлена, ознакомление, утверждение, изменения" in page and "Еженедельная сводка" in page
    data = {kind: Delivery.NOW for kind in Notice.Kind.values if kind != Notice.Kind.OTHER}
    data[Notice.Kind.PROGRAMME] = Delivery.WEEKLY
    data[Notice.Kind.QUESTIONNAIRE] = Delivery.OFF
    response = mentee.client.post(url, data, follow=True)
    assert "Настройки уведомлений сохранены." in response.content.decode()
    mentee.person.refresh_from_db()
    assert mentee.person.notice_delivery[Notice.Kind.PROGRAMME] == Delivery.WEEKLY
    assert mentee.person.notice_delivery[Notice.Kind.QUESTIONNAIRE] == Delivery.OFF


def test_a_wrong_choice_is_refused_beside_the_field_in_russian(org, mentee):
    data = {kind: Delivery.NOW for kind in Notice.Kind.values if kind != Notice.Kind.OTHER}
    data[Notice.Kind.ORDER] = "hourly"
    response = mentee.client.post(reverse("people:notice_settings", args=[org.slug]), data)
    assert response.status_code == 200
    assert "Выберите один из вариантов списка." in response.content.decode()
    mentee.person.refresh_from_db()
    assert mentee.person.notice_delivery == {}


# --- delivery -----------------------------------------------------------------------------------------------


def test_at_once_means_a_letter_with_an_absolute_link_after_the_commit(
    org, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://nastavnik.example.ru"
    person = PersonFactory(organization=org, email="frolova@school.example.ru")
    link = reverse("mentoring:calendar", args=[org.slug])
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        [notice] = notices.tell(person, Notice.Kind.PAIR, "Пара утверждена", "Подробности", link)
    assert mail.outbox == [] and len(waiting) == 1
    waiting[0]()
    [letter] = mail.outbox
    assert letter.subject == "МБОУ «СОШ № 1»: Пара утверждена"
    assert f"https://nastavnik.example.ru{link}" in letter.body and "Подробности" in letter.body
    notice.refresh_from_db()
    assert notice.delivery == Notice.State.MAILED and notice.mailed_at is not None


def test_digest_and_off_and_no_address_send_nothing_at_once(org):
    weekly = PersonFactory(organization=org, email="w@example.ru", notice_delivery={"order": "weekly"})
    off = PersonFactory(organization=org, email="o@example.ru", notice_delivery={"order": "off"})
    nowhere = PersonFactory(organization=org, email="")
    for person, state in ((weekly, "pending"), (off, "app"), (nowhere, "no_address")):
        [notice] = notices.tell(person, Notice.Kind.ORDER, "Приказ утверждён", committed=False)
        assert notice.delivery == state
    assert mail.outbox == []


def test_the_weekly_digest_carries_the_kind_switched_to_weekly(org, settings):
    settings.SITE_URL = "https://nastavnik.example.ru"
    person = PersonFactory(organization=org, email="smirnova@school.example.ru")
    person.notice_delivery = {Notice.Kind.PROGRAMME: Delivery.WEEKLY, Notice.Kind.ORDER: Delivery.DAILY}
    person.save(update_fields=["notice_delivery"])
    programme_link = reverse("mentoring:calendar", args=[org.slug])
    notices.tell(
        person, Notice.Kind.PROGRAMME, "Программа отправлена на ознакомление", link=programme_link, committed=False
    )
    notices.tell(person, Notice.Kind.ORDER, "Приказ утверждён", committed=False)
    assert mail.outbox == []

    call_command("send_digests", "--daily", stdout=StringIO())
    [daily] = mail.outbox
    assert "Приказ утверждён" in daily.body and "Программа отправлена" not in daily.body

    call_command("send_digests", "--weekly", "--no-reminders", stdout=StringIO())
    weekly = mail.outbox[1]
    assert weekly.to == ["smirnova@school.example.ru"]
    assert weekly.subject == "МБОУ «СОШ № 1»: уведомления за неделю (1)"
    assert "Программа отправлена на ознакомление" in weekly.body
    assert f"https://nastavnik.example.ru{programme_link}" in weekly.body
    assert f"https://nastavnik.example.ru/o/{org.slug}/notices/" in weekly.body
    assert not Notice.objects.waiting_for_digest().exists()

    call_command("send_digests", "--weekly", "--no-reminders", stdout=StringIO())
    assert len(mail.outbox) == 2  # nothing is sent twice


def test_a_kind_switched_off_while_waiting_stays_in_the_system_only(org):
    person = PersonFactory(organization=org, email="a@example.ru", notice_delivery={"order": "weekly"})
    [notice] = notices.tell(person, Notice.Kind.ORDER, "Приказ", committed=False)
    person.notice_delivery = {"order": "off"}
    person.save(update_fields=["notice_delivery"])
    call_command("send_digests", "--weekly", "--no-reminders", stdout=StringIO())
    notice.refresh_from_db()
    assert mail.outbox == [] and notice.delivery == Notice.State.APP


# --- SITE_URL -----------------------------------------------------------------------------------------------


def test_production_without_site_url_fails_the_deploy_check(settings):
    settings.DEBUG = False
    settings.SITE_URL = ""
    [error] = site_url_check()
    assert error.id == "config.E001" and "SITE_URL" in error.msg
    settings.SITE_URL = "nastavnik.example.ru"
    [error] = site_url_check()
    assert error.id == "config.E002"
    settings.SITE_URL = "https://nastavnik.example.ru"
    assert site_url_check() == []
    settings.DEBUG = True
    settings.SITE_URL = ""
    assert site_url_check() == []


def test_the_deploy_check_is_registered_for_check_deploy(settings):
    from django.core.checks import registry

    assert site_url_check in registry.registry.get_checks(include_deployment_checks=True)
    assert site_url_check not in registry.registry.get_checks(include_deployment_checks=False)
