"""Approval as a simple electronic signature (issue 15, point 4): the one-time code, the signature record, the
signed PDF/A with its mark and QR code, and the public verification page."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from core import bounds
from core.qr import qr_svg_data_uri
from people import second_factor
from people.models import Organization
from roadmap import signing
from roadmap.models import Order, OrderSignature, SignatureImmutable
from roadmap.services import approve_order
from tests.roadmap.approval_fixtures import make_order

pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.time_machine("2026-12-03 10:00 +03:00")]

PDFFONTS = shutil.which("pdffonts")


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.fixture
def coded(org):
    org.approval_code = True
    org.save(update_fields=["approval_code"])
    return org


@pytest.fixture
def device(head) -> TOTPDevice:
    return TOTPDevice.objects.create(user=head.user, name=second_factor.AUTHENTICATOR_NAME, confirmed=True)


def approve(client: Client, order: Order, code: str = "", **extra):
    url = reverse("roadmap:order_approve", args=[order.organization.slug, order.pk])
    return client.post(url, {"seen": order.frozen_sha256, "code": code, **extra})


def test_a_new_organisation_asks_for_the_code_and_the_factories_do_not():
    assert Organization._meta.get_field("approval_code").default is True
    assert Organization().approval_code is True


def test_the_service_refuses_without_a_confirmation_where_the_code_is_asked(coded, head, curator):
    order = make_order(coded, author=curator.user)
    with pytest.raises(ValidationError, match="одноразовым кодом"):
        approve_order(order, by=head.user)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and not OrderSignature.objects.exists()


def test_a_wrong_code_approves_nothing_and_says_so_beside_the_field(coded, head, curator, device):
    order = make_order(coded, author=curator.user)
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = approve(head.client, order, wrong)

    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(r'id="code-error"[^>]*>([^<]+)<', page)
    assert error and "Код не подошёл" in error.group(1)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.reg_number == ""
    assert not OrderSignature.objects.exists()


def test_an_empty_code_is_asked_for(coded, head, curator, device):
    order = make_order(coded, author=curator.user)
    response = approve(head.client, order, "")
    assert "Введите шестизначный код" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_the_right_code_approves_and_signs_with_the_authenticator(coded, head, curator, device):
    order = make_order(coded, author=curator.user)

    response = approve(head.client, order, code_of(device))

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED
    signature = order.signature
    assert signature.method == OrderSignature.Method.TOTP
    assert signature.key_id == second_factor.key_identifier(device)
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", signature.key_id)
    assert (signature.signer_name, signature.position) == ("Сорокина Анна Павловна", "Директор")
    assert signature.document_sha256 == order.pdf_sha256 == hashlib.sha256(order.pdf.read()).hexdigest()
    assert signature.signer == head.user


def test_the_same_code_cannot_sign_twice(coded, head, curator, device):
    first, second = make_order(coded, author=curator.user), make_order(coded, author=curator.user)
    code = code_of(device)
    assert approve(head.client, first, code).status_code == 302
    response = approve(head.client, second, code)
    assert "Код не подошёл" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Order.Status.SUBMITTED


def test_the_email_code_goes_to_the_head_and_signs_for_ten_minutes(coded, head, curator, time_machine):
    head.person.email = "sorokina@school1.example"
    head.person.save(update_fields=["email"])
    order = make_order(coded, author=curator.user)

    url = reverse("roadmap:order_approval_code", args=[coded.slug, order.pk])
    assert head.client.post(url).status_code == 302
    assert [m.to for m in mail.outbox] == [["sorokina@school1.example"]]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    assert "10 минут" in mail.outbox[0].body

    time_machine.shift(timedelta(minutes=9))
    assert approve(head.client, order, code).status_code == 302
    order.refresh_from_db()
    assert order.signature.method == OrderSignature.Method.EMAIL


def test_an_email_code_expires_after_ten_minutes(coded, head, curator, time_machine):
    head.person.email = "sorokina@school1.example"
    head.person.save(update_fields=["email"])
    order = make_order(coded, author=curator.user)
    head.client.post(reverse("roadmap:order_approval_code", args=[coded.slug, order.pk]))
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)

    time_machine.shift(timedelta(minutes=11))
    response = approve(head.client, order, code)

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_wrong_codes_in_a_row_lock_even_the_right_one_for_a_while(coded, head, curator, device, time_machine):
    order = make_order(coded, author=curator.user)
    for wrong in ("000000", "111111", "222222"):
        if wrong != code_of(device):
            approve(head.client, order, wrong)

    response = approve(head.client, order, code_of(device))
    assert "Слишком много неверных кодов" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED

    time_machine.shift(timedelta(seconds=35))  # past the lock (4 s after three failures) and into a new code
    assert approve(head.client, order, code_of(device)).status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED


def test_without_the_code_the_login_signs(org, head, curator):
    order = approve_order(make_order(org, author=curator.user), by=head.user)
    signature = OrderSignature.objects.get(order=order)
    assert signature.method == OrderSignature.Method.NONE
    assert signature.key_id == second_factor.without_code(head.user).key_id


def test_a_signature_is_never_changed_or_removed(org, head, curator):
    order = approve_order(make_order(org, author=curator.user), by=head.user)
    signature = OrderSignature.objects.get(order=order)
    signature.signer_name = "Другой Человек"
    with pytest.raises(SignatureImmutable):
        signature.save()
    with pytest.raises(SignatureImmutable):
        OrderSignature.objects.filter(pk=signature.pk).update(document_sha256="0" * 64)
    with pytest.raises(SignatureImmutable):
        signature.delete()
    with pytest.raises(SignatureImmutable):
        OrderSignature.objects.filter(pk=signature.pk).delete()
    assert OrderSignature.objects.get(pk=signature.pk).signer_name == "Сорокина Анна Павловна"


@pytest.fixture
def signed(coded, head, curator, device, settings) -> Order:
    settings.SITE_URL = "https://nastavnik.example.ru"
    order = make_order(coded, author=curator.user)
    approve(head.client, order, code_of(device))
    order.refresh_from_db()
    return order


def pdf_text(order: Order) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(order.pdf.path).pages)


def test_the_pdf_carries_the_mark_and_the_verification_address(signed):
    text = " ".join(pdf_text(signed).split())
    signature = signed.signature
    assert "Документ подписан простой электронной подписью" in text
    assert "Владелец: Сорокина Анна Павловна" in text
    assert "Должность: Директор" in text
    assert f"Дата и время: {signature.signed_at:%d.%m.%Y}" in text
    assert f"Ключ: {signature.key_id}" in text
    url = f"https://nastavnik.example.ru/verify/{signature.token}/"
    assert url in text.replace(" ", "") or url in pdf_text(signed).replace("\n", "")
    assert signing.verification_url(signature.token) == url


def test_the_qr_code_encodes_the_verification_address(signed):
    esign = signing.mark(owner="x", position="y", signed_at=signed.signature.signed_at, key_id="k", token="t")
    assert esign["qr"] == qr_svg_data_uri(signing.verification_url("t"))
    # The PDF draws the QR as vector paths: it has more drawing than an order without a mark would.
    reader = PdfReader(signed.pdf.path)
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert content.count(b" re") + content.count(b" l\n") > 50


def test_the_stored_pdf_is_pdfa_3b_with_the_source_data_and_fonts_embedded(signed):
    reader = PdfReader(signed.pdf.path)
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[=>\"]+3", raw) and re.search(r"pdfaid:conformance[=>\"]+B", raw)
    attachments = reader.attachments
    name = f"order-{signed.year}-{signed.number}.json"
    assert list(attachments) == [name]
    data = attachments[name][0].decode()
    assert f'"номер": "{signed.reg_number}"' in data and signed.heading in data
    if PDFFONTS:
        fonts = subprocess.run([PDFFONTS, signed.pdf.path], capture_output=True, text=True, check=True).stdout  # noqa: S603
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts


def test_the_verification_page_is_open_without_login_and_shows_only_the_requisites(signed, curator):
    page = Client().get(reverse("verify", args=[signed.signature.token]))
    assert page.status_code == 200
    text = page.content.decode()
    assert signed.reg_number in text and f"{signed.date:%d.%m.%Y}" in text
    assert signed.get_kind_display() in text and signed.organization.short_name in text
    assert signed.signature.document_sha256 in text
    # Nothing the printed order does not show, and not even the signer's name: no items, no author.
    for hidden in ("Утвердить прилагаемый состав", curator.person.surname, "Сорокина"):
        assert hidden not in text


def test_an_unknown_token_is_not_found():
    assert Client().get(reverse("verify", args=["no-such-token"])).status_code == 404


def test_the_registered_pdf_is_genuine_and_a_changed_copy_is_not(signed):
    url = reverse("verify", args=[signed.signature.token])
    data = signed.pdf.read()

    genuine = Client().post(url, {"document": SimpleUploadedFile("prikaz.pdf", data, "application/pdf")})
    assert "Документ подлинный" in genuine.content.decode()

    middle = len(data) // 2
    changed = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
    refused = Client().post(url, {"document": SimpleUploadedFile("prikaz.pdf", changed, "application/pdf")})
    text = refused.content.decode()
    assert "не совпадает с зарегистрированным" in text and "Документ подлинный" not in text
    assert hashlib.sha256(changed).hexdigest() in text


def test_an_oversized_upload_is_refused_beside_the_field(signed, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_VERIFY_UPLOAD", 1024)
    url = reverse("verify", args=[signed.signature.token])
    response = Client().post(url, {"document": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096)})
    assert response.status_code == 200
    assert re.search(r'id="document-error"[^>]*>Файл больше', response.content.decode())
    assert Client().post(url, {}).status_code == 200


def test_another_organisations_token_shows_its_own_requisites_and_nothing_of_ours(signed, other_org, outsider):
    theirs = approve_order(make_order(other_org, author=outsider.user, heading="О методическом дне"), by=outsider.user)
    their_page = outsider.client.get(reverse("verify", args=[theirs.signature.token])).content.decode()
    our_page_for_them = outsider.client.get(reverse("verify", args=[signed.signature.token])).content.decode()
    anonymous = Client().get(reverse("verify", args=[signed.signature.token])).content.decode()

    assert other_org.short_name in their_page and signed.organization.short_name not in their_page
    assert signed.signature.document_sha256 not in their_page
    # Signed in elsewhere, one sees our page exactly as an anonymous visitor does: the public requisites only.
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", our_page_for_them) == strip.sub("", anonymous)
    assert other_org.short_name not in our_page_for_them


def test_the_order_page_links_to_the_verification_page(signed, head):
    page = head.client.get(reverse("roadmap:order", args=[signed.organization.slug, signed.pk])).content.decode()
    assert reverse("verify", args=[signed.signature.token]) in page


# --- the authenticator page ----------------------------------------------------------------------------------


def test_connecting_an_authenticator_with_a_qr_code_and_a_confirming_code(org, head):
    url = reverse("people:authenticator", args=[org.slug])
    page = head.client.get(url).content.decode()
    assert "<svg" in page and 'data-testid="authenticator-secret"' in page
    assert not TOTPDevice.objects.exists()  # a GET stores nothing; the secret waits in the session
    secret = re.search(r'data-testid="authenticator-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = second_factor.unsaved_authenticator(head.user, base64.b32decode(secret).hex())

    wrong = head.client.post(url, {"code": "12345"}).content.decode()
    assert "шесть цифр" in wrong and 'class="invalid-feedback"' in wrong
    assert not TOTPDevice.objects.filter(confirmed=True).exists()

    assert head.client.post(url, {"code": code_of(device)}).status_code == 302
    confirmed = second_factor.authenticator(head.user)
    assert confirmed is not None and confirmed.key == device.key
    assert TOTPDevice.objects.filter(user=head.user).count() == 1
    assert "Приложение подключено" in head.client.get(url).content.decode()


def test_the_authenticator_page_needs_a_login():
    response = Client().get("/o/school-1/authenticator/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_qr_on_the_authenticator_page_is_the_otpauth_address(org, head):
    page = head.client.get(reverse("people:authenticator", args=[org.slug])).content.decode()
    secret = re.search(r'data-testid="authenticator-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = second_factor.unsaved_authenticator(head.user, base64.b32decode(secret).hex())
    assert device.config_url.startswith("otpauth://totp/")
    assert "secret=" + secret in device.config_url
    # The same secret on a second look: the page keeps it in the session until it is confirmed.
    again = head.client.get(reverse("people:authenticator", args=[org.slug])).content.decode()
    assert secret in again.replace(" ", "")
