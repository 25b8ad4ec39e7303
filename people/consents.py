"""Consents in practice: the default texts every organisation starts with, filling a text in for a person,
registering a consent, and checking an uploaded scan by its content.

State changes go through `register_consent` here and `people.services.withdraw_consent`; views and forms only
collect the input.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.ru import ru_plural
from core.text import initials_first
from core.uploads import (
    EXECUTABLE_MAGIC,
    JPEG_MAGIC,
    OTHER_ARCHIVE_MAGIC,
    PNG_MAGIC,
    ZIP_MAGIC,
    head_and_tail,
    image_is_sound,
    megabytes,
    pdf_has_active_content,
)
from people import personal_data
from people.changes import organization_changed
from people.models import Consent, ConsentText, Organization, Person, Purpose
from people.requisites import operator_address

CONSENT_TEXTS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "consent_texts.json"

# What a text may contain in braces, and what each stands for. The printed form fills them in.
PLACEHOLDERS: dict[str, str] = {
    "ФИО": "фамилия, имя и отчество работника",
    "должность": "должность работника",
    "организация": "полное наименование организации",
    "адрес организации": "адрес (место нахождения) организации",
    "ИНН": "ИНН организации",
    "ОГРН": "ОГРН организации",
    "сайт": "адрес официального сайта организации",
}
PLACEHOLDER_RE = re.compile(r"\{([^{}\n]{1,60})\}")
# A line left for handwriting where a value is unknown (an organisation without an address, say).
BLANK = "_" * 24

# Neutral names for downloaded files: what the document is, never whose it is.
FILE_TITLES: dict[str, str] = {
    Purpose.PERSONAL_DATA: "Согласие — обработка ПД",
    Purpose.DUTIES: "Согласие — обязанности наставничества",
    Purpose.PUBLICATION: "Согласие — публикация на сайте",
}

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


# --- texts -----------------------------------------------------------------------------------------------------


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces the printed form would not know how to fill, in order of appearance."""
    seen: list[str] = []
    for name in PLACEHOLDER_RE.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def load_default_texts(path: Path = CONSENT_TEXTS_FIXTURE) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if set(data) != set(Purpose.values):
        raise ValueError(f"{path.name}: expected texts for {sorted(Purpose.values)}, got {sorted(data)}")
    for purpose, text in data.items():
        if not text.get("title", "").strip() or not text.get("body", "").strip():
            raise ValueError(f"{path.name}: {purpose} needs a title and a body")
        if unknown := unknown_placeholders(text["body"]):
            raise ValueError(f"{path.name}: {purpose} uses unknown placeholders {unknown}")
    return data


def ensure_consent_texts(org: Organization, path: Path = CONSENT_TEXTS_FIXTURE) -> int:
    """Install the default text as version 1 of every purpose the organisation has no text for yet.

    Idempotent: an organisation's own versions are never touched, and two callers installing at once end with
    one version 1 (the loser's insert is dropped). Returns how many texts were installed.
    """
    existing = set(ConsentText.objects.filter(organization=org).values_list("purpose", flat=True).distinct())
    missing = [purpose for purpose in Purpose.values if purpose not in existing]
    if not missing:
        return 0
    defaults = load_default_texts(path)
    installed = 0
    for purpose in missing:
        try:
            with transaction.atomic():
                ConsentText.objects.create(
                    organization=org,
                    purpose=purpose,
                    version=1,
                    title=defaults[purpose]["title"],
                    body=defaults[purpose]["body"],
                )
        except IntegrityError:
            continue  # installed by a concurrent request a moment ago
        installed += 1
    return installed


