"""Orders as schools write them (issue 15, point 3): items with sub-items 1, 1.1, 1.1.1, a deadline and an executor
per item, the organisation's legal basis, the appendices listed under the text, visible placeholders that stop
sending."""

import io
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from people.models import Organization
from roadmap import items as order_items
from roadmap import regulation as regulations
from roadmap.documents import order_content, order_pdf_bytes, signer_of
from roadmap.drafting import draft_order
from roadmap.models import Order, OrderKind, OrderTemplate
from roadmap.services import default_acknowledgers, missing_values, submit_order
from tests.people.bank_fixtures import bulk_people
from tests.roadmap.approval_fixtures import make_order
from tests.roadmap.page_fixtures import approved, items_data
from tests.roadmap.roadmap_fixtures import make_roadmap

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # not committed; looked at by eye
pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)

migration = __import__("roadmap.migrations.0011_order_items_structured", fromlist=["forwards"])


def url(name: str, org, *args) -> str:
    return reverse(f"roadmap:{name}", args=[org.slug, *args])


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def order_items_signer(order: Order) -> str:
    return signer_of(order)[1]


def flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


# --- numbering --------------------------------------------------------------------------------------------------


def test_numbers_follow_the_levels_and_a_typed_number_becomes_a_level():
    items = order_items.normalize(
        [
            "Утвердить состав.",
            {"text": "Назначить ответственных.", "level": 0},
            "2.1. Ответственный за первый этап.",  # typed by hand: a sub-item, not «3. 2.1. …»
            {"text": "Подготовить отчёт.", "level": 2},
            {"text": "Ответственный за второй этап.", "level": 1},
            "12 декабря провести совещание.",  # a date at the start is text, not a number
        ]
    )
    assert order_items.numbers(items) == ["1.", "2.", "2.1.", "2.1.1.", "2.2.", "3."]
    assert items[2]["text"] == "Ответственный за первый этап."
    assert items[5]["text"] == "12 декабря провести совещание."


def test_a_level_jump_is_brought_into_line_and_empty_items_are_dropped():
    items = order_items.normalize([{"text": "Первый.", "level": 2}, "", {"text": "Второй.", "level": 2}])
    assert [i["level"] for i in items] == [0, 1]
    assert order_items.numbers(items) == ["1.", "1.1."]


def test_the_migration_turns_stored_strings_into_items_with_levels(org):
    order = Order.objects.create(
        organization=org,
        kind=OrderKind.FREE,
        heading="О проведении",
        preamble="В соответствии с планом",
        items=["Провести семинар.", "1.1. Назначить ведущих.", "", "Контроль оставляю за собой."],
    )
    migration.forwards(apps, None)
    order.refresh_from_db()
    assert order.items == [
        {"text": "Провести семинар.", "level": 0, "deadline": "", "executor": None},
        {"text": "Назначить ведущих.", "level": 1, "deadline": "", "executor": None},
        {"text": "Контроль оставляю за собой.", "level": 0, "deadline": "", "executor": None},
    ]
    assert [i["number"] for i in order_content(order)["items"]] == ["1.", "1.1.", "2."]


# --- deadline, executor, freezing --------------------------------------------------------------------------------


def structured_items(executor) -> list[dict]:
    return [
        {"text": "Провести методический день наставников", "level": 0, "deadline": "2027-01-31", "executor": None},
        {
            "text": "Подготовить выступления наставников",
            "level": 1,
            "deadline": "в течение учебного года",
            "executor": executor.pk,
        },
        {"text": "Разместить материалы на сайте", "level": 2, "deadline": "", "executor": None},
        {"text": "Ознакомить работников с приказом.", "level": 0, "deadline": "", "executor": None},
    ]


def structured_order(org, executor, **fields) -> Order:
    return make_order(org, items=structured_items(executor), **fields)


