"""Input the database would refuse never reaches it: a NUL character anywhere in a request, an id that is not one.

PostgreSQL refuses text holding a NUL character; before config.middleware.NulCharacterMiddleware each of these
requests ended in a server error (the attack pass of issue 20 found 55 of them).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from mentoring.models import Mentorship, MentorshipEvent
from roadmap.models import Order, OrderEvent
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.roadmap.approval_fixtures import make_order

TEST_DAY = datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Europe/Moscow"))


def test_a_nul_in_the_search_box_is_dropped_and_the_rest_of_the_words_still_search(curator):
    org = curator.org
    PersonFactory(organization=org, surname="Иванова", name="Мария")
    PersonFactory(organization=org, surname="Петрова", name="Ольга")
    page = curator.client.get(reverse("people:staff_list", args=[org.slug]), {"q": "Иван\x00ова"})
    assert page.status_code == 200
    found = page.content.decode()
    assert "Иванова" in found and "Петрова" not in found


def test_a_nul_in_the_order_cancel_comment_is_saved_without_it(curator, org):
    order = make_order(org, author=curator.user, status=Order.Status.DRAFT)
    response = curator.client.post(
        reverse("roadmap:order_cancel", args=[org.slug, order.pk]), {"comment": "Ошибка\x00 в составе"}
    )
    assert response.status_code == 302
    event = OrderEvent.objects.get(order=order, action=OrderEvent.Action.CANCELLED)
    assert event.comment == "Ошибка в составе"


def test_a_nul_in_the_pair_propose_note_is_saved_without_it(curator, org):
    m = make_pair(PersonFactory(organization=org), PersonFactory(organization=org))
    response = curator.client.post(
        reverse("mentoring:mentorship_propose", args=[org.slug, m.pk]), {"note": "В приказ\x00 от 01.09"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.state == Mentorship.State.PROPOSED
    assert MentorshipEvent.objects.get(mentorship=m, to_state=Mentorship.State.PROPOSED).note == "В приказ от 01.09"


def test_a_calendar_feed_address_with_a_nul_is_not_found(client):
    assert client.get("/calendar/abc%00def.ics").status_code == 404
    assert client.get("/calendar/%00.ics").status_code == 404


def test_a_nul_in_the_session_cookie_or_a_header_is_no_server_error(client, curator):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    assert client.get(reverse("login"), HTTP_USER_AGENT="Mozilla\x00").status_code == 200
    # A failed sign-in is recorded with the browser's name (django-axes): that record must take it too.
    response = client.post(
        reverse("login"), {"username": curator.user.username, "password": "не тот"}, HTTP_USER_AGENT="Mozilla\x00"
    )
    assert response.status_code in (200, 403, 429)


def test_a_question_set_that_is_not_an_id_is_ignored_by_the_round_launch_page(curator):
    url = reverse("monitoring:round_launch", args=[curator.org.slug])
    for value in ("abc", "\x00", "9" * 30, "-1"):
        assert curator.client.get(url, {"set": value}).status_code == 200


# --- dates of years no programme has ----------------------------------------------------------------------------

FAR_OFF = [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31"), ("2026-09-01", "9999-12-31")]


@pytest.mark.time_machine(TEST_DAY)
@pytest.mark.parametrize(("start", "end"), FAR_OFF)
def test_a_report_period_of_year_1_or_9999_is_a_field_error_not_a_server_error(curator, start, end):
    page = curator.client.get(reverse("monitoring:reports", args=[curator.org.slug]), {"start": start, "end": end})
    assert page.status_code == 200
    assert "Проверьте год: дата должна быть не раньше 1990 и не позже 2100 года." in page.content.decode()


@pytest.mark.time_machine(TEST_DAY)
@pytest.mark.parametrize(("start", "end"), FAR_OFF)
def test_a_municipal_period_of_year_1_or_9999_is_a_field_error_not_a_server_error(coordinator, start, end):
    for name in ("municipal_home", "municipal_statistics"):
        page = coordinator.client.get(reverse(name, args=["gorod"]), {"start": start, "end": end})
        assert page.status_code == 200, name
    export = coordinator.client.get(reverse("municipal_export", args=["gorod", "xlsx"]), {"start": start, "end": end})
    assert export.status_code < 500