def current_texts(org: Organization) -> dict[str, ConsentText]:
    """The current version of each purpose's text, by purpose; reads only.

    One query, whatever the number of versions. A purpose the organisation has no text for (one created outside
    the admin and not yet set up) gets the default text as an unsaved version 1, so every page can show it;
    registering a consent to it installs it (`register_consent`).
    """
    latest = (
        ConsentText.objects.filter(organization=OuterRef("organization"), purpose=OuterRef("purpose"))
        .order_by("-version")
        .values("version")[:1]
    )
    qs = ConsentText.objects.filter(organization=org, version=Subquery(latest)).select_related("created_by")
    texts = {text.purpose: text for text in qs}
    if len(texts) < len(Purpose.values):
        defaults = load_default_texts()
        for purpose in Purpose.values:
            if purpose not in texts:
                texts[purpose] = ConsentText(
                    organization=org,
                    purpose=purpose,
                    version=1,
                    title=defaults[purpose]["title"],
                    body=defaults[purpose]["body"],
                )
    return texts


def _saved(text: ConsentText) -> ConsentText:
    """The stored row of a default text shown unsaved: installed now if it is still missing.

    Refused if the organisation stored a different version 1 in the meantime — the person agreed to what they saw.
    """
    ensure_consent_texts(text.organization)
    stored = ConsentText.objects.get(organization=text.organization, purpose=text.purpose, version=text.version)
    if (stored.title, stored.body) != (text.title, text.body):
        raise ValidationError(
            "Текст согласия изменился, пока вы его читали. Прочитайте новую редакцию и подтвердите согласие."
        )
    return stored


def fill_values(org: Organization, person: Person) -> dict[str, str]:
    return {
        "ФИО": person.full_name,
        "должность": person.position,
        "организация": org.full_name,
        "адрес организации": operator_address(org),
        "ИНН": org.inn,
        "ОГРН": org.ogrn,
        "сайт": org.site,
    }


def render_text(body: str, values: dict[str, str] | None = None) -> SafeString:
    """The text as HTML paragraphs, one per line, with the placeholders filled in.

    Without `values` the placeholders are shown as marked names (the editor's view); a value that is empty
    becomes a line to fill by hand. Lines starting with a dash are list items.
    """
    # Every piece of user text went through escape() in render_paragraphs.
    return mark_safe("\n".join(render_paragraphs(body, values)))


def render_paragraphs(body: str, values: dict[str, str] | None = None) -> list[SafeString]:
    """The paragraphs of `render_text` one by one: a document keeps the last one with the signature."""

    def substitute(match: re.Match) -> str:
        name = match[1]
        if name not in PLACEHOLDERS:
            return match[0]
        if values is None:
            return f'<mark class="consent-field" title="{escape(PLACEHOLDERS[name])}">{{{name}}}</mark>'
        value = (values.get(name) or "").strip()
        if not value:
            return f'<span class="blank">{BLANK}</span>'
        return f'<span class="filled">{escape(value)}</span>'

    paragraphs = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        css = "item" if line[0] in "—–-•" else "para"
        # Braces and the Cyrillic names inside them pass through escape() unchanged, so matching after
        # escaping is safe and the user's own text can never inject markup.
        # Every piece of user text goes through escape().
        paragraphs.append(mark_safe(f'<p class="{css}">{PLACEHOLDER_RE.sub(substitute, escape(line))}</p>'))
    return paragraphs


def document_context(org: Organization, person: Person, text: ConsentText, given_on: date | None) -> dict:
    """What templates/documents/consent.html prints: the subject, the operator, the text and the signature.

    The parts the law asks for and the product does not store (the subject's address and identity document)
    are lines to fill by hand; so is any requisite of the operator the organisation has not filled in.
    """
    paragraphs = render_paragraphs(text.body, fill_values(org, person))
    return {
        "organization": org,
        "person": person,
        "text": text,
        "purpose": text.purpose,
        "under_152fz": text.purpose in (Purpose.PERSONAL_DATA, Purpose.PUBLICATION),
        "operator": {
            "name": org.full_name,
            "address": operator_address(org),
            "inn": org.inn,
            "ogrn": org.ogrn,
            "site": org.site,
        },
        "contacts": ", ".join(part for part in (person.phone, person.email) if part),
        "body_head": paragraphs[:-1],
        "body_last": paragraphs[-1] if paragraphs else "",
        "signature_name": signature_name(person),
        "given_on": given_on,
        "version_date": version_date(text),
        # Lines to fill by hand, as long as a cell of the requisites table and as the text's width.
        "blank_line": "_" * 44,
        "blank_full": "_" * 74,
        "blank_wide": "_" * 22,
        "blank_short": "_" * 12,
    }