def test_sending_freezes_numbers_deadlines_and_executors_and_the_executor_reads_the_order(org, curator, mentor):
    order = structured_order(org, mentor.person, status=Order.Status.DRAFT)
    submit_order(order, by=curator.user, notify=False)
    order.refresh_from_db()
    assert [(i["number"], i["level"]) for i in order.frozen["items"]] == [
        ("1.", 0),
        ("1.1.", 1),
        ("1.1.1.", 2),
        ("2.", 0),
    ]
    assert order.frozen["items"][0]["text"] == "Провести методический день наставников. Срок: до 31.01.2027."
    assert order.frozen["items"][1]["text"] == (
        "Подготовить выступления наставников. Срок: в течение учебного года. Ответственный: Фролова Г. П."
    )
    # The acknowledgement list took the executor without anybody ticking her.
    assert order.acknowledgements.filter(person=mentor.person).exists()
    # The live data changing after sending does not change what the head reviews.
    mentor.person.surname = "Петрова"
    mentor.person.save(update_fields=["surname"])
    order.refresh_from_db()
    assert "Фролова Г. П." in order.frozen["items"][1]["text"]


def test_executors_join_the_default_acknowledgers(org, curator, mentee):
    order = structured_order(org, mentee.person, status=Order.Status.DRAFT)
    assert mentee.person in default_acknowledgers(order)


def test_approved_pdf_prints_sub_items_deadlines_executor_basis_and_appendix_list(org, head, mentor, media):
    items = structured_items(mentor.person)
    order = approved(org, head.user, OrderKind.REWARD, rewarded=[mentor.person], items=items)
    text = flat(pdf_text(order.pdf.open("rb").read()))
    assert "1. Провести методический день наставников. Срок: до 31.01.2027." in text
    assert (
        "1.1. Подготовить выступления наставников. Срок: в течение учебного года. Ответственный: Фролова Г. П." in text
    )
    assert "1.1.1. Разместить материалы на сайте." in text
    assert "2. Ознакомить работников с приказом." in text
    assert "3. Контроль за исполнением приказа оставляю за собой." in text
    assert "4. 2.1." not in text
    assert "Приложение: Список наставников, представленных к поощрению в 1 экз." in text
    # The list stands under the text, before the signature.
    assert text.index("Приложение:") < text.index(order.signer_name)


def test_regulation_order_lists_its_appendices_under_the_text_not_as_an_item(org, curator):
    roadmap = make_roadmap(org, 2)
    reg = regulations.generate(org, by=curator.user)
    regulations.adopt(reg, council_date=timezone.localdate(), council_number="1")
    order = draft_order(org, OrderKind.REGULATION, by=curator.user, regulation=reg, roadmap=roadmap)
    content = order_content(order)
    assert not any("Приложения к приказу" in i["text"] for i in content["items"])
    assert [a["number"] for a in content["appendix_list"]] == [1, 2]
    # The list names each attached appendix once, as its own page is titled.
    assert [a["title"] for a in content["appendix_list"]] == [a["title"] for a in content["appendices"]]
    assert content["appendix_list"][0]["title"] == reg.title
    text = flat(pdf_text(order_pdf_bytes(order)))
    assert f"Приложения: 1. {reg.title} в 1 экз." in text
    assert text.index("Приложения:") < text.index("2. Дорожная карта") < text.index("Приложение № 1 к приказу")
    # Under the text: after the last item, before the signature.
    assert text.index("ПРИКАЗЫВАЮ") < text.index("Приложения:") < text.rindex(order_items_signer(order))


# --- legal basis ----------------------------------------------------------------------------------------------------


def test_a_new_draft_cites_the_organisations_acts_in_order(org, curator):
    org.order_basis = (
        "Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»\n"
        "приказом министерства образования Верхнеречинской области от 15.03.2023 № 412"
    )
    org.save(update_fields=["order_basis"])
    order = draft_order(org, OrderKind.FREE, by=curator.user)
    assert order.preamble.startswith(
        "В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации», "
        "приказом министерства образования Верхнеречинской области от 15.03.2023 № 412, "
    )


def test_default_basis_names_the_federal_acts_correctly(db):
    acts = Organization(short_name="x").order_basis_acts
    assert acts[0] == "Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»"
    assert acts[1].startswith("распоряжением Министерства просвещения Российской Федерации от 25.12.2019 № Р-145 ")
    assert "от 21.12.2021 № АЗ-1128/08" in acts[2]


def test_basis_page_saves_for_the_curator_and_says_what_to_fix_beside_the_field(org, curator, head):
    page = url("order_basis", org)
    assert head.client.get(page).status_code == 200
    wrong = curator.client.post(page, {"order_basis": "В соответствии с Уставом школы"})
    assert wrong.status_code == 200
    html = wrong.content.decode()
    assert "слова «В соответствии с» уже стоят в преамбуле" in html and 'id="error_1_id_order_basis"' in html
    assert "В соответствии с Уставом школы" in html  # nothing typed is lost
    assert curator.client.post(page, {"order_basis": " Уставом школы. \n\n Коллективным договором;"}).status_code == 302
    org.refresh_from_db()
    assert org.order_basis_acts == ["Уставом школы", "Коллективным договором"]


