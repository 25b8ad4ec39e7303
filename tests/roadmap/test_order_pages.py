"""The order pages: register with filters and export, the head's inbox, the order page and its actions."""

import io
from datetime import timedelta

import openpyxl
from django.urls import reverse

from mentoring.models import Mentorship
from people.models import Role
from roadmap.models import Acknowledgement, Order, OrderEvent, OrderKind
from tests.mentoring.pair_fixtures import make_pair
from tests.roadmap.approval_fixtures import make_order, pairs_order
from tests.roadmap.page_fixtures import approved, items_data


def url(name, order, *extra):
    return reverse(f"roadmap:{name}", args=[order.organization.slug, order.pk, *extra])


def register(org):
    return reverse("roadmap:orders", args=[org.slug])


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- register ---------------------------------------------------------------------------------------------------


def test_register_filters_by_kind_status_year_and_searches_heading_and_number(org, head, curator, media):
    done = approved(org, head.user, heading="О проведении методического дня наставников", acknowledgers=[head.person])
    draft = make_order(org, OrderKind.PAIRS, status=Order.Status.DRAFT, heading="О закреплении пар на второе полугодие")
    client = curator.client
    everything = page(client.get(register(org)))
    assert done.heading in everything and draft.heading in everything
    assert "0/1" in everything  # acknowledged x/y
    assert done.reg_number in everything
    only_pairs = page(client.get(register(org), {"kind": "pairs"}))
    assert draft.heading in only_pairs and done.heading not in only_pairs
    only_approved = page(client.get(register(org), {"status": "approved"}))
    assert done.heading in only_approved and draft.heading not in only_approved
    by_year = page(client.get(register(org), {"year": done.year}))
    assert done.heading in by_year
    assert done.heading not in page(client.get(register(org), {"year": done.year - 3}))
    assert done.heading in page(client.get(register(org), {"q": "методического"}))
    by_number = page(client.get(register(org), {"q": done.reg_number}))
    assert done.heading in by_number and draft.heading not in by_number
    assert "Ничего не нашлось" in page(client.get(register(org), {"q": "несуществующий"}))
    # Nonsense in the filters is ignored, not a 500.
    assert page(client.get(register(org), {"kind": "x", "status": "y", "year": "abc"}))


