"""The three consent forms as a lawyer reads them (issue 15, point 5).

The checklists below are the law written as data: each element 152-ФЗ art. 9 p. 4 requires of a written consent
to processing, and each element art. 10.1 and Роскомнадзор's order № 18 of 24.02.2021 require of a consent to
publication, paired with what must appear in the printed form. They are checked against the text extracted from
the real PDF the curator downloads. What the product does not store (the subject's address, the identity
document) must be a line to fill by hand; so must a requisite the organisation has not filled in.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from people.consents import ensure_consent_texts
from people.forms import OperatorRequisitesForm, OrganizationForm
from people.models import ConsentText, Organization, Purpose
from people.requisites import inn_is_valid, missing_requisites, ogrn_is_valid
from tests.conftest import make_persona
from tests.people.consent_fixtures import give

PD = Purpose.PERSONAL_DATA
PUB = Purpose.PUBLICATION
DUTIES = Purpose.DUTIES
MSK = ZoneInfo("Europe/Moscow")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "consents"

# Fictitious requisites that pass the control digits (region 33, zeros): nobody's real ИНН or ОГРН.
INN = "3300000014"
OGRN = "1033300000018"
LEGAL_ADDRESS = "601480, Владимирская область, г. Верхнеречинск, ул. Первомайская, д. 42"
SITE = "https://school7.example.ru"
BLANK = re.compile(r"_{8,}")

# --- the lawyer's checklists -----------------------------------------------------------------------------------
# Element of the law → a regular expression the extracted text must match. @full_name@ and the like are filled from
# the test's person and organisation.

# The signature, its transcript and the date, as the form prints them for a consent not yet given.
SIGNED = r"«____» _+ 20___ г\. _*/? ?@signature@ \(дата\) \(подпись / расшифровка подписи\)"

ART_9_P4: dict[str, str] = {
    "п. 1: фамилия, имя, отчество субъекта": r"Фамилия, имя, отчество @full_name@",
    "п. 1: адрес субъекта — строка для заполнения": r"Адрес \(регистрации по месту жительства\) _{8,} _{8,}",
    "п. 1: вид документа, удостоверяющего личность": r"Документ, удостоверяющий личность \(вид документа\) _{8,}",
    "п. 1: серия и номер документа": r"серия и номер серия _{8,} № _{8,}",
    "п. 1: сведения о дате выдачи документа": r"дата выдачи _{8,}",
    "п. 1: сведения о выдавшем органе": r"кем выдан _{8,} _{8,}",
    "п. 3: наименование оператора": r"Наименование @org_name@",
    "п. 3: адрес оператора": r"Адрес \(место нахождения\) @legal_address@",
    "п. 4: цель обработки": r"Цель обработки: организация моего участия в системе наставничества",
    "п. 5: перечень персональных данных": r"Перечень персональных данных, на обработку которых даётся согласие: "
    r"фамилия, имя, отчество; должность",
    "п. 6: лицо, обрабатывающее по поручению оператора": r"по поручению оператора другому лицу не поручается",
    "п. 7: перечень действий": r"Перечень действий с персональными данными: сбор, запись, систематизация",
    "п. 7: способы обработки": r"Способы обработки: смешанная обработка — с использованием средств автоматизации",
    "п. 8: срок действия": r"Срок действия согласия: со дня подписания",
    "п. 8: способ отзыва": r"Порядок отзыва: .*вправе в любое время отозвать настоящее согласие письменным заявлением",
    "п. 9: подпись, расшифровка и дата": SIGNED,
}

ART_10_1: dict[str, str] = {
    "ФИО субъекта": r"Фамилия, имя, отчество @full_name@",
    "контактная информация субъекта": r"Контактная информация \(телефон, адрес электронной почты или почтовый адрес\) "
    r"@contacts@",
    "наименование оператора": r"Наименование @org_name@",
    "адрес оператора": r"Адрес \(место нахождения\) @legal_address@",
    "ИНН оператора": rf"ИНН {INN}",
    "ОГРН оператора": rf"ОГРН {OGRN}",
    "адрес информационного ресурса оператора": r"Информационные ресурсы, на которых размещаются персональные данные "
    r"официальный сайт: @site@",
    "цель распространения": r"Цель распространения: информирование педагогического сообщества",
    "категории и перечень данных": r"Категории и перечень персональных данных, разрешённых для распространения: "
    r"персональные данные \(кроме специальных категорий и биометрических\) — фамилия, имя, отчество",
    "специальные категории и биометрия не разрешены": r"Специальные категории персональных данных, биометрические "
    r"персональные данные .* к распространению не разрешаются",
    "условия и запреты (ч. 9 ст. 10.1)": r"Условия и запреты на обработку распространяемых персональных данных "
    r"неограниченным кругом лиц \(часть 9 статьи 10\.1 .*не устанавливаю; .*запрещаю передачу",
    "строки для условий и запретов": r"устанавливаю условия: _{8,} _{8,}",
    "срок действия": r"Срок действия согласия: со дня подписания до дня его отзыва",
    "требование прекратить распространение": r"потребовать прекратить распространение",
    "подпись, расшифровка и дата": SIGNED,
}


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, its whitespace collapsed (pypdf, as an inspector's copy-and-paste would read it)."""
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]
    # Words hyphenated at the end of a line («учре‐ ждение») are read whole.
    return [re.sub("\u2010 ", "", text) for text in pages]


