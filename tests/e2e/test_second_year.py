"""Issue 14's second academic year, start to finish on the demo kindergarten, in Chromium.

Seeded in late August 2027 (the first year, 2026–2027, approved and under way), the curator drafts the next
year's roadmap as a copy and imports another from an Excel file, forms the order approving the copy, and the head
approves it: the new roadmap carries its own stamp while the first year's keeps its stamp and content. From
6 September 2027 the new roadmap is the current one. The curator then forms a pair from the bank, the pairs order
is approved, the invited mentee sets a password and sees the pair; the programme goes draft → acknowledged →
approved → extended by agreement. Every PDF along the way is read back (pypdf) and its first page rendered with
pdftoppm into test-artifacts/ for a look.
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from people.models import Person
from roadmap.models import Order, OrderKind, Roadmap
from tests.e2e.conftest import ARTIFACTS, login
from tests.roadmap.test_roadmap_import import xlsx_bytes

ORG = "ds-solnyshko"
MSK = ZoneInfo("Europe/Moscow")
NEXT_LABEL = "2027–2028 учебный год"
IMPORTED_LABEL = "2027–2028 учебный год (вариант из Excel)"
DEMO_CSV = ARTIFACTS.parent / "fixtures" / "demo_roadmap_school.csv"


@pytest.fixture
def order_media(settings, tmp_path):
    """Stored PDFs go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def pdf_from_link(page, link, name: str) -> str:
    """Fetch the PDF behind the page's download link, keep it and its first page as PNG, return its text."""
    href = link.get_attribute("href")
    response = page.request.get(page.url.split("/o/")[0] + href if href.startswith("/") else href)
    assert response.ok and response.headers["content-type"] == "application/pdf", href
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"second-year-{name}.pdf"
    path.write_bytes(response.body())
    args = ["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / f"second-year-{name}")]
    subprocess.run(["pdftoppm", *args], check=True)  # noqa: S603, S607 — fixed arguments, our own file
    assert (ARTIFACTS / f"second-year-{name}.png").stat().st_size > 3_000
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(response.body())).pages)


def roadmap_rows(page) -> list[str]:
    return [" ".join(t.split()) for t in page.get_by_test_id("activity").all_inner_texts()]


# --- step 1: the next year's roadmap ---------------------------------------------------------------------------


def draft_next_roadmap_as_copy(page, org_url: str, first: Roadmap) -> Roadmap:
    page.goto(f"{org_url}/roadmap/")
    page.get_by_test_id("roadmap-create").click()
    page.get_by_label("Копия дорожной карты прошлого периода").check()
    page.get_by_label("Какую дорожную карту копировать").select_option(str(first.pk))
    expect(page.locator("#id_period_label")).to_have_value(NEXT_LABEL)
    expect(page.locator("#id_period_start")).to_have_value("2027-09-01")
    expect(page.locator("#id_period_end")).to_have_value("2028-08-31")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("Дорожная карта создана как проект")).to_be_visible()
    expect(page.get_by_test_id("roadmap-draft")).to_be_visible()
    return Roadmap.objects.get(organization__slug=ORG, period_label=NEXT_LABEL, source=Roadmap.Source.COPY)


def import_another_roadmap(page, org_url: str, tmp_path) -> Roadmap:
    rows = list(csv.reader(DEMO_CSV.read_text(encoding="utf-8").splitlines(), delimiter=";"))
    path = tmp_path / "Дорожная карта 2027-2028.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    page.goto(f"{org_url}/roadmap/")
    page.get_by_test_id("roadmap-import").click()
    page.get_by_label("Файл с дорожной картой").set_input_files(str(path))
    page.locator("#id_period_label").fill(IMPORTED_LABEL)
    page.locator("#id_period_start").fill("2027-09-01")
    page.locator("#id_period_end").fill("2028-08-31")
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_test_id("import-state")).to_contain_text("этапов — 7, мероприятий — 19")
    page.get_by_role("button", name="Подтвердить импорт").click()
    expect(page.get_by_text("Дорожная карта загружена: этапов — 7, мероприятий — 19.")).to_be_visible()
    return Roadmap.objects.get(organization__slug=ORG, period_label=IMPORTED_LABEL)


