"""Signed = frozen = shown: what the head reviews is stored as sent, nothing unfilled is signed, dates are never
rewritten silently, a pairs order approves only programmes that exist; the acknowledgement sheet prints.

The clock is pinned: the order is drafted and sent on 03.12.2026.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship, Programme
from roadmap import services
from roadmap.admin import OrderAdmin
from roadmap.documents import SIGNING_DAY, content_sha256
from roadmap.drafting import PROGRAMMES_APPROVED_ITEM, draft_order
from roadmap.models import Acknowledgement, Order, OrderEvent, OrderKind
from tests.mentoring.pair_fixtures import make_pair
from tests.people.bank_fixtures import bulk_people
from tests.roadmap.approval_fixtures import make_order
from tests.roadmap.order_document_fixtures import pages_text
from tests.roadmap.page_fixtures import approved, items_data

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")

TODAY = date(2026, 12, 3)
START = date(2026, 12, 17)


def texts(items) -> list[str]:
    """The words of an order's items, stored or frozen (roadmap.items), without numbers."""
    return [item["text"] if isinstance(item, dict) else item for item in items]


def url(name, order, *extra):
    return reverse(f"roadmap:{name}", args=[order.organization.slug, order.pk, *extra])


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def drafts(org):
    people = bulk_people(org, 4, start=400)
    return [make_pair(people[0], people[1]), make_pair(people[2], people[3])]


def pairs_draft(org, curator, drafts, *, starts_on=START, due_on=START + timedelta(days=30)) -> Order:
    order = draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=drafts)
    order.starts_on, order.due_on = starts_on, due_on
    order.save(update_fields=["starts_on", "due_on"])
    return order


def sent(org, curator, drafts, **dates) -> Order:
    order = pairs_draft(org, curator, drafts, **dates)
    services.submit_order(order, by=curator.user, notify=False)
    return order


# --- frozen when sent, stored as reviewed -----------------------------------------------------------------------


def test_sending_freezes_the_text_and_the_appendix_and_approval_stores_exactly_that(org, head, curator, drafts, media):
    order = sent(org, curator, drafts)
    assert order.frozen_sha256 == content_sha256(order.frozen)
    assert "Пары (группы) начинают работу с 17.12.2026." in texts(order.frozen["items"])[0]
    rows = order.frozen["appendices"][0]["rows"]
    assert [row[-1] for row in rows] == [f"с 17.12.2026 по {m.planned_end:%d.%m.%Y}" for m in drafts]
    review = page(head.client.get(url("order", order)))
    assert "Пары (группы) начинают работу с 17.12.2026." in review
    assert f'name="seen" value="{order.frozen_sha256}"' in review

    response = head.client.post(url("order_approve", order), {"seen": order.frozen_sha256})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED and order.date == TODAY
    # The pairs start on the day the signed text states, not on the day it was signed.
    assert {m.started_on for m in order.mentorships.all()} == {START}
    text = " ".join(pages_text(order.pdf.open("rb").read()))
    assert "начинают работу с 17.12.2026" in text and "с 03.12.2026" not in text
    assert f"с 17.12.2026 по {drafts[0].planned_end:%d.%m.%Y}" in text