def version_date(text: ConsentText) -> date | None:
    """The day the version was published: the date a consent form names, whatever day it is printed."""
    if text.pk is None:
        return None
    return timezone.localdate(text.created_at)


def signature_name(person: Person) -> str:
    """«Д. А. Смирнова» — the form printed under a signature line."""
    return initials_first(person.surname, person.name, person.patronymic)


def file_name(purpose: str, extension: str) -> str:
    return f"{FILE_TITLES[purpose]}.{extension}"


# --- scans -----------------------------------------------------------------------------------------------------


def _check_image(upload: UploadedFile, expected: str) -> None:
    if not image_is_sound(upload, expected):
        raise ValidationError(
            "Изображение повреждено или не читается. Отсканируйте документ заново или сохраните скан в PDF.",
            code="scan_broken",
        )


def validate_scan(upload: UploadedFile) -> str:
    """Check an uploaded scan by its content; return the extension it is stored with: pdf, jpg or png.

    The file name and the browser's content type are ignored: a renamed program is refused whatever it is
    called, and a real PNG called «скан.pdf» is kept as the PNG it is.
    """
    if upload.size > SCAN_MAX_BYTES:
        raise ValidationError(
            f"Файл слишком большой: {megabytes(upload.size)} МБ, а можно не больше 5 МБ. "
            "Отсканируйте документ с меньшим разрешением (150–200 точек на дюйм) или в оттенках серого.",
            code="scan_too_large",
        )
    head, tail = head_and_tail(upload)
    if head.startswith(EXECUTABLE_MAGIC):
        raise ValidationError(
            "Это не скан, а исполняемый файл программы (так показывает его содержимое, а не название). "
            "Загрузите скан согласия в формате PDF, JPEG или PNG.",
            code="scan_executable",
        )
    if b"%PDF-" in head[:1024]:
        if b"%%EOF" not in tail:
            raise ValidationError(
                "PDF-файл повреждён или загружен не полностью. Сохраните скан ещё раз и загрузите его заново.",
                code="scan_broken",
            )
        # A scan has no business running scripts in the viewer.
        upload.seek(0)
        active = pdf_has_active_content(upload.read())
        upload.seek(0)
        if active:
            raise ValidationError(
                "В PDF есть встроенные сценарии (JavaScript) или запуск программ — такой файл небезопасно хранить. "
                "Отсканируйте документ заново или сохраните скан через «Печать → Сохранить как PDF».",
                code="scan_script",
            )
        return "pdf"
    if head.startswith(PNG_MAGIC):
        _check_image(upload, "PNG")
        return "png"
    if head.startswith(JPEG_MAGIC):
        _check_image(upload, "JPEG")
        return "jpg"
    if head.startswith((ZIP_MAGIC, *OTHER_ARCHIVE_MAGIC)):
        message = "Это архив или документ Office, а не скан. Загрузите скан согласия в формате PDF, JPEG или PNG."
    else:
        message = (
            "Формат файла не распознан: по содержимому это не PDF, не JPEG и не PNG. "
            "Загрузите скан в одном из этих форматов."
        )
    raise ValidationError(message, code="scan_format")


# --- registering -----------------------------------------------------------------------------------------------

ALREADY_ACTIVE = "Согласие «{purpose}» уже действует. Чтобы зарегистрировать новое, сначала отзовите действующее."