def test_basis_page_is_closed_to_other_roles_and_organisations(org, mentor, outsider):
    page = url("order_basis", org)
    assert mentor.client.get(page).status_code == 404
    assert outsider.client.get(page).status_code == 404
    assert outsider.client.post(page, {"order_basis": "Чужим актом"}).status_code == 404
    org.refresh_from_db()
    assert "Чужим актом" not in org.order_basis


# --- placeholders ------------------------------------------------------------------------------------------------


def test_a_draft_keeps_placeholders_marked_and_sending_is_refused_naming_the_item(org, curator):
    order = make_order(
        org,
        status=Order.Status.DRAFT,
        items=[
            {"text": "Провести семинар.", "level": 0},
            {"text": "Назначить ведущим [указать: ФИО и должность].", "level": 1},
        ],
    )
    assert "Пункт 1.1: вместо «[указать: ФИО и должность]» напишите нужные слова." in missing_values(order)
    with pytest.raises(ValidationError) as refused:
        submit_order(order, by=curator.user, notify=False)
    assert any("Пункт 1.1" in m for m in refused.value.messages)
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT
    # The draft's page and PDF mark the placeholder.
    html = curator.client.get(url("order", org, order.pk)).content.decode()
    assert '<mark class="order-placeholder">[указать: ФИО и должность]</mark>' in html
    draft_pdf = order_pdf_bytes(order)
    assert "[указать: ФИО и должность]" in flat(pdf_text(draft_pdf))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "order-items-draft-placeholder.pdf").write_bytes(draft_pdf)
    args = ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
    where = ARTIFACTS / "order-items-draft-placeholder"
    subprocess.run(["pdftoppm", *args, f"{where}.pdf", str(where)], check=True)  # noqa: S603, S607 — our own file
    assert (ARTIFACTS / "order-items-draft-placeholder.png").stat().st_size > 5_000
    response = curator.client.post(url("order_submit", org, order.pk))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT


def test_a_value_the_data_lacks_becomes_a_visible_placeholder(bare_org, persona):
    curator = persona(bare_org, "curator", surname="Яковлева")
    bare_org.order_basis = ""
    bare_org.save(update_fields=["order_basis"])
    order = draft_order(bare_org, OrderKind.FREE, by=curator.user)
    assert order.preamble.startswith("В соответствии с [указать: акты, на которые ссылается приказ")


# --- the editor --------------------------------------------------------------------------------------------------