def test_export_is_the_order_book_with_formulas_neutralised(org, head, curator, media):
    done = approved(org, head.user, heading='=HYPERLINK("http://evil")')
    make_order(org, status=Order.Status.DRAFT, heading="О проекте", author=curator.user)
    response = curator.client.get(reverse("roadmap:orders_export", args=[org.slug]), {"fmt": "xlsx"})
    assert response.status_code == 200
    assert "Книга%20приказов" in response["Content-Disposition"] or "utf-8''" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Дата", "№", "Заголовок", "Вид приказа", "Состояние")
    cells = {cell for row in rows[1:] for cell in row}
    assert done.reg_number in cells
    assert '\'=HYPERLINK("http://evil")' in cells
    # Issue 15, the order book as a registry: its own sheet name, real dates shown as ДД.ММ.ГГГГ, registered
    # orders only, the author with both initials.
    assert sheet.title == "Книга приказов"
    date_cell = sheet.cell(row=2, column=1)
    assert date_cell.is_date and date_cell.value.date() == done.date and date_cell.number_format == "DD.MM.YYYY"
    assert "О проекте" not in cells
    drafts = curator.client.get(reverse("roadmap:orders_export", args=[org.slug]), {"fmt": "xlsx", "book": "drafts"})
    draft_sheet = openpyxl.load_workbook(io.BytesIO(drafts.content)).active
    draft_rows = list(draft_sheet.iter_rows(values_only=True))
    assert draft_sheet.title == "Проекты приказов"
    assert [r[2] for r in draft_rows[1:]] == ["О проекте"]
    author = draft_rows[1][rows[0].index("Подготовил")]
    assert author == curator.person.short_name and author.count(".") == 2, author
    csv = curator.client.get(reverse("roadmap:orders_export", args=[org.slug]), {"fmt": "csv", "book": "drafts"})
    text = csv.content.decode("utf-8-sig")
    assert "О проекте" in text and done.reg_number not in text
    csv = curator.client.get(reverse("roadmap:orders_export", args=[org.slug]), {"fmt": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert "О проекте" not in text and done.reg_number in text and done.date.isoformat() in text


# --- inbox ------------------------------------------------------------------------------------------------------


def test_inbox_lists_submitted_orders_oldest_first_with_a_preview(org, head, curator):
    first = pairs_order(org, 2, author=curator.user, start=600)
    second = make_order(org, heading="О проведении итогового мероприятия", author=curator.user)
    make_order(org, status=Order.Status.DRAFT, heading="Черновик не для руководителя")
    later = first.created_at + timedelta(days=1)  # not replace(year=…), which fails on 29 February
    OrderEvent.objects.filter(order=second, action="submitted").update(created_at=later)
    html = page(head.client.get(reverse("roadmap:inbox", args=[org.slug])))
    assert html.index(first.heading) < html.index(second.heading)
    assert "Черновик не для руководителя" not in html
    mentor = first.mentorships.first().mentor
    assert mentor.full_name in html  # the appendix preview, as frozen when the order was sent
    assert 'data-testid="inbox-count">2<' in html


def test_returning_needs_a_comment_shown_beside_the_field(org, head, curator):
    order = make_order(org, author=curator.user)
    html = page(head.client.post(url("order_return", order), {"comment": "  ", "from": "inbox"}))
    assert "Напишите, что нужно исправить" in html and 'data-testid="inbox-order"' in html
    html = page(head.client.post(url("order_return", order), {"comment": ""}))
    assert "Напишите, что нужно исправить" in html and 'data-testid="decision"' in html
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    response = head.client.post(
        url("order_return", order), {"comment": "Уточните сроки", "from": "inbox", "next": "/o/school-1/orders/inbox/"}
    )
    assert response.status_code == 302 and response.url.endswith("/orders/inbox/")
    order.refresh_from_db()
    assert order.status == Order.Status.RETURNED


# --- the whole round on the order page ----------------------------------------------------------------------------


def test_send_return_revise_resend_approve_and_the_pairs_become_active(org, head, curator, mentee, media):
    order = pairs_order(org, 3, author=curator.user)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DRAFT)
    client = curator.client
    assert client.post(url("order_submit", order)).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    head.client.post(url("order_return", order), {"comment": "Добавьте пункт о контроле"})
    html = page(client.get(url("order", order)))
    assert "Добавьте пункт о контроле" in html and 'data-testid="return-comment"' in html
    form = {
        "heading": "О закреплении наставнических пар",
        "preamble": "В соответствии с Положением",
        **items_data("Закрепить пары.", "", "  Утвердить программы.  "),
        "control_item": "Контроль оставляю за собой.",
        "acknowledgers": [mentee.person.pk],
        "start_rule": "signing",
    }
    response = client.post(url("order_edit", order), form)
    assert response.status_code == 302
    order.refresh_from_db()
    assert [item["text"] for item in order.items] == ["Закрепить пары.", "Утвердить программы."]
    assert list(order.acknowledgements.values_list("person", flat=True)) == [mentee.person.pk]
    assert order.events.filter(action=OrderEvent.Action.EDITED).exists()
    client.post(url("order_submit", order))
    response = head.client.post(url("order_approve", order))
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED and order.reg_number
    assert {m.state for m in order.mentorships.all()} == {Mentorship.State.ACTIVE}
    html = page(head.client.get(url("order", order)))
    assert f'SHA-256:</span> <code class="text-break user-select-all">{order.pdf_sha256}' in html
    assert 'data-testid="order-edit"' not in html and 'data-testid="submit"' not in html
    assert 'data-testid="approve"' not in html
    history = html[html.index('data-testid="history"') :]
    for action in ("Отправлен на утверждение", "Возвращён на доработку", "Проект изменён", "Утверждён"):
        assert action in history


def test_an_approved_order_cannot_be_edited_by_any_page(org, head, curator, media):
    order = approved(org, head.user)
    before = (order.heading, order.items, order.pdf_sha256)
    for response in (
        curator.client.get(url("order_edit", order)),
        curator.client.post(url("order_edit", order), {"heading": "Подмена", "preamble": "x", **items_data("y")}),
        curator.client.post(url("order_submit", order)),
        curator.client.post(url("order_cancel", order)),
        head.client.post(url("order_return", order), {"comment": "Поздно"}),
    ):
        assert response.status_code == 302
    messages = [str(m) for m in curator.client.get(url("order", order)).context["messages"]]
    assert messages  # each refusal came back as a message
    order.refresh_from_db()
    assert (order.heading, order.items, order.pdf_sha256) == before
    assert order.status == Order.Status.APPROVED


def test_pdf_of_an_approved_order_is_exactly_the_stored_bytes(org, head, curator, media):
    order = approved(org, head.user)
    response = curator.client.get(url("order_pdf", order))
    body = b"".join(response.streaming_content)
    assert body == order.pdf.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    filename = f"Приказ № {order.reg_number} от {order.date:%d.%m.%Y}.pdf"
    from urllib.parse import quote

    assert quote(filename) in response["Content-Disposition"]


def test_pdf_of_a_draft_is_rendered_now(org, curator):
    draft = make_order(org, status=Order.Status.DRAFT)
    response = curator.client.get(url("order_pdf", draft))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_cancelling_a_pairs_draft_sends_its_pairs_back_to_drafts(org, curator):
    order = pairs_order(org, 2, author=curator.user)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.DRAFT)
    curator.client.post(url("order_cancel", order), {"comment": "Состав пересмотрен"})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert {m.state for m in order.mentorships.all()} == {Mentorship.State.DRAFT}