def pdf_text(data: bytes) -> str:
    """The whole text, read across page breaks: the page numbers «1 / 2» between pages are left out."""
    return re.sub(r" \d+ / \d+(?= |$)", "", " ".join(pdf_pages(data)))


def unmet(checklist: dict[str, str], text: str, **values: str) -> list[str]:
    """The elements of the checklist the text does not show."""
    missing = []
    for element, pattern in checklist.items():
        for key, value in values.items():
            pattern = pattern.replace(f"@{key}@", re.escape(value))
        if not re.search(pattern, text):
            missing.append(element)
    return missing


# Words a signature block consists of: what is left on a page once they are taken away is the text.
SIGNATURE_WORDS = re.compile(r"«____»|_+|20___|г\.|\(дата\)|\(подпись / расшифровка подписи\)|/|\d{2}\.\d{2}\.\d{4}")


def text_beside_signature(page_text: str, signature: str, footnote: str = "") -> str:
    """What a page holds besides the signature block, its page number and footnote."""
    rest = page_text.replace(signature, " ").replace(footnote, " ") if footnote else page_text.replace(signature, " ")
    rest = SIGNATURE_WORDS.sub(" ", rest)
    rest = re.sub(r"\b\d+ / \d+\b", " ", rest)  # the page number «2 / 2»
    return " ".join(rest.split())


def signature_alone(data: bytes, signature: str, footnote: str) -> bool:
    """True when the page with the signature holds nothing else: no line of the text it signs."""
    pages = pdf_pages(data)
    page = next(text for text in reversed(pages) if signature in text)
    return len(text_beside_signature(page, signature, footnote).split()) < 12