def register_consent(
    person: Person,
    purpose: str,
    *,
    given_on: date,
    by=None,
    scan: UploadedFile | None = None,
    scan_extension: str | None = None,
    online: bool = False,
    text: ConsentText | None = None,
) -> Consent:
    """Record that the person consented, to the current version of the text (or `text`, if given).

    Raises ValidationError (in Russian) when the date is in the future, the person's data was destroyed, or an
    active consent for the purpose exists — including when another request registered one a moment earlier.
    """
    if purpose not in Purpose.values:
        raise ValidationError("Неизвестная цель согласия.")
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "Дата согласия не может быть позже сегодняшнего дня."})
    if person.anonymized_at is not None:
        raise ValidationError("Персональные данные работника уничтожены: согласие зарегистрировать нельзя.")
    text = text or current_texts(person.organization)[purpose]
    if text.pk is None:
        text = _saved(text)
    if text.organization_id != person.organization_id or text.purpose != purpose:
        raise ValidationError("Текст согласия относится к другой организации или к другой цели.")
    consent = Consent(
        organization_id=person.organization_id,
        person=person,
        purpose=purpose,
        text=text,
        given_on=given_on,
        registered_by=by,
        given_online=online,
    )
    if scan is not None:
        # The stored name takes the extension the content proved, not the one the sender typed.
        consent.scan.save(f"scan.{scan_extension or validate_scan(scan)}", scan, save=False)
    try:
        with transaction.atomic():
            # The row lock makes the check below and the insert one step for concurrent requests on PostgreSQL;
            # the partial unique constraint catches whatever gets past it on any database.
            Person.objects.select_for_update().filter(pk=person.pk).first()
            if Consent.objects.active().filter(person=person, purpose=purpose).exists():
                raise IntegrityError("active consent exists")
            consent.save()
    except IntegrityError:
        if consent.scan:
            consent.scan.delete(save=False)
        raise ValidationError(ALREADY_ACTIVE.format(purpose=Purpose(purpose).label), code="consent_active") from None
    organization_changed(person.organization)
    return consent


def withdrawal_warning(purpose: str) -> str:
    """What withdrawing a consent for the purpose sets off, said before the user confirms."""
    if purpose == Purpose.PERSONAL_DATA:
        days = ru_plural(settings.PERSONAL_DATA_RETENTION_DAYS, "день,дня,дней")
        return (
            "Работник сразу будет исключён из банков наставляемых и наставников и из списков программы. "
            f"Через {days} после даты отзыва его персональные данные (ФИО, контакты, тексты запросов и анкет, "
            "сканы согласий) будут уничтожены без возможности восстановления."
        )
    if purpose == Purpose.DUTIES:
        return "Работника нельзя будет включать в наставнические пары и группы, пока он не даст новое согласие."
    return "Сведения о работнике нужно будет убрать с сайта организации не позднее трёх рабочих дней."


def own_withdrawal_warning(purpose: str) -> str:
    """The same warning, addressed to the teacher withdrawing their own consent."""
    if purpose == Purpose.PERSONAL_DATA:
        days = ru_plural(settings.PERSONAL_DATA_RETENTION_DAYS, "день,дня,дней")
        return (
            "Вы сразу будете исключены из банков наставляемых и наставников, а участие в программе наставничества "
            f"прекратится. Через {days} ваши персональные данные (ФИО, контакты, запросы, анкеты, сканы "
            "согласий) будут уничтожены, а учётная запись удалена. Отменить это будет нельзя."
        )
    if purpose == Purpose.DUTIES:
        return "Вас нельзя будет включить в наставническую пару или группу, пока вы не дадите согласие снова."
    return "Сведения о вас будут убраны с сайта организации не позднее трёх рабочих дней."


# What PurgeRecord.destroyed holds: field names of Person and the account; the other categories are the codes of
# the personal-data register (people.personal_data), labelled there.
DESTROYED_LABELS: dict[str, str] = {
    "surname": "фамилия",
    "name": "имя",
    "patronymic": "отчество",
    "position": "должность",
    "email": "e-mail",
    "phone": "телефон",
    "hired_on": "дата приёма на работу",
    "left_on": "дата увольнения",
    "user": "учётная запись",
    "account": "учётная запись",
}


def destroyed_labels(codes: list[str], counts: dict[str, int] | None = None) -> list[str]:
    """The act's list: each category destroyed, by name, with the number of records where one was counted."""
    labels: list[str] = []
    for code in codes:
        label = DESTROYED_LABELS.get(code) or personal_data.label_of(code) or code
        if counts and counts.get(code):
            label += f" — {counts[code]}"
        if label not in labels:
            labels.append(label)
    return labels