def form_roadmap_order(page, org_url: str, roadmap: Roadmap) -> Order:
    page.goto(f"{org_url}/roadmap/{roadmap.pk}/")
    page.get_by_test_id("roadmap-order").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    expect(page.get_by_test_id("order-text")).to_contain_text("Об утверждении дорожной карты")
    order = Order.objects.get(organization__slug=ORG, kind=OrderKind.ROADMAP, roadmap=roadmap)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")
    return order


def head_approves_in_inbox(page, live_server, org_url: str, order: Order) -> Order:
    switch(page, live_server, "head")
    page.goto(f"{org_url}/orders/inbox/")
    page.get_by_test_id("inbox-order").filter(has_text=order.heading).get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED and order.reg_number
    return order


@pytest.mark.time_machine(datetime(2027, 8, 23, 10, 0, tzinfo=MSK), tick=True)
def test_second_year_start_to_finish(order_media, demo, live_server, page, shot, time_machine, tmp_path):
    org_url = f"{live_server.url}/o/{ORG}"
    first = Roadmap.objects.current_for(Person.objects.get(user__username="curator").organization)
    assert first.status == Roadmap.Status.APPROVED and first.period_start == date(2026, 9, 1)
    first_order = first.approved_by_order
    first_stamp = f"приказом от {first_order.date:%d.%m.%Y} № {first_order.reg_number}"

    # 1. The curator drafts the next year's roadmap and imports another; neither replaces the current one.
    login(page, live_server, "curator")
    page.goto(f"{org_url}/roadmap/{first.pk}/")
    first_rows = roadmap_rows(page)
    first_pdf = pdf_from_link(page, page.get_by_test_id("roadmap-pdf"), "roadmap-first-before")
    new = draft_next_roadmap_as_copy(page, org_url, first)
    imported = import_another_roadmap(page, org_url, tmp_path)
    assert Roadmap.objects.current_for(first.organization) == first
    order = form_roadmap_order(page, org_url, new)
    order = head_approves_in_inbox(page, live_server, org_url, order)
    stamp = f"приказом от {order.date:%d.%m.%Y} № {order.reg_number}"

    switch(page, live_server, "curator")
    page.goto(f"{org_url}/roadmap/{new.pk}/")
    expect(page.get_by_test_id("roadmap-stamp")).to_have_text(f"Утверждена {stamp}")
    shot("second-year-roadmap-approved")
    new_pdf = pdf_from_link(page, page.get_by_test_id("roadmap-pdf"), "roadmap-new")
    assert f"УТВЕРЖДЕНО {stamp}" in new_pdf and NEXT_LABEL in new_pdf
    assert first_stamp not in new_pdf

    page.goto(f"{org_url}/orders/{order.pk}/")
    order_pdf = pdf_from_link(page, page.get_by_test_id("order-pdf"), "roadmap-order")
    assert f"№ {order.reg_number}" in order_pdf and f"{order.date:%d.%m.%Y}" in order_pdf
    assert "Об утверждении дорожной карты" in order_pdf and NEXT_LABEL in order_pdf

    page.goto(f"{org_url}/roadmap/{first.pk}/")
    expect(page.get_by_test_id("roadmap-stamp")).to_have_text(f"Утверждена {first_stamp}")
    assert roadmap_rows(page) == first_rows
    first_after = pdf_from_link(page, page.get_by_test_id("roadmap-pdf"), "roadmap-first-after")
    assert f"УТВЕРЖДЕНО {first_stamp}" in first_after
    assert first_after == first_pdf

    page.goto(f"{org_url}/roadmap/{imported.pk}/")
    expect(page.get_by_test_id("roadmap-draft")).to_be_visible()

    # Until 1 September the first year's roadmap is the current one; from 6 September it is the new one.
    assert Roadmap.objects.current_for(first.organization) == first
    time_machine.move_to(datetime(2027, 9, 6, 9, 0, tzinfo=MSK), tick=True)
    assert Roadmap.objects.current_for(first.organization) == new
