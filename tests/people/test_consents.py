"""Consents: versioned texts, registering and withdrawing, scans, the printable form, a teacher's own consents.

Many tests try to break a rule: a duplicate consent, a future date, a program renamed to .pdf, another
organisation's consent, a mentee reaching someone else's consents.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, timedelta
from unittest import mock
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from people.consents import (
    current_texts,
    ensure_consent_texts,
    load_default_texts,
    register_consent,
    render_text,
    validate_scan,
)
from people.models import Consent, ConsentRequired, ConsentText, MenteeEntry, MentorEntry, Person, Purpose, Role
from people.services import withdraw_consent
from tests.factories import PersonFactory
from tests.people.consent_fixtures import (
    exe_bytes,
    give,
    jpeg_bytes,
    mentee_entry,
    pdf_file_bytes,
    png_bytes,
    upload,
)

PD = Purpose.PERSONAL_DATA


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def field_error(html: str, field: str) -> str:
    """The text of the error crispy-forms renders right under the field, or "" when there is none."""
    match = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match[1]).strip() if match else ""


def url(name: str, org, *args) -> str:
    return reverse(f"people:{name}", args=[org.slug, *args])


def register_data(purpose: str = PD, given_on: str = "2026-01-15", scan=None) -> dict:
    data = {"purpose": purpose, "given_on": given_on}
    if scan is not None:
        data["scan"] = scan
    return data


# --- texts -----------------------------------------------------------------------------------------------------


def test_default_texts_are_installed_once_as_version_one(bare_org):
    assert ensure_consent_texts(bare_org) == 3
    assert ensure_consent_texts(bare_org) == 0
    texts = ConsentText.objects.filter(organization=bare_org)
    assert sorted(texts.values_list("purpose", "version")) == sorted((p, 1) for p in Purpose.values)
    assert all(t.created_by is None for t in texts)


def test_default_personal_data_text_says_what_why_how_long_and_how_to_withdraw():
    text = load_default_texts()[PD]["body"]
    for phrase in ("152-ФЗ", "Перечень персональных данных", "Цель обработки", "наставничеств", "Срок", "отозвать"):
        assert phrase in text
    for placeholder in ("{ФИО}", "{должность}", "{организация}", "{адрес организации}"):
        assert placeholder in text


def test_installing_texts_leaves_an_organisations_own_versions_alone(bare_org):
    ensure_consent_texts(bare_org)
    ConsentText.revise(bare_org, PD, "Своё", "Своя редакция {ФИО}")
    assert ensure_consent_texts(bare_org) == 0
    assert current_texts(bare_org)[PD].body == "Своя редакция {ФИО}"


def test_filled_text_escapes_markup_and_leaves_a_line_for_missing_values(org):
    person = PersonFactory(organization=org, surname="<b>Иванова</b>", name="Мария", patronymic="")
    html = render_text("Я, {ФИО}, адрес {адрес организации}, {неизвестно}", {"ФИО": person.full_name})
    assert "&lt;b&gt;Иванова&lt;/b&gt; Мария" in html
    assert "<b>" not in html
    assert '<span class="blank">' in html
    assert "{неизвестно}" in html


def test_curator_sees_the_three_texts_with_their_versions(curator):
    response = curator.client.get(url("consent_texts", curator.org))
    assert response.status_code == 200
    for purpose in Purpose:
        assert purpose.label in response.text
    assert response.text.count("версия 1") == 3


@pytest.mark.parametrize("role", ["head", "admin"])
def test_head_and_admin_see_the_texts(request, role):
    actor = request.getfixturevalue(role)
    assert actor.client.get(url("consent_text", actor.org, PD)).status_code == 200


def test_head_reads_but_cannot_edit_a_text(head):
    assert head.client.get(url("consent_text_edit", head.org, PD)).status_code == 404
    response = head.client.post(url("consent_text_edit", head.org, PD), {"title": "Т", "body": "Б", "base_version": 1})
    assert response.status_code == 404
    assert ConsentText.objects.filter(organization=head.org, purpose=PD).count() == 1


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_teachers_do_not_reach_the_texts_pages(request, role):
    actor = request.getfixturevalue(role)
    assert actor.client.get(url("consent_texts", actor.org)).status_code == 404
    assert actor.client.get(url("consent_text", actor.org, PD)).status_code == 404


def test_unknown_purpose_is_404_not_500(curator):
    assert curator.client.get(url("consent_text", curator.org, "no-such")).status_code == 404
    assert curator.client.get(url("consent_pdf", curator.org, curator.person.pk, "no-such")).status_code == 404


def test_editing_a_text_makes_a_new_version_and_keeps_the_old_one(curator, mentee):
    old = current_texts(curator.org)[PD]
    consent = give(mentee.person, by=curator.user)
    response = curator.client.post(
        url("consent_text_edit", curator.org, PD),
        {"title": "Согласие на обработку ПД", "body": "Я, {ФИО},\r\nсогласен.\r\n", "base_version": old.version},
    )
    assert response.status_code == 302
    new = current_texts(curator.org)[PD]
    assert (new.version, new.body, new.created_by) == (2, "Я, {ФИО},\nсогласен.", curator.user)
    old.refresh_from_db()
    assert old.version == 1 and "152-ФЗ" in old.body
    consent.refresh_from_db()
    assert consent.text == old  # a consent stays with the exact version agreed to
    assert "Сохранена версия 2" in curator.client.get(response.url).text


def test_an_old_version_is_shown_read_only_with_the_history(curator):
    org = curator.org
    ConsentText.revise(org, PD, "Новый заголовок", "Новый текст", user=curator.user)
    page = curator.client.get(url("consent_text_version", org, PD, 1))
    assert page.status_code == 200
    assert "прежняя редакция" in page.text
    assert "<textarea" not in page.text
    assert "Белова Н. С." in page.text  # the author of version 2, in the history
    current = curator.client.get(url("consent_text", org, PD))
    assert "Новый текст" in current.text and "прежняя редакция" not in current.text
    assert curator.client.get(url("consent_text_version", org, PD, 9)).status_code == 404


def test_unknown_placeholder_is_refused_beside_the_text(curator):
    response = curator.client.post(
        url("consent_text_edit", curator.org, PD), {"title": "Т", "body": "Я, {Фамилия}, согласен.", "base_version": 1}
    )
    assert response.status_code == 200
    assert "Неизвестная подстановка: {Фамилия}" in field_error(response.text, "body")
    assert ConsentText.objects.filter(organization=curator.org, purpose=PD).count() == 1


def test_saving_an_unchanged_text_makes_no_version(curator):
    current = current_texts(curator.org)[PD]
    data = {"title": current.title, "body": current.body, "base_version": 1}
    response = curator.client.post(url("consent_text_edit", curator.org, PD), data)
    assert "Текст не изменился" in response.text
    assert ConsentText.objects.filter(organization=curator.org, purpose=PD).count() == 1


def test_edit_based_on_a_superseded_version_is_refused(curator, admin):
    ConsentText.revise(curator.org, PD, "Т2", "Текст администратора", user=admin.user)
    response = curator.client.post(
        url("consent_text_edit", curator.org, PD), {"title": "Т", "body": "Текст куратора", "base_version": 1}
    )
    assert "сохранена версия 2" in response.text
    assert current_texts(curator.org)[PD].body == "Текст администратора"


# --- registering -----------------------------------------------------------------------------------------------


def test_curator_registers_a_consent_with_a_png_scan(curator, mentee):
    person = mentee.person
    scan = upload("Смирнова согласие.png", png_bytes(), "image/png")
    response = curator.client.post(url("consent_register", curator.org, person.pk), register_data(scan=scan))
    assert response.status_code == 302
    consent = Consent.objects.get(person=person, purpose=PD)
    assert consent.given_on == date(2026, 1, 15)
    assert consent.registered_by == curator.user
    assert consent.given_online is False
    assert consent.text == current_texts(curator.org)[PD]
    assert re.fullmatch(rf"consents/{curator.org.pk}/[0-9a-f]{{32}}\.png", consent.scan.name)
    assert consent.scan.storage.exists(consent.scan.name)
    page = curator.client.get(response.url)
    assert "Дано 15.01.2026, версия 1" in page.text
    assert "Зарегистрировал(а) Белова Н. С." in page.text
    assert "Скачать скан" in page.text


def test_registering_a_second_active_consent_is_refused_and_nothing_saved(curator, mentee):
    give(mentee.person)
    response = curator.client.post(url("consent_register", curator.org, mentee.person.pk), register_data())
    assert response.status_code == 200
    assert "уже действует" in field_error(response.text, "purpose")
    assert Consent.objects.filter(person=mentee.person).count() == 1


def test_the_database_refuses_a_second_active_consent_too(mentee):
    first = give(mentee.person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            organization=first.organization, person=mentee.person, purpose=PD, text=first.text, given_on=first.given_on
        )


def test_a_race_past_the_check_is_reported_in_russian_and_leaves_no_file(mentee, media_root):
    give(mentee.person)
    # Make the service's own check see nothing, as if the other request had not committed yet.
    with (
        mock.patch("people.models.consent.ConsentQuerySet.active", lambda qs: qs.none()),
        pytest.raises(ValidationError) as caught,
    ):
        give(mentee.person, scan=upload("s.png", png_bytes()))
    assert caught.value.code == "consent_active"
    assert "уже действует" in caught.value.messages[0]
    assert Consent.objects.filter(person=mentee.person).count() == 1
    assert not list((media_root / "consents").rglob("*.png"))


def test_a_date_in_the_future_is_refused(curator, mentee):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = curator.client.post(
        url("consent_register", curator.org, mentee.person.pk), register_data(given_on=tomorrow)
    )
    assert "не может быть позже сегодняшнего дня" in field_error(response.text, "given_on")
    assert not Consent.objects.exists()
    with pytest.raises(ValidationError):
        register_consent(mentee.person, PD, given_on=timezone.localdate() + timedelta(days=1))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("согласие.pdf", exe_bytes(), "исполняемый файл"),
        ("scan.pdf", "Это просто текст, а не PDF".encode(), "Формат файла не распознан"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "Изображение повреждено"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50, "Изображение повреждено"),
        ("scan.pdf", b"%PDF-1.7\n1 0 obj\n", "PDF-файл повреждён"),
        ("scan.pdf", b"PK\x03\x04" + bytes(100), "архив"),
    ],
)
def test_a_scan_is_checked_by_its_content(curator, mentee, name, data, message):
    response = curator.client.post(
        url("consent_register", curator.org, mentee.person.pk), register_data(scan=upload(name, data))
    )
    assert response.status_code == 200
    assert message in field_error(response.text, "scan")
    assert not Consent.objects.exists()


def test_a_scan_over_five_megabytes_is_refused(curator, mentee):
    big = pdf_file_bytes()
    big = big[:-6] + b" " * (5 * 1024 * 1024) + big[-6:]
    response = curator.client.post(
        url("consent_register", curator.org, mentee.person.pk), register_data(scan=upload("big.pdf", big))
    )
    assert "не больше 5 МБ" in field_error(response.text, "scan")
    assert not Consent.objects.exists()


def test_real_pdf_jpeg_and_png_pass_and_are_stored_by_their_content():
    assert validate_scan(upload("a.pdf", pdf_file_bytes())) == "pdf"
    assert validate_scan(upload("a.jpeg", jpeg_bytes())) == "jpg"
    # A real picture with the wrong name is still a picture; it is kept as the PNG it is.
    assert validate_scan(upload("скан.pdf", png_bytes())) == "png"


def test_a_png_named_pdf_is_stored_as_png(curator, mentee):
    scan = upload("скан.pdf", png_bytes(), "application/pdf")
    curator.client.post(url("consent_register", curator.org, mentee.person.pk), register_data(scan=scan))
    assert Consent.objects.get(person=mentee.person).scan.name.endswith(".png")


def test_head_sees_consents_but_cannot_register_or_withdraw(head, mentee):
    consent = give(mentee.person)
    person_url = url("person_consents", head.org, mentee.person.pk)
    page = head.client.get(person_url)
    assert page.status_code == 200
    assert "Зарегистрировать согласие" not in page.text and "Отозвать" not in page.text
    assert head.client.post(url("consent_register", head.org, mentee.person.pk), register_data()).status_code == 404
    withdraw = url("consent_withdraw", head.org, mentee.person.pk, consent.pk)
    assert head.client.post(withdraw, {"withdrawn_on": "2026-01-20"}).status_code == 404
    consent.refresh_from_db()
    assert consent.is_active


def test_a_mentee_cannot_see_or_register_someone_elses_consents(mentee, mentor):
    other = mentor.person
    assert mentee.client.get(url("person_consents", mentee.org, other.pk)).status_code == 404
    assert mentee.client.get(url("person_consents", mentee.org, mentee.person.pk)).status_code == 404
    assert mentee.client.post(url("consent_register", mentee.org, other.pk), register_data()).status_code == 404
    assert mentee.client.get(url("consent_pdf", mentee.org, other.pk, PD)).status_code == 404
    consent = give(other, scan=upload("s.png", png_bytes()))
    assert mentee.client.get(url("consent_scan", mentee.org, other.pk, consent.pk)).status_code == 404
    assert mentee.client.get(url("my_consent_scan", mentee.org, consent.pk)).status_code == 404
    assert Consent.objects.count() == 1


def test_another_organisations_consent_is_404(curator, outsider):
    foreign = give(outsider.person, scan=upload("s.png", png_bytes()))
    org = curator.org
    # Through one's own organisation's URLs with the foreign ids…
    assert curator.client.get(url("consent_scan", org, outsider.person.pk, foreign.pk)).status_code == 404
    assert curator.client.get(url("person_consents", org, outsider.person.pk)).status_code == 404
    withdraw = url("consent_withdraw", org, outsider.person.pk, foreign.pk)
    assert curator.client.post(withdraw, {"withdrawn_on": "2026-01-20"}).status_code == 404
    # …with an own person but a foreign consent…
    assert curator.client.get(url("consent_scan", org, curator.person.pk, foreign.pk)).status_code == 404
    # …and through the other organisation's URLs.
    other = outsider.org
    assert curator.client.get(url("consent_scan", other, outsider.person.pk, foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_registering_for_a_person_whose_data_was_destroyed_is_refused(curator, mentee):
    mentee.person.anonymize()
    response = curator.client.post(url("consent_register", curator.org, mentee.person.pk), register_data())
    assert response.status_code == 302
    assert not Consent.objects.exists()
    with pytest.raises(ValidationError):
        give(mentee.person)


# --- withdrawing -----------------------------------------------------------------------------------------------


def test_curator_withdraws_a_consent_with_a_date(curator, mentee):
    consent = give(mentee.person, given_on=date(2025, 9, 1))
    withdraw = url("consent_withdraw", curator.org, mentee.person.pk, consent.pk)
    confirm = curator.client.get(withdraw)
    assert confirm.status_code == 200
    assert "исключён из банков" in confirm.text
    consent.refresh_from_db()
    assert consent.is_active  # GET only asks
    response = curator.client.post(withdraw, {"withdrawn_on": "2026-01-20"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawn_by) == (date(2026, 1, 20), curator.user)
    page = curator.client.get(response.url)
    assert "Отозвано 20.01.2026" in page.text
    assert "Согласие отозвано." in page.text


@pytest.mark.parametrize(
    ("when", "message"),
    [
        # A function of today, called while the test runs: a date computed at collection would be read off the
        # real clock, not the one the suite runs on (TEST_TODAY).
        (lambda today: "2025-08-31", "раньше даты согласия"),
        (lambda today: (today + timedelta(days=3)).isoformat(), "позже сегодняшнего"),
    ],
    ids=["before-the-consent", "in-three-days"],
)
def test_a_withdrawal_date_before_the_consent_or_in_the_future_is_refused(curator, mentee, when, message):
    consent = give(mentee.person, given_on=date(2025, 9, 1))
    response = curator.client.post(
        url("consent_withdraw", curator.org, mentee.person.pk, consent.pk),
        {"withdrawn_on": when(timezone.localdate())},
    )
    assert response.status_code == 200
    assert message in field_error(response.text, "withdrawn_on")
    consent.refresh_from_db()
    assert consent.is_active


def test_the_model_refuses_a_withdrawal_in_the_future(mentee):
    consent = give(mentee.person)
    with pytest.raises(ValidationError):
        consent.withdraw(on=timezone.localdate() + timedelta(days=1))


def test_after_withdrawal_a_new_consent_can_be_registered_and_history_kept(curator, mentee):
    first = give(mentee.person, given_on=date(2025, 9, 1))
    withdraw_consent(first, on=date(2025, 12, 1))
    response = curator.client.post(url("consent_register", curator.org, mentee.person.pk), register_data())
    assert response.status_code == 302
    assert Consent.objects.filter(person=mentee.person).count() == 2
    page = curator.client.get(response.url).text
    assert "Ранее" in page and "отозвано 01.12.2025" in page


# --- the rules of the banks ------------------------------------------------------------------------------------


def test_a_bank_entry_cannot_be_saved_without_personal_data_consent(mentee, mentor):
    with pytest.raises(ConsentRequired):
        mentee_entry(mentee.person)
    with pytest.raises(ConsentRequired):
        MentorEntry.objects.create(organization=mentor.org, person=mentor.person)
    give(mentee.person, Purpose.DUTIES)  # the duties consent is not the one a bank needs
    with pytest.raises(ConsentRequired):
        mentee_entry(mentee.person)
    assert not MenteeEntry.objects.exists() and not MentorEntry.objects.exists()


def test_withdrawal_takes_the_person_out_of_both_banks_at_once(curator, mentee):
    consent = give(mentee.person)
    entry = mentee_entry(mentee.person)
    mentor_entry = MentorEntry.objects.create(organization=mentee.org, person=mentee.person)
    curator.client.post(
        url("consent_withdraw", curator.org, mentee.person.pk, consent.pk),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    entry.refresh_from_db()
    mentor_entry.refresh_from_db()
    assert entry.status == MenteeEntry.Status.LEFT
    assert mentor_entry.status == MentorEntry.Status.RELEASED
    assert not MenteeEntry.objects.for_org(curator.org).in_bank().exists()
    assert not MentorEntry.objects.for_org(curator.org).in_bank().exists()


def test_after_withdrawal_an_entry_cannot_be_reopened_without_a_new_consent(mentee):
    consent = give(mentee.person)
    entry = mentee_entry(mentee.person)
    withdraw_consent(consent)
    entry.refresh_from_db()
    entry.status = MenteeEntry.Status.WAITING  # straight past change_status and its transitions
    with pytest.raises(ConsentRequired):
        entry.save()
    with pytest.raises(ConsentRequired):
        mentee_entry(mentee.person)
    give(mentee.person, given_on=timezone.localdate())
    assert mentee_entry(mentee.person).status == MenteeEntry.Status.WAITING


def test_withdrawing_the_duties_consent_leaves_the_banks_alone(mentee):
    give(mentee.person)
    duties = give(mentee.person, Purpose.DUTIES)
    entry = mentee_entry(mentee.person)
    withdraw_consent(duties)
    entry.refresh_from_db()
    assert entry.status == MenteeEntry.Status.WAITING


# --- downloads -------------------------------------------------------------------------------------------------


def test_a_scan_is_served_with_access_checks_and_a_neutral_name(curator, head, mentee):
    data = png_bytes()
    consent = give(mentee.person, scan=upload("Смирнова.png", data))
    scan_url = url("consent_scan", curator.org, mentee.person.pk, consent.pk)
    assert "Смирнова" not in unquote(scan_url) and "/media/" not in scan_url
    for actor in (curator, head):
        response = actor.client.get(scan_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "Согласие — обработка ПД.png" in unquote(disposition)
    assert "Смирнова" not in unquote(disposition)
    assert "no-store" in response["Cache-Control"]


def test_a_consent_without_scan_or_with_a_lost_file_gives_404(curator, mentee):
    consent = give(mentee.person)
    assert curator.client.get(url("consent_scan", curator.org, mentee.person.pk, consent.pk)).status_code == 404
    with_scan = give(mentee.person, Purpose.DUTIES, scan=upload("a.png", png_bytes()))
    with_scan.scan.storage.delete(with_scan.scan.name)
    assert curator.client.get(url("consent_scan", curator.org, mentee.person.pk, with_scan.pk)).status_code == 404


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_the_printable_form_is_a_pdf_with_the_name_the_title_and_the_organisation(curator, mentee):
    response = curator.client.get(url("consent_pdf", curator.org, mentee.person.pk, PD))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "Согласие — обработка ПД.pdf" in unquote(response["Content-Disposition"])
    text = pdf_text(response.content)
    assert "Смирнова Дарья Андреевна" in text
    assert "Согласие на обработку персональных данных" in text
    assert "Средняя общеобразовательная школа № 1" in text
    assert "«Учитель физики»" in text
    assert "Д. А. Смирнова" in text  # under the signature line
    assert "версия 1" in text
    assert "«____»" in text  # no consent yet: the date is left to fill in by hand
    assert "{ФИО}" not in text


def test_the_printable_form_of_a_given_consent_carries_its_version_and_date(curator, mentee):
    give(mentee.person, given_on=date(2025, 9, 1))
    ConsentText.revise(curator.org, PD, "Согласие (новая редакция)", "Новый текст {ФИО}", user=curator.user)
    text = pdf_text(curator.client.get(url("consent_pdf", curator.org, mentee.person.pk, PD)).content)
    assert "01.09.2025" in text and "версия 1" in text
    assert "новая редакция" not in text
    duties = pdf_text(curator.client.get(url("consent_pdf", curator.org, mentee.person.pk, Purpose.DUTIES)).content)
    assert "Согласие на возложение дополнительных обязанностей" in duties


def test_the_printable_form_renders_to_an_image(curator, mentee, tmp_path):
    pdf = tmp_path / "consent.pdf"
    pdf.write_bytes(curator.client.get(url("consent_pdf", curator.org, mentee.person.pk, PD)).content)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp_path / "page")], check=True)  # noqa: S603, S607
    png = tmp_path / "page-1.png"
    assert png.exists() and png.stat().st_size > 20_000
    with Image.open(png) as image:
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.01  # A4
        # Mostly white paper with some ink on it.
        dark = sum(image.convert("L").histogram()[:128])
        assert 0.005 < dark / (width * height) < 0.2


def test_an_outsider_cannot_print_a_form(outsider, mentee):
    assert outsider.client.get(url("consent_pdf", mentee.org, mentee.person.pk, PD)).status_code == 404


# --- one's own consents ----------------------------------------------------------------------------------------


def my_give(persona, purpose: str = PD, **data):
    payload = {f"{purpose}-agree": "on", f"{purpose}-version": current_texts(persona.org)[purpose].version, **data}
    return persona.client.post(url("my_consent_give", persona.org, purpose), payload)


def test_a_teacher_reads_the_text_filled_with_their_own_data(mentee, mentor):
    page = mentee.client.get(url("my_consents", mentee.org))
    assert page.status_code == 200
    assert "Смирнова Дарья Андреевна" in page.text
    assert "Фролова" not in page.text
    assert "Я ознакомлен(а) с текстом согласия и согласен(на)" in page.text


def test_a_teacher_gives_a_consent_online(mentee):
    response = my_give(mentee)
    assert response.status_code == 302
    consent = Consent.objects.get(person=mentee.person, purpose=PD)
    assert consent.given_online is True
    assert consent.registered_by == mentee.user
    assert consent.given_on == timezone.localdate()
    page = mentee.client.get(response.url).text
    assert "Вы дали это согласие" in page and "в личном кабинете" in page


def test_an_online_consent_needs_the_tick(mentee):
    response = mentee.client.post(url("my_consent_give", mentee.org, PD), {f"{PD}-version": 1})
    assert response.status_code == 400
    assert "Отметьте, что вы прочитали текст" in field_error(response.text, f"{PD}-agree")
    assert not Consent.objects.exists()


def test_an_online_consent_to_a_text_changed_meanwhile_is_refused(mentee, curator):
    ConsentText.revise(mentee.org, PD, "Т", "Новая редакция", user=curator.user)
    response = mentee.client.post(url("my_consent_give", mentee.org, PD), {f"{PD}-agree": "on", f"{PD}-version": 1})
    assert response.status_code == 400
    assert "Текст согласия изменился" in response.text
    assert not Consent.objects.exists()


def test_giving_an_online_consent_twice_is_refused(mentee):
    my_give(mentee)
    response = my_give(mentee)
    assert response.status_code == 302
    assert "уже действует" in mentee.client.get(response.url).text
    assert Consent.objects.count() == 1


def test_my_consents_is_only_get_and_post_for_oneself(mentee, mentor):
    give(mentor.person)
    my_give(mentee)
    assert Consent.objects.filter(person=mentor.person, given_online=True).count() == 0
    assert mentee.client.get(url("my_consent_give", mentee.org, PD)).status_code == 405


def test_a_teacher_withdraws_their_own_consent_and_leaves_the_bank(mentee):
    my_give(mentee)
    entry = mentee_entry(mentee.person)
    page = mentee.client.get(url("my_consents", mentee.org)).text
    assert "исключены из банков наставляемых и наставников" in page
    response = mentee.client.post(url("my_consent_withdraw", mentee.org, PD))
    assert response.status_code == 302
    consent = Consent.objects.get(person=mentee.person)
    assert consent.withdrawn_on == timezone.localdate() and consent.withdrawn_by == mentee.user
    entry.refresh_from_db()
    assert entry.status == MenteeEntry.Status.LEFT
    again = mentee.client.post(url("my_consent_withdraw", mentee.org, PD), follow=True)
    assert "отзывать нечего" in again.text


def test_a_teacher_downloads_their_own_pdf_and_scan(mentee):
    consent = give(mentee.person, scan=upload("a.jpg", jpeg_bytes()))
    pdf = mentee.client.get(url("my_consent_pdf", mentee.org, PD))
    assert pdf.status_code == 200 and "Смирнова Дарья Андреевна" in pdf_text(pdf.content)
    scan = mentee.client.get(url("my_consent_scan", mentee.org, consent.pk))
    assert scan.status_code == 200 and scan["Content-Type"] == "image/jpeg"


def test_the_person_card_links_to_consents_for_managers_and_to_ones_own(curator, mentee):
    card = curator.client.get(mentee.person.get_absolute_url()).text
    assert url("person_consents", curator.org, mentee.person.pk) in card
    own = mentee.client.get(mentee.person.get_absolute_url()).text
    assert url("my_consents", mentee.org) in own
    assert url("person_consents", mentee.org, mentee.person.pk) not in own


# --- purge log page and query counts ---------------------------------------------------------------------------


def test_purge_log_is_for_admin_and_head(admin, head, curator, mentee):
    log = url("purge_log", admin.org)
    assert admin.client.get(log).status_code == 200
    assert head.client.get(log).status_code == 200
    assert curator.client.get(log).status_code == 404
    assert mentee.client.get(log).status_code == 404
    assert "ещё не уничтожались" in admin.client.get(log).text


def queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_a_persons_consents_page_costs_the_same_with_a_long_history(curator, mentee):
    person = mentee.person
    page = url("person_consents", curator.org, person.pk)
    registrars = [PersonFactory(organization=curator.org, with_account=True).user for _ in range(3)]

    def grow(count: int) -> None:
        for n in range(count):
            purpose = Purpose.values[n % 3]
            consent = give(person, purpose, given_on=date(2020, 1, 1), by=registrars[n % 3])
            withdraw_consent(consent, by=registrars[(n + 1) % 3], on=date(2020, 1, 2))

    grow(5)
    small = queries(curator.client, page)
    grow(45)
    large = queries(curator.client, page)
    assert small == large <= 12


def test_texts_pages_cost_the_same_with_many_versions(curator):
    pages = [url("consent_texts", curator.org), url("consent_text", curator.org, PD)]
    authors = [curator.user, PersonFactory(organization=curator.org, with_account=True).user]

    def grow(count: int) -> None:
        for n in range(count):
            ConsentText.revise(curator.org, PD, f"Т{n}", f"Текст {n}", user=authors[n % 2])

    grow(4)
    small = [queries(curator.client, p) for p in pages]
    grow(56)
    large = [queries(curator.client, p) for p in pages]
    assert small == large
    assert curator.client.get(pages[1]).context["page"].paginator.count == 61  # the default and 60 revisions


def test_my_consents_page_costs_the_same_with_a_long_history(mentee):
    page = url("my_consents", mentee.org)
    my_give(mentee)
    small = queries(mentee.client, page)
    for _ in range(20):
        consent = Consent.objects.active().get(person=mentee.person, purpose=PD)
        withdraw_consent(consent, by=mentee.user)
        give(mentee.person, given_on=timezone.localdate(), by=mentee.user)
    assert queries(mentee.client, page) == small


def test_consents_of_a_person_outside_the_roles_do_not_leak_into_the_page(curator, mentee):
    stranger = PersonFactory(organization=curator.org, roles=[Role.Kind.MENTOR], surname="Чужова")
    give(stranger, scan=upload("x.png", png_bytes()))
    page = curator.client.get(url("person_consents", curator.org, mentee.person.pk)).text
    assert "Чужова" not in page
    assert page.count("нет согласия") == 3
    assert Person.objects.filter(pk=stranger.pk).exists()


def test_documents_read_static_files_from_disk_and_fetch_nothing_else():
    from core.pdf import StaticFilesFetcher, static_file

    css = static_file("http://testserver/static/css/app.css")
    assert css is not None and css.name == "app.css" and css.is_file()
    assert static_file("http://testserver/static/../mentoring/settings.py") is None
    assert static_file("http://testserver/media/consents/1/x.png") is None
    fetcher = StaticFilesFetcher()
    assert b".page-title" in fetcher.fetch("http://testserver/static/css/app.css").read()
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/tracker.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
