"""The curator registers a personal-data consent with a scan, prints the form, and withdraws the consent."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from people.models import Consent, Person, Purpose, has_consent
from tests.e2e.conftest import login

PD = Purpose.PERSONAL_DATA


def test_curator_registers_prints_and_withdraws_a_consent(demo, live_server, page, shot, tmp_path):
    org = Person.objects.get(user__username="curator").organization
    candidates = (
        Person.objects.for_org(org)
        .working()
        .filter(user__isnull=True)
        .annotate(consented=has_consent(PD))
        .filter(consented=False)
        .order_by("pk")
    )
    # Prefer someone the demo gave no consent at all; one who withdrew theirs does as well.
    person = candidates.exclude(consents__purpose=PD).first() or candidates.first()
    assert person is not None, "the demo needs a staff member without a personal-data consent"
    scan = tmp_path / "скан.png"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 420), (252, 252, 248)).save(buffer, "PNG")
    scan.write_bytes(buffer.getvalue())

    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{org.slug}/staff/{person.pk}/")
    page.get_by_role("link", name="Согласия").click()
    section = page.get_by_test_id(f"consent-{PD}")
    expect(section).to_contain_text(re.compile("нет согласия|отозвано"))

    section.get_by_role("link", name="Зарегистрировать согласие").click()
    expect(page.get_by_label("Обработка персональных данных")).to_be_checked()
    page.get_by_label("Скан подписанного согласия").set_input_files(str(scan))
    page.get_by_role("button", name="Зарегистрировать согласие").click()
    expect(page.get_by_text("зарегистрировано")).to_be_visible()
    section = page.get_by_test_id(f"consent-{PD}")
    expect(section).to_contain_text("действует")
    expect(section).to_contain_text("Скан подписанного согласия загружен")

    with page.expect_download() as pdf_download:
        section.get_by_role("link", name="Скачать PDF").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf_download.value.suggested_filename == "Согласие — обработка ПД.pdf"

    with page.expect_download() as scan_download:
        section.get_by_role("link", name="Скачать скан").click()
    assert Path(scan_download.value.path()).read_bytes() == scan.read_bytes()
    assert person.surname not in scan_download.value.url

    section.get_by_role("link", name="Отозвать").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("исключён из банков")
    shot("consents-withdraw-dialog")
    dialog.get_by_role("button", name="Отозвать согласие").click()
    expect(page.get_by_text("Согласие отозвано.")).to_be_visible()
    expect(page.get_by_test_id(f"consent-{PD}")).to_contain_text("Отозвано")
    shot("consents-after-withdrawal")

    consent = Consent.objects.get(person=person, purpose=PD)
    assert consent.withdrawn_on is not None
    assert consent.scan.name.endswith(".png")