def test_a_submitted_order_cannot_be_changed_by_model_bulk_update_page_or_admin(org, head, curator, drafts):
    order = sent(org, curator, drafts)
    order.items = [*order.items, "Подложенный пункт."]
    with pytest.raises(ValidationError, match="вернуть на доработку"):
        order.save()
    with pytest.raises(ValidationError, match="вернуть на доработку"):
        Order.objects.filter(pk=order.pk).update(heading="Подмена")
    with pytest.raises(ValidationError, match="вернуть на доработку"):
        Order.objects.filter(pk=order.pk).update(starts_on=TODAY)
    response = curator.client.post(
        url("order_edit", order), {"heading": "Подмена", "preamble": "x", **items_data("y"), "start_rule": "signing"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.heading == "О закреплении наставнических пар (групп)" and "Подложенный пункт." not in texts(
        order.items
    )
    admin = OrderAdmin(Order, None)
    assert not admin.has_change_permission(None, order)
    assert "heading" in admin.get_readonly_fields(None, order)
    # Returning it is the way to change it: then it is a draft again.
    services.return_order(order, by=head.user, comment="Уточните сроки.", notify=False)
    order.refresh_from_db()
    order.due_on = START + timedelta(days=20)
    order.save()
    assert order.frozen is None


def test_approval_refuses_when_the_people_behind_the_appendix_changed(org, head, curator, drafts, media):
    order = sent(org, curator, drafts)
    mentee = drafts[0].mentees.first()
    mentee.position = "учитель физики"
    mentee.save(update_fields=["position"])
    drafts[1].mentees.clear()

    html = page(head.client.get(url("order", order)))
    assert 'data-testid="drift"' in html and 'data-testid="approve"' not in html
    assert "Приложение № 1, строка 1" in html and "учитель физики" in html

    with pytest.raises(ValidationError) as refused:
        services.approve_order(order, by=head.user, notify=False)
    text = " ".join(refused.value.messages)
    assert "изменились данные" in text and "учитель физики" in text and "строка 2" in text
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and not order.reg_number
    assert {m.state for m in order.mentorships.all()} == {Mentorship.State.PROPOSED}


# --- nothing unfilled is sent or approved -----------------------------------------------------------------------


def test_a_final_event_order_cannot_be_sent_until_date_and_place_are_filled_in_its_form(org, head, curator, media):
    order = draft_order(org, OrderKind.FINAL_EVENT, by=curator.user)
    with pytest.raises(ValidationError) as refused:
        services.submit_order(order, by=curator.user, notify=False)
    lines = refused.value.messages
    assert "Укажите дату проведения итогового мероприятия (поле «Дата проведения»)." in lines
    assert "Укажите место проведения итогового мероприятия (поле «Место проведения»)." in lines
    assert any(line.startswith("Пункт 1: заполните пропуск") and "__.__.____" in line for line in lines)
    assert any(line.startswith("Пункт 3: заполните пропуск") for line in lines)

    html = page(curator.client.get(url("order", order)))
    missing = html[html.index('data-testid="missing"') :]
    assert "Дата проведения" in missing and "Место проведения" in missing
    form_page = page(curator.client.get(url("order_edit", order)))
    assert 'data-testid="kind-fields"' in form_page and 'data-testid="missing"' in form_page

    fields = {
        "heading": order.heading,
        "preamble": order.preamble,
        **items_data(*order.items),
        "control_item": order.control_item,
    }
    past = curator.client.post(url("order_edit", order), {**fields, "event_date": "2026-11-30"})
    assert past.status_code == 200
    assert "Эта дата уже прошла" in past.content.decode()  # beside the field, nothing saved
    filled = {**fields, "event_date": "2027-05-20", "event_place": "актовый зал школы", "due_on": "2027-05-10"}
    assert curator.client.post(url("order_edit", order), filled).status_code == 302
    assert curator.client.post(url("order_submit", order)).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert "дата проведения — 20.05.2027, место проведения — актовый зал школы" in texts(order.frozen["items"])[0]
    assert "в срок до 10.05.2027" in texts(order.frozen["items"])[2]


BLANK_ITEMS = [
    "Провести итоговое мероприятие (дата проведения: __.__.____, место проведения: ____________________).",
    "Куратору ({куратор}) подготовить программу мероприятия.",
]


def test_the_returned_final_event_order_with_blanks_resent_unchanged_is_refused(org, head, curator, media):
    order = make_order(
        org,
        OrderKind.FINAL_EVENT,
        status=Order.Status.RETURNED,
        author=curator.user,
        items=BLANK_ITEMS,
        event_date=date(2027, 5, 20),
        event_place="актовый зал",
    )
    with pytest.raises(ValidationError) as refused:
        services.submit_order(order, by=curator.user, notify=False)
    lines = refused.value.messages
    assert any(line.startswith("Пункт 1: заполните пропуск") for line in lines)
    assert "Пункт 2: замените заготовку {куратор} нужными словами." in lines
    order.refresh_from_db()
    assert order.status == Order.Status.RETURNED


def test_an_order_with_blanks_already_on_approval_is_not_approved(org, head, curator, media):
    order = make_order(org, OrderKind.FINAL_EVENT, author=curator.user, items=BLANK_ITEMS)
    html = page(head.client.get(url("order", order)))
    assert 'data-testid="blanks"' in html and 'data-testid="approve"' not in html
    response = head.client.post(url("order_approve", order))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and not order.pdf


# --- dates: stated in the text, never rewritten silently -------------------------------------------------------


def test_a_start_date_past_at_approval_is_the_heads_decision_with_the_text_they_see(
    org, head, curator, drafts, media, time_machine
):
    order = sent(org, curator, drafts, starts_on=date(2026, 12, 10), due_on=date(2027, 1, 20))
    time_machine.move_to("2026-12-15 10:00 +03:00")
    head.client.force_login(head.user)  # the session of 3 December has expired
    html = page(head.client.get(url("order", order)))
    conflict = html[html.index('data-testid="date-conflict"') :]
    assert "начинают работу с 10.12.2026" in conflict and "15.12.2026" in conflict
    assert 'data-testid="approve"' not in html  # no plain approval that would hide the conflict
    assert f"Пары (группы) начинают работу {SIGNING_DAY}." in conflict  # the exact new wording, before storing

    response = head.client.post(url("order_approve", order), {"seen": order.frozen_sha256})
    assert "эта дата уже прошла" in " ".join(messages_of(head.client.get(url("order", order))))
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and response.status_code == 302

    alternative = html.split('name="seen" value="')[1].split('"')[0]
    stale = head.client.post(url("order_approve", order), {"start": "signing", "seen": order.frozen_sha256})
    assert stale.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED  # what would be stored is not what the page showed

    head.client.post(url("order_approve", order), {"start": "signing", "seen": alternative})
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED and order.date == date(2026, 12, 15)
    assert order.start_rule == Order.StartRule.SIGNING and order.frozen_sha256 == alternative
    assert f"начинают работу {SIGNING_DAY}" in texts(order.frozen["items"])[0]
    assert {m.started_on for m in order.mentorships.all()} == {date(2026, 12, 15)}
    note = order.events.get(action=OrderEvent.Action.APPROVED).comment
    assert "10.12.2026" in note and "со дня подписания" in note


def test_a_draft_whose_start_has_passed_cannot_be_sent_and_the_curator_sees_why(org, curator, drafts):
    order = pairs_draft(org, curator, drafts, starts_on=date(2026, 12, 1))
    html = page(curator.client.get(url("order", order)))
    assert "начинают работу с 01.12.2026" in html[html.index('data-testid="missing"') :]
    with pytest.raises(ValidationError, match="новые сроки"):
        services.submit_order(order, by=curator.user, notify=False)
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT and order.frozen is None


def test_a_past_deadline_leaves_only_the_return(org, head, curator, drafts, media, time_machine):
    order = sent(org, curator, drafts, starts_on=date(2026, 12, 10), due_on=date(2026, 12, 12))
    time_machine.move_to("2026-12-15 10:00 +03:00")
    head.client.force_login(head.user)  # the session of 3 December has expired
    html = page(head.client.get(url("order", order)))
    assert 'data-testid="date-conflict"' in html and 'data-testid="approve-from-signing"' not in html
    with pytest.raises(ValidationError, match="Верните приказ на доработку"):
        services.approve_order(order, by=head.user, notify=False)
    with pytest.raises(ValidationError):
        services.approve_order(order, by=head.user, notify=False, start_from_signing=True)


# --- an order approves only what exists -------------------------------------------------------------------------


def test_a_pairs_order_sets_a_deadline_for_programmes_that_do_not_exist(org, curator, drafts):
    order = pairs_draft(org, curator, drafts)
    text = " ".join(texts(order.items))
    assert "Утвердить персонализированные программы" not in text
    assert "в срок до {срок_программ} разработать персонализированные программы" in text
    services.submit_order(order, by=curator.user, notify=False)
    assert "в срок до 16.01.2027 разработать" in texts(order.frozen["items"])[1]


def test_a_pairs_order_approves_programmes_only_when_they_exist_and_are_approved(org, curator, drafts):
    for n, m in enumerate(drafts, 1):
        Programme.objects.create(
            mentorship=m,
            title=f"Первые шаги {n}",
            start=m.planned_start,
            end=m.planned_start + timedelta(days=200),
            approved_at=timezone.now(),
        )
    order = pairs_draft(org, curator, drafts)
    assert PROGRAMMES_APPROVED_ITEM in texts(order.items)
    services.submit_order(order, by=curator.user, notify=False)
    appendix = order.frozen["appendices"][0]
    assert appendix["columns"][-1][0] == "Персонализированная программа"
    assert [row[-1] for row in appendix["rows"]] == ["«Первые шаги 1»", "«Первые шаги 2»"]


# --- the acknowledgement sheet prints -----------------------------------------------------------------------------


def test_the_acknowledgement_sheet_is_a_pdf_with_online_dates_and_in_the_order_book(
    org, head, curator, mentor, mentee, outsider, media
):
    order = approved(org, head.user, acknowledgers=[mentor.person, mentee.person])
    services.acknowledge_order(order, mentor.person)
    html = page(head.client.get(url("order", order)))
    assert url("order_acknowledgements_pdf", order) in html

    response = head.client.get(url("order_acknowledgements_pdf", order))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pages_text(response.content))
    assert "Лист ознакомления с приказом" in text and order.reg_number in text
    assert f"{mentor.person.full_name}" in text and f"{mentee.person.full_name}" in text
    assert text.count("03.12.2026") >= 2  # the order's date and the mentor's acknowledgement
    ack = Acknowledgement.objects.get(order=order, person=mentee.person)
    assert ack.acknowledged_at is None

    assert outsider.client.get(url("order_acknowledgements_pdf", order)).status_code == 404
    draft = make_order(org, status=Order.Status.DRAFT)
    assert head.client.get(url("order_acknowledgements_pdf", draft)).status_code == 404

    export = curator.client.get(reverse("roadmap:orders_export", args=[org.slug]), {"fmt": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    column = rows[0].index("Лист ознакомления (дата ознакомления)")
    sheet = next(row[column] for row in rows[1:] if row[1] == order.reg_number)
    assert f"{mentor.person.short_name} — 03.12.2026" in sheet
    assert f"{mentee.person.short_name} — не ознакомлена" in sheet