def render_pngs(data: bytes, name: str, tmp_path: Path) -> list[Path]:
    """Every page as PNG (pdftoppm), kept under test-artifacts/consents to be looked at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    prefix = SHOTS / name
    for old in SHOTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(prefix)], check=True)  # noqa: S603, S607
    return sorted(SHOTS.glob(f"{name}-*.png"))


def url(name: str, org: Organization, *args) -> str:
    return reverse(f"people:{name}", args=[org.slug, *args])


@pytest.fixture
def operator(org) -> Organization:
    org.legal_address, org.inn, org.ogrn, org.site = LEGAL_ADDRESS, INN, OGRN, SITE
    org.save()
    return org


def download(persona, person, purpose: str) -> bytes:
    response = persona.client.get(url("consent_pdf", persona.org, person.pk, purpose))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def values_for(person, org: Organization) -> dict[str, str]:
    return {
        "full_name": person.full_name,
        "org_name": org.full_name,
        "legal_address": org.legal_address,
        "site": org.site,
        "contacts": ", ".join(part for part in (person.phone, person.email) if part),
        "signature": f"{person.name[0]}. {person.patronymic[0]}. {person.surname}",
    }


# --- the checklists against the PDFs ---------------------------------------------------------------------------


def test_the_personal_data_consent_shows_every_element_of_art_9_p_4(curator, mentee, operator, tmp_path):
    data = download(curator, mentee.person, PD)
    text = pdf_text(data)
    assert unmet(ART_9_P4, text, **values_for(mentee.person, operator)) == [], text
    assert "{" not in text
    assert len(render_pngs(data, "personal-data", tmp_path)) >= 1


def test_the_publication_consent_shows_every_element_of_art_10_1(curator, mentee, operator, tmp_path):
    mentee.person.phone, mentee.person.email = "+7 (49234) 2-15-40", "smirnova@school7.example.ru"
    mentee.person.save()
    data = download(curator, mentee.person, PUB)
    text = pdf_text(data)
    assert unmet(ART_10_1, text, **values_for(mentee.person, operator)) == [], text
    # The product's own public page publishes the names too, so the form names it as well.
    assert f"/p/{operator.slug}/" in text
    assert len(render_pngs(data, "publication", tmp_path)) >= 1


def test_the_checklist_catches_a_form_without_the_elements(curator, mentee, operator):
    """The checklist is not a formality: the duties consent (labour law, not 152-ФЗ) meets almost none of it."""
    text = pdf_text(download(curator, mentee.person, DUTIES))
    missing = unmet(ART_9_P4, text, **values_for(mentee.person, operator))
    assert "п. 1: адрес субъекта — строка для заполнения" in missing
    assert "п. 7: способы обработки" in missing
    assert len(missing) > len(ART_9_P4) // 2


def test_the_duties_consent_renders_and_keeps_its_signature(curator, mentee, operator, tmp_path):
    data = download(curator, mentee.person, DUTIES)
    assert "Согласие на возложение дополнительных обязанностей" in pdf_text(data)
    assert len(render_pngs(data, "duties", tmp_path)) >= 1


def test_missing_requisites_are_lines_to_fill_not_gaps(curator, mentee, org):
    org.address = ""
    org.save()
    text = pdf_text(download(curator, mentee.person, PUB))
    for label in ("Адрес (место нахождения)", "ИНН", "ОГРН", "официальный сайт:"):
        assert re.search(re.escape(label) + r" _{8,}", text), label
    # The text's own placeholders for the same requisites leave a line too, never an empty «ИНН ,».
    assert re.search(r"ИНН _{8,}, ОГРН _{8,}", text)


def test_the_operator_address_falls_back_to_the_letterhead_address(curator, mentee, org):
    org.address = "601480, г. Верхнеречинск, ул. Первомайская, д. 42"
    org.save()
    text = pdf_text(download(curator, mentee.person, PD))
    assert "Адрес (место нахождения) 601480, г. Верхнеречинск, ул. Первомайская, д. 42" in text


def test_the_subject_contacts_are_a_line_to_fill_when_not_stored(curator, mentee, operator):
    mentee.person.phone = mentee.person.email = ""
    mentee.person.save()
    text = pdf_text(download(curator, mentee.person, PUB))
    assert re.search(r"или почтовый адрес\) _{8,}", text)


# --- the version's own date ------------------------------------------------------------------------------------


def test_the_form_names_the_date_of_its_version_not_the_day_of_printing(curator, mentee, operator):
    with time_machine.travel(datetime(2025, 8, 20, 23, 30, tzinfo=MSK), tick=False):
        ConsentText.revise(operator, PD, "Согласие на обработку персональных данных", "Я, {ФИО}, согласен.")
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=MSK), tick=False):
        text = pdf_text(download(curator, mentee.person, PD))
    assert "Редакция № 2 от 20.08.2025" in text  # the Moscow day, though it was still the 20th only in Moscow
    assert "версия 2 от 20.08.2025" in text
    assert "02.03.2026" not in text


def test_a_given_consent_prints_its_own_version_and_date_after_a_new_version(curator, mentee, operator):
    with time_machine.travel(datetime(2025, 9, 1, 9, 0, tzinfo=MSK), tick=False):
        version_1 = ConsentText.objects.current(operator, PD)
        give(mentee.person, given_on=date(2025, 9, 1))
    with time_machine.travel(datetime(2026, 1, 15, 9, 0, tzinfo=MSK), tick=False):
        ConsentText.revise(operator, PD, "Согласие (новая редакция)", "Новый текст {ФИО}")
        text = pdf_text(download(curator, mentee.person, PD))
    created = version_1.created_at.astimezone(MSK).strftime("%d.%m.%Y")
    assert f"Редакция № 1 от {created}" in text
    assert "Редакция № 2" not in text and "15.01.2026" not in text


def test_an_organisation_without_stored_texts_prints_a_stored_version_with_a_fixed_date(bare_org):
    with time_machine.travel(datetime(2026, 2, 10, 12, 0, tzinfo=MSK), tick=False):
        curator = make_persona(bare_org, "curator")
        assert not ConsentText.objects.filter(organization=bare_org).exists()
        first = pdf_text(download(curator, curator.person, PD))
    with time_machine.travel(datetime(2026, 4, 1, 12, 0, tzinfo=MSK), tick=False):
        curator.client.force_login(curator.user)  # the session of February has long timed out
        again = pdf_text(download(curator, curator.person, PD))
    assert "Редакция № 1 от 10.02.2026" in first
    assert "Редакция № 1 от 10.02.2026" in again  # printed later, the version keeps its date
    assert ConsentText.objects.filter(organization=bare_org, purpose=PD).count() == 1


# --- the signature never alone on a page -----------------------------------------------------------------------


def long_body(paragraphs: int) -> str:
    line = (
        "Настоящий абзац нужен, чтобы текст согласия занял больше одной страницы и подпись оказалась у самого "
        "края листа: проверяется, что она не уходит на отдельную страницу без текста, который подписывают."
    )
    return "\n\n".join(f"{n}. {line}" for n in range(1, paragraphs + 1)) + "\n\nЯ, {ФИО}, подтверждаю сказанное."


def test_the_signature_helper_sees_a_signature_alone_on_a_page(tmp_path):
    """The helper itself: a PDF whose last page holds only a signature is caught, a normal one is not."""
    from weasyprint import HTML

    signature = "Д. А. Смирнова"
    alone = HTML(
        string=f"<p>Текст согласия.</p><p style='break-before: page'>«____» ____ 20___ г. ____ / {signature}</p>"
        "<p>(дата) (подпись / расшифровка подписи)</p>"
    ).write_pdf()
    together = HTML(
        string="<p>Текст согласия, который подписывают, и ещё несколько слов о сроке действия согласия "
        f"и порядке его отзыва.</p><p>«____» ____ 20___ г. ____ / {signature}</p>"
    ).write_pdf()
    assert signature_alone(alone, signature, footnote="")
    assert not signature_alone(together, signature, footnote="")


@pytest.mark.parametrize("paragraphs", range(6, 11))
def test_the_signature_block_is_never_alone_on_a_page(curator, mentee, operator, paragraphs):
    """Texts of every length around a page break: the last paragraph always goes with the signature."""
    ConsentText.revise(operator, PD, "Согласие на обработку персональных данных", long_body(paragraphs))
    data = download(curator, mentee.person, PD)
    pages = pdf_pages(data)
    signature = values_for(mentee.person, operator)["signature"]
    assert signature in pages[-1]
    assert "подтверждаю сказанное" in pages[-1]
    assert not signature_alone(data, signature, footnote="Текст согласия: версия")


def test_the_default_texts_keep_the_signature_with_text_on_every_form(curator, mentee, operator):
    signature = values_for(mentee.person, operator)["signature"]
    for purpose in Purpose.values:
        data = download(curator, mentee.person, purpose)
        assert not signature_alone(data, signature, footnote="Текст согласия: версия"), purpose


# --- ИНН and ОГРН ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("7707083893", True),  # a well-known organisation's ИНН, as published
        ("500100732259", True),  # the textbook example of a 12-digit ИНН
        (INN, True),
        ("7707083894", False),  # one digit off
        ("500100732258", False),
        ("77070838", False),
        ("770708389a", False),
        ("７７０７０８３８９３", False),  # full-width digits are digits to Python, not to the tax service
    ],
)
def test_inn_control_digits(value, valid):
    assert inn_is_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1027700132195", True),
        (OGRN, True),
        ("1027700132196", False),
        ("102770013219", False),
        ("10277001321 5", False),
    ],
)
def test_ogrn_control_digit(value, valid):
    assert ogrn_is_valid(value) is valid


def requisites_form(org, **changes):
    data = {"legal_address": LEGAL_ADDRESS, "inn": INN, "ogrn": OGRN, "site": SITE, **changes}
    return OperatorRequisitesForm(data, instance=org)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inn", "33000000", "В ИНН 8 цифр, а должно быть 10"),
        ("inn", "3300000015", "ИНН не прошёл проверку контрольного числа"),
        ("inn", "33ОО000014", "ИНН состоит только из цифр"),
        ("inn", "500100732259", "У организации ИНН из 10 цифр"),
        ("ogrn", "103330000001", "В ОГРН 12 цифр, а должно быть 13"),
        ("ogrn", "1033300000019", "ОГРН не прошёл проверку контрольной цифры"),
        ("site", "не адрес", "Введите правильный URL"),
    ],
)
def test_wrong_requisites_are_refused_beside_the_field_in_russian(org, field, value, message):
    form = requisites_form(org, **{field: value})
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]


def test_requisites_typed_with_spaces_are_kept_as_digits(org):
    form = requisites_form(org, inn="33 0000 0014", ogrn="1 03 33 00000018")
    assert form.is_valid(), form.errors
    form.save()
    org.refresh_from_db()
    assert (org.inn, org.ogrn) == (INN, OGRN)
    assert missing_requisites(org) == []


def test_the_organisation_settings_check_the_same_way(org):
    data = {**OrganizationForm(instance=org).initial, "inn": "3300000015", "ogrn": OGRN}
    data = {key: value for key, value in data.items() if value is not None}
    form = OrganizationForm(data, instance=org)
    assert not form.is_valid()
    assert "ИНН не прошёл проверку" in form.errors["inn"][0]


# --- the curator's page ----------------------------------------------------------------------------------------


def test_the_curator_fills_the_requisites_and_the_form_prints_them(curator, mentee, org):
    page = curator.client.get(url("consent_operator", org))
    assert page.status_code == 200
    response = curator.client.post(
        url("consent_operator", org),
        {"legal_address": LEGAL_ADDRESS, "inn": INN, "ogrn": OGRN, "site": "school7.example.ru"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.site == SITE
    text = pdf_text(download(curator, mentee.person, PUB))
    assert f"ИНН {INN}" in text and f"ОГРН {OGRN}" in text and SITE in text


def test_a_wrong_inn_on_the_page_is_shown_beside_the_field_and_nothing_saved(curator, org):
    response = curator.client.post(
        url("consent_operator", org), {"legal_address": LEGAL_ADDRESS, "inn": "3300000015", "ogrn": OGRN, "site": ""}
    )
    assert response.status_code == 200
    assert "ИНН не прошёл проверку контрольного числа" in response.content.decode()
    org.refresh_from_db()
    assert org.inn == ""


def test_the_consent_pages_tell_the_curator_what_to_fill(curator, mentee, org):
    for page in (url("consent_texts", org), url("person_consents", org, mentee.person.pk)):
        html = curator.client.get(page).content.decode()
        assert "В согласиях не заполнены реквизиты оператора" in html, page
        for label in ("ИНН", "ОГРН", "адрес официального сайта"):
            assert label in html
        assert url("consent_operator", org) in html


def test_with_requisites_filled_the_pages_say_nothing(curator, mentee, operator):
    html = curator.client.get(url("consent_texts", operator)).content.decode()
    assert "В согласиях не заполнены реквизиты оператора" not in html


@pytest.mark.parametrize("role", ["head", "mentee", "mentor"])
def test_only_the_curator_and_admin_edit_the_requisites(request, role, org):
    persona = request.getfixturevalue(role)
    assert persona.client.get(url("consent_operator", org)).status_code == 404


def test_an_outsider_gets_404_for_the_requisites(outsider, org):
    assert outsider.client.get(url("consent_operator", org)).status_code == 404
    assert outsider.client.post(url("consent_operator", org), {"inn": INN}).status_code == 404


def test_admin_edits_the_requisites(admin, org):
    data = {"legal_address": "", "inn": INN, "ogrn": "", "site": ""}
    response = admin.client.post(url("consent_operator", org), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.inn == INN


# --- pictures --------------------------------------------------------------------------------------------------


def test_each_consent_page_renders_to_an_a4_picture_with_ink(curator, mentee, operator, tmp_path):
    ensure_consent_texts(operator)
    for purpose in Purpose.values:
        pngs = render_pngs(download(curator, mentee.person, purpose), f"page-{purpose}", tmp_path)
        assert pngs
        for png in pngs:
            with Image.open(png) as image:
                width, height = image.size
                assert abs(height / width - 297 / 210) < 0.01
                dark = sum(image.convert("L").histogram()[:128])
                assert 0.003 < dark / (width * height) < 0.2, png.name


# --- the demo --------------------------------------------------------------------------------------------------


def test_both_demo_organisations_carry_checksum_valid_fictitious_requisites():
    import json

    from config.management.commands.seed_demo import DEMO_FIXTURE, ORG_FIELDS

    assert {"legal_address", "inn", "ogrn", "site"} <= set(ORG_FIELDS)
    organizations = json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))["organizations"]
    assert len(organizations) == 2
    for org in organizations:
        assert inn_is_valid(org["inn"]) and ogrn_is_valid(org["ogrn"]), org["slug"]
        assert org["inn"].startswith("33000000") and org["ogrn"].startswith("10333000000")  # plainly made up
        assert org["legal_address"] and org["site"].endswith(".example.ru")
