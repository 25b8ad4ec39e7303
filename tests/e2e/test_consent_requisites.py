"""The curator sees the consents lack the operator's requisites, fills them in (a typo in the ИНН is caught beside
the field) and downloads a publication consent that prints them (issue 15, point 5)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from people.models import Person, Purpose
from tests.e2e.conftest import ARTIFACTS, login

INN = "3300000007"
OGRN = "1033300000007"
ADDRESS = "601482, Владимирская область, г. Верхнеречинск, ул. Садовая, д. 15"


def test_curator_fills_the_operator_requisites_and_the_consent_prints_them(demo, live_server, page, shot):
    curator = Person.objects.get(user__username="curator")
    org = curator.organization
    # As an organisation that has not filled them in yet.
    org.legal_address = org.inn = org.ogrn = org.site = ""
    org.save()
    person = Person.objects.for_org(org).working().exclude(pk=curator.pk).filter(user__isnull=False).first()

    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{org.slug}/consents/texts/")
    warning = page.get_by_test_id("operator-missing")
    expect(warning).to_contain_text("В согласиях не заполнены реквизиты оператора")
    expect(warning).to_contain_text("ИНН")
    for width, name in ((1366, "consents-texts-requisites-missing"), (390, "consents-texts-requisites-missing-390")):
        page.set_viewport_size({"width": width, "height": 900})
        shot(name)
    page.set_viewport_size({"width": 1366, "height": 900})
    warning.get_by_role("link", name="Заполнить реквизиты").click()

    expect(page.get_by_role("heading", name="Реквизиты оператора персональных данных")).to_be_visible()
    page.get_by_label("Адрес (место нахождения) по ЕГРЮЛ").fill(ADDRESS)
    page.get_by_label("ИНН").fill("33 0000 0008")  # one digit off
    page.get_by_label("ОГРН").fill(OGRN)
    page.get_by_label("Официальный сайт").fill("ds12.example.ru")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#id_inn")).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_text("ИНН не прошёл проверку контрольного числа")).to_be_visible()
    for width, name in ((1366, "consents-operator-error"), (390, "consents-operator-error-390")):
        page.set_viewport_size({"width": width, "height": 900})
        shot(name)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label("ИНН").fill("33 0000 0007")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Реквизиты оператора сохранены")).to_be_visible()
    expect(page.get_by_test_id("operator-missing")).to_have_count(0)

    page.goto(f"{live_server.url}/o/{org.slug}/staff/{person.pk}/consents/")
    section = page.get_by_test_id(f"consent-{Purpose.PUBLICATION}")
    with page.expect_download() as download:
        section.get_by_role("link", name="Скачать PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "consent-publication-e2e.pdf").write_bytes(pdf)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    text = text.replace("\u2010 ", "")
    assert f"ИНН {INN}" in text
    assert f"ОГРН {OGRN}" in text
    assert "официальный сайт: https://ds12.example.ru" in text
    assert ADDRESS in text
    assert person.full_name in text
