"""Orders as schools write them, in Chromium (issue 15, point 3): the curator writes an order with a sub-item, a
deadline and an executor, sends it; the head approves; the PDF numbers «1.1.» and names the deadline and the
executor; the executor finds the order to acknowledge on his home."""

import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pypdf import PdfReader

from people.models import Person
from roadmap.models import Acknowledgement, Order
from tests.e2e.conftest import ARTIFACTS, login

ORG = "ds-solnyshko"
HEADING = "О проведении методического дня наставников"
FIRST = "Провести методический день наставников в актовом зале детского сада"
SUB = "Подготовить выступления наставников о результатах персонализированных программ"


@pytest.fixture
def order_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def both_widths(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"order-items-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_curator_writes_sub_items_with_deadline_and_executor_head_approves_executor_acknowledges(
    order_media, demo, live_server, page
):
    executor = Person.objects.filter(organization__slug=ORG, surname="Лебедев").get()
    user = get_user_model().objects.create_user("lebedev", password="demo12345", last_name="Лебедев")
    Person.objects.filter(pk=executor.pk).update(user=user)
    org_url = f"{live_server.url}/o/{ORG}"

    login(page, live_server, "curator")
    page.goto(f"{org_url}/orders/new/?kind=free")
    page.get_by_test_id("create-order").click()
    order = Order.objects.filter(organization__slug=ORG, kind="free", status="draft").latest("created_at")
    # The model text's gaps are marked in the draft and listed as what to fill.
    expect(page.get_by_test_id("order-text").locator("mark.order-placeholder").first).to_be_visible()
    expect(page.get_by_test_id("missing")).to_contain_text("[указать:")

    page.get_by_test_id("order-edit").click()
    page.get_by_label("Заголовок «О …»").fill(HEADING)
    page.get_by_label("Преамбула").fill("В соответствии с годовым планом методической работы на 2026/2027 учебный год")
    rows = page.get_by_test_id("item-row")
    rows.nth(0).get_by_test_id("item-text").fill(FIRST)
    page.get_by_test_id("item-add").click()
    rows.nth(1).get_by_test_id("item-text").fill(SUB + " [указать: сколько выступлений]")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bhas-placeholder\b"))
    rows.nth(1).get_by_test_id("item-indent").click()
    expect(rows.nth(1).locator("[data-item-number]")).to_have_text("1.1.")
    rows.nth(1).get_by_test_id("item-deadline").fill("31.01.2027")
    rows.nth(1).get_by_test_id("item-executor").select_option(str(executor.pk))
    page.get_by_test_id("item-add").click()
    rows.nth(2).get_by_test_id("item-text").fill("Лишний пункт")
    expect(rows.nth(2).locator("[data-item-number]")).to_have_text("1.2.")
    rows.nth(2).get_by_role("button", name="Сделать пунктом уровнем выше").click()
    expect(rows.nth(2).locator("[data-item-number]")).to_have_text("2.")
    both_widths(page, "editor")
    rows.nth(2).get_by_role("button", name="Удалить пункт").click()
    expect(rows).to_have_count(2)
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").filter(has_text="Проект приказа сохранён")).to_be_visible()

    # The placeholder left in 1.1 stops sending, naming the item.
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").filter(has_text="Пункт 1.1")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Черновик")
    page.get_by_test_id("order-edit").click()
    page.get_by_test_id("item-row").nth(1).get_by_test_id("item-text").fill(SUB)
    page.get_by_test_id("save").click()
    text = page.get_by_test_id("order-text")
    expect(text).to_contain_text(f"1.1.\u00a0{SUB}. Срок: до 31.01.2027. Ответственный: {executor.short_name}")
    both_widths(page, "draft")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")
    assert Acknowledgement.objects.filter(order=order, person=executor).exists()

    page.context.clear_cookies()
    login(page, live_server, "head")
    page.goto(f"{org_url}/orders/{order.pk}/")
    page.get_by_test_id("decision").get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    order.refresh_from_db()

    with page.expect_download() as info:
        page.get_by_test_id("order-pdf").click()
    pdf_path = ARTIFACTS / "order-items-approved.pdf"
    info.value.save_as(pdf_path)
    raw = " ".join((p.extract_text() or "") for p in PdfReader(pdf_path).pages)
    text = " ".join(re.sub("\u2010\\s*", "", raw).split())  # words the layout hyphenated are joined back
    assert f"1. {FIRST}." in text
    assert f"1.1. {SUB}. Срок: до 31.01.2027. Ответственный: {executor.short_name}" in text
    assert "2. Контроль за исполнением настоящего приказа оставляю за собой." in text
    assert "[указать" not in text
    args = ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(pdf_path.with_suffix(""))]
    subprocess.run(["pdftoppm", *args], check=True)  # noqa: S603, S607 — fixed arguments, our own file

    # The executor was never ticked by hand, yet the order waits for his acknowledgement.
    page.context.clear_cookies()
    login(page, live_server, "lebedev")
    box = page.get_by_test_id("home-orders-acknowledge")
    expect(box).to_contain_text(f"№ {order.reg_number}")
    box.get_by_role("listitem").filter(has_text=f"№ {order.reg_number}").get_by_test_id("acknowledge").click()
    expect(page.get_by_role("alert").filter(has_text="вы ознакомлены с приказом")).to_be_visible()
    assert Acknowledgement.objects.get(order=order, person=executor).acknowledged_at is not None


def test_curator_keeps_the_legal_basis_and_a_new_draft_cites_it(demo, live_server, page):
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{ORG}/orders/templates/")
    page.get_by_test_id("basis-link").click()
    field = page.get_by_label("Правовые основания приказов")
    expect(field).to_contain_text("№ 273-ФЗ «Об образовании в Российской Федерации»")
    field.fill(field.input_value() + "\nВ соответствии с Уставом детского сада")
    page.get_by_test_id("save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("слова «В соответствии с» уже стоят в преамбуле")
    both_widths(page, "basis-error")
    field = page.get_by_label("Правовые основания приказов")
    field.fill(field.input_value().replace("В соответствии с Уставом", "Уставом"))
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").filter(has_text="Правовые основания приказов сохранены")).to_be_visible()
    page.goto(f"{live_server.url}/o/{ORG}/orders/new/?kind=free")
    page.get_by_test_id("create-order").click()
    text = page.get_by_test_id("order-text")
    expect(text).to_contain_text("В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ")
    expect(text).to_contain_text("Уставом детского сада, ")
