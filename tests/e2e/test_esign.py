"""Approval as a simple electronic signature, in Chromium (issue 15, point 4): the school's head approves the
waiting order with a one-time code from the demo authenticator, downloads the signed PDF, opens the address of
its QR code without logging in, and drops the PDF there — «подлинный»; a changed copy is not."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect
from pypdf import PdfReader

from config.demo.esign import DEMO_TOTP_SECRET
from roadmap.models import Order, OrderSignature
from tests.e2e.conftest import ARTIFACTS, login

ORG = "school-7"


@pytest.fixture
def signed_media(settings, tmp_path, live_server):
    """Stored PDFs go to a temporary folder; the QR code points at this live server."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url


def demo_code(*, fresh_after: str = "") -> str:
    """The demo authenticator's current code; a new one when `fresh_after` was just used (one code signs once)."""
    totp = TOTP(base64.b32decode(DEMO_TOTP_SECRET))
    while True:
        code = f"{totp.token():06d}"
        if code != fresh_after:
            return code
        time.sleep(1)


def both_widths(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"esign-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_head_signs_with_a_code_and_anyone_verifies_the_pdf(signed_media, demo, live_server, page, browser):
    order = Order.objects.get(organization__slug=ORG, status=Order.Status.SUBMITTED)
    login(page, live_server, "head2")

    page.goto(f"{live_server.url}/o/{ORG}/authenticator/?new=1")
    expect(page.get_by_test_id("authenticator-qr").locator("svg")).to_be_visible()
    both_widths(page, "authenticator")

    page.goto(f"{live_server.url}/o/{ORG}/orders/inbox/")
    page.get_by_test_id("approve-with-code").first.click()
    decision = page.get_by_test_id("decision")
    expect(decision.get_by_test_id("approval-code")).to_be_visible()

    right = demo_code()
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    decision.get_by_test_id("approval-code").fill(wrong)
    decision.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approval-code-error")).to_contain_text("Код не подошёл")
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    both_widths(page, "wrong-code")

    time.sleep(1.2)  # the throttle after one wrong code: a second
    page.get_by_test_id("decision").get_by_test_id("approval-code").fill(demo_code())
    page.get_by_test_id("decision").get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    order.refresh_from_db()
    signature = OrderSignature.objects.get(order=order)
    assert signature.method == OrderSignature.Method.TOTP
    both_widths(page, "approved")

    with page.expect_download() as download:
        page.get_by_test_id("order-pdf").click()
    path = ARTIFACTS / "esign-order.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Документ подписан простой электронной подписью" in text
    assert f"Ключ: {signature.key_id}" in text
    verify_url = f"{live_server.url}/verify/{signature.token}/"
    assert verify_url in text.replace(" ", "")

    anonymous = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    visitor = anonymous.new_page()
    visitor.goto(verify_url)
    expect(visitor.get_by_test_id("verify-title")).to_have_text("Проверка подлинности документа")
    expect(visitor.get_by_test_id("verify-number")).to_have_text(order.reg_number)
    expect(visitor.get_by_test_id("verify-sha256")).to_have_text(signature.document_sha256)

    visitor.get_by_test_id("verify-file").set_input_files(str(path))
    visitor.get_by_test_id("verify-submit").click()
    expect(visitor.get_by_test_id("verify-result")).to_contain_text("подлинный")
    both_widths(visitor, "verify-genuine")

    middle = len(data) // 2  # one byte of the copy changed, as an edited or damaged file would be
    changed = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
    altered = ARTIFACTS / "esign-order-altered.pdf"
    altered.write_bytes(changed)
    visitor.get_by_test_id("verify-file").set_input_files(str(altered))
    visitor.get_by_test_id("verify-submit").click()
    expect(visitor.get_by_test_id("verify-result")).to_contain_text("не совпадает с зарегистрированным")
    both_widths(visitor, "verify-altered")
    anonymous.close()