def test_edit_form_offers_the_default_acknowledgers(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state="proposed")
    draft = make_order(org, OrderKind.PAIRS, status=Order.Status.DRAFT, mentorships=[pair])
    form = curator.client.get(url("order_edit", draft)).context["form"]
    assert {mentor.person.pk, mentee.person.pk} <= set(form.initial["acknowledgers"])


def test_edit_refuses_an_empty_text_next_to_the_field(org, curator):
    draft = make_order(org, status=Order.Status.DRAFT)
    html = page(curator.client.post(url("order_edit", draft), {"heading": "О", "preamble": "В", **items_data(" ")}))
    assert "Напишите хотя бы один пункт" in html


# --- acknowledgement and correction ------------------------------------------------------------------------------


def test_a_named_person_acknowledges_from_their_home(org, head, mentee, media):
    order = approved(org, head.user, acknowledgers=[mentee.person])
    home = reverse("role_home", args=[org.slug, Role.Kind.MENTEE])
    html = page(mentee.client.get(home))
    assert order.heading in html and "Ознакомлена" in html  # the mentee is Смирнова Дарья Андреевна
    response = mentee.client.post(url("order_acknowledge", order), {"next": home})
    assert response.status_code == 302 and response.url == home
    ack = Acknowledgement.objects.get(order=order, person=mentee.person)
    assert ack.acknowledged_at is not None
    assert order.heading not in page(mentee.client.get(home))
    # A second press is refused politely.
    mentee.client.post(url("order_acknowledge", order))
    assert "уже" in " ".join(str(m) for m in mentee.client.get(url("order", order)).context["messages"])


def test_acknowledging_an_order_one_is_not_listed_in_is_refused(org, head, curator, media):
    order = approved(org, head.user, acknowledgers=[head.person])
    curator.client.post(url("order_acknowledge", order))
    assert not Acknowledgement.objects.filter(order=order, person=curator.person).exists()


def test_a_correction_is_a_new_draft_referring_to_the_approved_order(org, head, curator, media):
    order = approved(org, head.user)
    response = curator.client.post(url("order_correct", order))
    correction = Order.objects.exclude(pk=order.pk).get()
    assert response.url == url("order_edit", correction)
    assert correction.refers_to == order and correction.status == Order.Status.DRAFT
    assert order.reg_number in correction.heading
    # Until the curator writes the changes, the correction cannot go to the head.
    curator.client.post(url("order_submit", correction))
    correction.refresh_from_db()
    assert correction.status == Order.Status.DRAFT
    html = page(curator.client.get(url("order", order)))
    assert "Изменён" in html and 'data-testid="correct"' in html


def test_head_home_lists_orders_awaiting_and_curator_home_the_returned_ones(org, head, curator):
    waiting = make_order(org, heading="О закреплении пар (ждёт)", author=curator.user)
    returned = make_order(org, heading="О назначении (возвращён)", status=Order.Status.RETURNED, author=curator.user)
    head_home = page(head.client.get(reverse("role_home", args=[org.slug, Role.Kind.HEAD])))
    assert waiting.heading in head_home and reverse("roadmap:inbox", args=[org.slug]) in head_home
    curator_home = page(curator.client.get(reverse("role_home", args=[org.slug, Role.Kind.CURATOR])))
    assert returned.heading in curator_home
    assert register(org) in curator_home and register(org) in head_home  # the order book is one click away