def test_editor_saves_levels_deadlines_executors_and_executors_join_the_list(org, curator, mentor, mentee):
    order = make_order(org, status=Order.Status.DRAFT)
    data = {
        "heading": "О методическом дне",
        "preamble": "В соответствии с планом работы",
        "control_item": "",
        "acknowledgers": [mentee.person.pk],
        **items_data(
            {"text": "Провести методический день.", "deadline": "31.01.2027"},
            {"text": "Подготовить выступления.", "level": 1, "executor": mentor.person.pk},
            {"text": "в течение года обновлять", "level": 1, "deadline": "в течение учебного года."},
        ),
    }
    response = curator.client.post(url("order_edit", org, order.pk), data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.items == [
        {"text": "Провести методический день.", "level": 0, "deadline": "2027-01-31", "executor": None},
        {"text": "Подготовить выступления.", "level": 1, "deadline": "", "executor": mentor.person.pk},
        {"text": "в течение года обновлять", "level": 1, "deadline": "в течение учебного года", "executor": None},
    ]
    assert set(order.acknowledgements.values_list("person", flat=True)) == {mentee.person.pk, mentor.person.pk}
    page = curator.client.get(url("order_edit", org, order.pk)).content.decode()
    assert 'value="31.01.2027"' in page  # shown back as typed


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "Провести.", "deadline": "31.02.2027"}, "Такой даты нет"),
        ({"text": "Провести.", "deadline": "01.11.2026"}, "Эта дата уже прошла"),
        ({"text": "", "deadline": "31.01.2027"}, "Напишите текст пункта или удалите строку целиком."),
        ({"text": "Провести.", "level": 1}, "Первый пункт не может быть подпунктом"),
    ],
)
def test_editor_refuses_bad_items_beside_the_field_and_keeps_the_text(org, curator, row, message):
    order = make_order(org, status=Order.Status.DRAFT)
    before = order.items
    data = {"heading": "О", "preamble": "В", "control_item": "", **items_data(row, "Второй пункт без ошибок.")}
    response = curator.client.post(url("order_edit", org, order.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "invalid-feedback" in html
    assert "Второй пункт без ошибок." in html
    order.refresh_from_db()
    assert order.items == before


def test_editor_refuses_an_executor_of_another_organisation(org, curator, outsider):
    order = make_order(org, status=Order.Status.DRAFT)
    data = {
        "heading": "О",
        "preamble": "В",
        "control_item": "",
        **items_data({"text": "Сделать.", "executor": outsider.person.pk}),
    }
    response = curator.client.post(url("order_edit", org, order.pk), data)
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    order.refresh_from_db()
    assert not order.acknowledgements.filter(person=outsider.person).exists()


def test_editor_page_is_closed_to_other_roles_and_organisations(org, mentor, outsider):
    order = make_order(org, status=Order.Status.DRAFT)
    assert mentor.client.get(url("order_edit", org, order.pk)).status_code == 404
    assert outsider.client.get(url("order_edit", org, order.pk)).status_code == 404


def editor_queries(client, page: str) -> int:
    client.get(page)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_editor_queries_do_not_grow_with_items_or_staff(org, curator, mentor):
    small = make_order(org, status=Order.Status.DRAFT, items=[{"text": "Один.", "executor": mentor.person.pk}])
    few = editor_queries(curator.client, url("order_edit", org, small.pk))
    people = bulk_people(org, 40)
    many = [
        {"text": f"Пункт {n}.", "level": n % 2, "executor": people[n].pk, "deadline": "2027-01-31"} for n in range(30)
    ]
    large = make_order(org, status=Order.Status.DRAFT, items=many)
    assert editor_queries(curator.client, url("order_edit", org, large.pk)) == few
    assert few <= 20


def test_existing_string_items_still_print(org):
    order = make_order(org, status=Order.Status.DRAFT, items=["Первый.", "1.1. Второй."])
    assert [(i["number"], i["text"]) for i in order_content(order)["items"]] == [("1.", "Первый."), ("1.1.", "Второй.")]


def test_editor_saves_the_items_unchanged_as_posted_back(org, curator):
    """Rows equal to the page's initial values are still read (not skipped as unchanged extra forms)."""
    items = [{"text": "Первый.", "level": 0}, {"text": "Второй.", "level": 1}]
    order = make_order(org, status=Order.Status.DRAFT, items=items)
    data = {"heading": "О", "preamble": "В", "control_item": "", **items_data(*order.items)}
    data["items-INITIAL_FORMS"] = "2"
    assert curator.client.post(url("order_edit", org, order.pk), data).status_code == 302
    order.refresh_from_db()
    assert [(i["text"], i["level"]) for i in order.items] == [("Первый.", 0), ("Второй.", 1)]


def test_inbox_preview_numbers_sub_items(org, head, mentor):
    make_order(org, items=structured_items(mentor.person))
    html = head.client.get(url("inbox", org)).content.decode()
    preview = html[html.index('data-testid="inbox-preview"') :]
    assert "1.1. Подготовить выступления наставников. Срок: в течение учебного года." in preview
    assert "1.1.1. Разместить материалы на сайте." in preview
    assert "3. Контроль за исполнением приказа оставляю за собой." in preview
    assert "{&#x27;" not in preview and "{'" not in preview


def test_a_model_text_typed_with_sub_numbers_drafts_sub_items(org, curator):
    OrderTemplate.objects.update_or_create(
        organization=org,
        kind=OrderKind.FREE,
        defaults={
            "heading": "О методическом дне",
            "preamble": "В соответствии с {правовые_основания}",
            "items": ["Провести методический день.", "1.1. Подготовить выступления.", "Подвести итоги."],
            "control_item": "",
        },
    )
    order = draft_order(org, OrderKind.FREE, by=curator.user)
    printed = order_content(order)["items"]
    assert [(i["number"], i["text"]) for i in printed] == [
        ("1.", "Провести методический день."),
        ("1.1.", "Подготовить выступления."),
        ("2.", "Подвести итоги."),
    ]
