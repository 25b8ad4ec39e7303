"""A paper order with its scan is registered (issue 18, point 3): the head of the demo school enters the order
approving the regulation, signed on paper, with the scan; the preview says what changes; after confirmation the
register shows it «на бумаге» with the scan, and the stage strip on the head's home counts the regulation approved."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfWriter

from roadmap.models import Order, Regulation
from tests.e2e.conftest import login

ORG = "school-7"


@pytest.fixture
def order_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def scan_file(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "Приказ 58-од.pdf"
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def test_a_paper_order_with_a_scan_is_registered_and_the_stage_strip_reflects_it(
    order_media, demo, live_server, page, shot, tmp_path
):
    org_url = f"{live_server.url}/o/{ORG}"
    regulation = Regulation.objects.get(organization__slug=ORG, status=Regulation.Status.ADOPTED)
    signed_on = timezone.localdate() - timedelta(days=1)
    login(page, live_server, "head2")
    page.goto(f"{org_url}/home/head/")
    check = page.locator('[data-testid="progress-strip"] [data-check="regulation_approved"]')
    expect(check).to_have_attribute("data-done", "0")

    page.goto(f"{org_url}/orders/")
    page.get_by_test_id("paper-order-new").click()
    page.get_by_label("Вид приказа").select_option("regulation")
    page.get_by_role("button", name="Выбрать").click()
    form = page.get_by_test_id("paper-order-form")
    # Nothing filled: each problem is named beside its field.
    form.get_by_role("button", name="Проверить").click()
    expect(page.get_by_text("Приложите скан приказа (PDF) или перепишите его текст")).to_be_visible()
    form = page.get_by_test_id("paper-order-form")
    form.get_by_label("Дата приказа").fill(signed_on.isoformat())
    form.get_by_label("Номер приказа").fill("№ 58-од")
    form.get_by_label("Заголовок «О …»").fill("Об утверждении положения о системе наставничества")
    form.get_by_label("Скан подписанного приказа (PDF)").set_input_files(str(scan_file(tmp_path)))
    form.get_by_label("Утверждённое положение").select_option(str(regulation.pk))
    page.set_viewport_size({"width": 1366, "height": 900})
    shot("paper-order-form-1366")
    form.get_by_role("button", name="Проверить").click()

    summary = page.get_by_test_id("paper-summary")
    expect(summary).to_contain_text(f"Приказ от {signed_on:%d.%m.%Y} № 58-од")
    expect(page.get_by_test_id("paper-serial")).to_contain_text(f"58 ({signed_on.year} год)")
    effects = page.get_by_test_id("paper-effects")
    expect(effects).to_contain_text("Утверждается этим приказом: «Положение о системе наставничества")
    shot("paper-order-preview-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("paper-order-preview-390")
    page.get_by_test_id("paper-confirm").click()

    expect(page.get_by_role("heading", name=f"Приказ от {signed_on:%d.%m.%Y} № 58-од")).to_be_visible()
    expect(page.get_by_test_id("order-scan")).to_be_visible()
    order = Order.objects.get(organization__slug=ORG, reg_number="58-од")
    assert order.source == Order.Source.PAPER and order.number == 58 and order.scan_sha256
    regulation.refresh_from_db()
    assert regulation.status == Regulation.Status.APPROVED and regulation.approved_by_order == order

    page.goto(f"{org_url}/orders/")
    row = page.get_by_test_id("orders-table").get_by_role("row").filter(has_text="58-од")
    expect(row.get_by_test_id("paper-badge")).to_have_text("на бумаге")
    with page.expect_download() as download:
        row.get_by_test_id("paper-scan").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    shot("paper-order-register-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    shot("paper-order-register-1366")

    page.goto(f"{org_url}/home/head/")
    expect(check).to_have_attribute("data-done", "1")
    shot("paper-order-home-1366")
