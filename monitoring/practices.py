"""Best practices (методическая копилка): checking uploaded materials by their content, a practice prefilled from
an ended programme, storing materials; and the final event's orders (stage 6).

Views and forms only collect the input; the checks and the state changes are here.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model

from core.uploads import (
    EXECUTABLE_MAGIC,
    JPEG_MAGIC,
    OLD_OFFICE_MAGIC,
    OTHER_ARCHIVE_MAGIC,
    PNG_MAGIC,
    ZIP_MAGIC,
    head_and_tail,
    image_is_sound,
    megabytes,
    pdf_has_active_content,
)
from mentoring.models import Mentorship, PlanActivity, Programme
from monitoring.models import FinalEvent, Practice, PracticeFile
from monitoring.models.results import ENDED_STATES
from people.models import Person
from roadmap.drafting import draft_order
from roadmap.models import Order, OrderKind

MATERIAL_MAX_BYTES = 10 * 1024 * 1024
MATERIALS_PER_UPLOAD = 10
ALLOWED_LABEL = "PDF, DOCX, XLSX, PPTX, JPEG или PNG"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpg": "image/jpeg",
    "png": "image/png",
}
# The main part an Office Open XML package declares in [Content_Types].xml tells what the package is.
_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_OOXML_MACROS = (b"macroEnabled", b"vbaProject")
# An unpacked package may not be larger than this: a small ZIP can unpack into gigabytes (a «zip bomb»).
_OOXML_MAX_UNPACKED = 200 * 1024 * 1024


def _refuse(name: str, text: str, code: str) -> ValidationError:
    return ValidationError(f"«{name}»: {text}", code=code)


def _check_pdf(name: str, data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(name, "PDF-файл повреждён или загружен не полностью. Сохраните его ещё раз.", "material_broken")
    if pdf_has_active_content(data, MATERIAL_MAX_BYTES * 4):
        raise _refuse(
            name,
            "в PDF есть встроенные сценарии (JavaScript) или запуск программ — такой файл небезопасно "
            "выкладывать. Сохраните документ заново через «Печать → Сохранить как PDF».",
            "material_script",
        )


def _check_ooxml(name: str, upload: UploadedFile) -> str:
    broken = _refuse(name, "архив документа Office повреждён. Откройте файл и сохраните его заново.", "material_broken")
    not_office = _refuse(
        name,
        f"это ZIP-архив, а не документ Word, Excel или PowerPoint. Загрузите файл в формате {ALLOWED_LABEL}.",
        "material_format",
    )
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            infos = package.infolist()
            if sum(info.file_size for info in infos) > _OOXML_MAX_UNPACKED:
                raise broken
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                raise not_office
            types = package.read("[Content_Types].xml")
            if package.testzip() is not None:
                raise broken
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise broken from exc
    finally:
        upload.seek(0)
    if any(marker in types for marker in _OOXML_MACROS) or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(
            name,
            "документ содержит макросы. Сохраните его как обычный документ (DOCX, XLSX или PPTX) без макросов.",
            "material_macros",
        )
    for main, extension in _OOXML_MAIN.items():
        if main in types:
            return extension
    raise not_office


def _check_image(name: str, upload: UploadedFile, expected: str) -> None:
    if not image_is_sound(upload, expected):
        raise _refuse(name, "изображение повреждено или не читается. Сохраните его заново.", "material_broken")


def validate_material(upload: UploadedFile) -> str:
    """Check a material by its content; return the extension it is: pdf, docx, xlsx, pptx, jpg or png.

    The file name and the browser's content type are ignored: a renamed program is refused whatever it is called.
    """
    name = display_name(upload.name or "файл", None)
    if upload.size > MATERIAL_MAX_BYTES:
        raise _refuse(
            name,
            f"файл слишком большой: {megabytes(upload.size)} МБ, а можно не больше 10 МБ. "
            "Уменьшите размер изображений или разделите материал на части.",
            "material_too_large",
        )
    if upload.size == 0:
        raise _refuse(name, "файл пустой.", "material_empty")
    head, _ = head_and_tail(upload)
    if head.startswith(EXECUTABLE_MAGIC):
        raise _refuse(
            name,
            "это исполняемый файл программы (так показывает его содержимое, а не название). "
            f"Загрузите материал в формате {ALLOWED_LABEL}.",
            "material_executable",
        )
    if head.startswith(b"%PDF-"):
        data = upload.read()
        upload.seek(0)
        _check_pdf(name, data)
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return _check_ooxml(name, upload)
    if head.startswith(PNG_MAGIC):
        _check_image(name, upload, "PNG")
        return "png"
    if head.startswith(JPEG_MAGIC):
        _check_image(name, upload, "JPEG")
        return "jpg"
    if head.startswith(OTHER_ARCHIVE_MAGIC):
        text = f"это архив. Распакуйте его и загрузите файлы по отдельности в формате {ALLOWED_LABEL}."
    elif head.startswith(OLD_OFFICE_MAGIC):
        text = "это документ старого формата Office (DOC, XLS или PPT). Сохраните его как DOCX, XLSX или PPTX."
    else:
        text = f"формат не распознан по содержимому. Загрузите материал в формате {ALLOWED_LABEL}."
    raise _refuse(name, text, "material_format")


def display_name(filename: str, extension: str | None) -> str:
    """The name a material is shown and downloaded under: the sender's name without folders, with the extension
    its content proved (a PNG sent as «схема.pdf» is downloaded as «схема.png»)."""
    base = PurePath(filename.replace("\\", "/")).name.strip() or "материал"
    base = "".join(ch for ch in base if ch.isprintable())
    if extension is None:
        return base[:255]
    stem = base.rsplit(".", 1)[0] if "." in base[1:] else base
    suffix = f".{extension}"
    return (stem[: 255 - len(suffix)] or "материал") + suffix


def save_materials(checked: list[tuple[UploadedFile, str]], new: Callable[..., Model]) -> list:
    """Store checked uploads as material rows made by `new` (a material model with its owner bound, e.g.
    `partial(EventFile, event=event)`); `checked` pairs each upload with its proven extension. Used by practices
    and by the programme's events."""
    saved = []
    for upload, extension in checked:
        material = new(
            original_name=display_name(upload.name or "", extension),
            content_type=CONTENT_TYPES[extension],
            size=upload.size,
        )
        upload.seek(0)
        material.file.save("material", upload, save=False)
        material.save()
        saved.append(material)
    return saved


def add_materials(practice: Practice, checked: list[tuple[UploadedFile, str]]) -> list[PracticeFile]:
    """Store checked uploads as materials of `practice`."""
    return save_materials(checked, partial(PracticeFile, practice=practice))


def delete_material(material: PracticeFile) -> None:
    storage, name = material.file.storage, material.file.name
    material.delete()
    # Files are not transactional: remove the file only once the database no longer points to it.
    transaction.on_commit(lambda: storage.delete(name))


# --- a practice from an ended pair (group) ---------------------------------------------------------------------

NOT_ENDED = (
    "Практику можно сохранить только из завершённой программы: пара (группа) сейчас в состоянии «{state}». "
    "Дождитесь завершения программы или внесите практику без привязки к паре."
)


def check_ended(m: Mentorship) -> None:
    if m.state not in ENDED_STATES:
        raise ValidationError(NOT_ENDED.format(state=m.get_state_display()))


def main_direction(programme: Programme | None):
    """The direction most rows of the plan follow (the earliest row's on a tie), or None."""
    if programme is None:
        return None
    rows = list(
        PlanActivity.objects.filter(programme=programme, direction__isnull=False)
        .select_related("direction")
        .order_by("position", "deadline", "id")
    )
    if not rows:
        return None
    counts = Counter(row.direction_id for row in rows)
    best = max(counts.values())
    return next(row.direction for row in rows if counts[row.direction_id] == best)


def _section(title: str, text: str) -> str:
    text = text.strip()
    return f"{title}\n{text}" if text else ""


def practice_initial(m: Mentorship) -> dict:
    """What a practice from this pair (group) starts with: the programme's title, main direction and results."""
    programme = Programme.objects.filter(mentorship=m).first()
    mentees = list(m.mentees.order_by("surname", "name", "id"))
    if programme is not None:
        parts = [
            _section("Проблема, с которой начинали:", programme.problem),
            _section("Цель:", programme.goals),
            _section("Что делали:", programme.content),
            _section("Промежуточные результаты:", programme.results_intermediate),
            _section("Результаты:", programme.results_planned),
        ]
        description = "\n\n".join(part for part in parts if part)
        title = programme.title
    else:
        description, title = "", ""
    if not title:
        title = f"Практика наставника {m.mentor.short_name}"
    direction = main_direction(programme)
    return {
        "title": title,
        "description": description,
        "direction": direction.pk if direction else None,
        "form": m.form_id,
        "authors": [m.mentor_id, *(p.pk for p in mentees)],
    }


# --- the final event and its orders ----------------------------------------------------------------------------


def reward_order_in_force(event: FinalEvent):
    """The reward order already linked to the event, unless it was cancelled (then a new one may be drafted)."""

    order = event.reward_order
    if order is not None and order.status != Order.Status.CANCELLED:
        return order
    return None


@transaction.atomic
def draft_reward_order(event: FinalEvent, *, by):
    """A REWARD order draft naming the mentors recommended at the event; refused while a linked one is in force."""

    locked = FinalEvent.objects.select_for_update(of=("self",)).select_related("reward_order").get(pk=event.pk)
    existing = reward_order_in_force(locked)
    if existing is not None:
        raise ValidationError(
            f"Приказ о поощрении по этому мероприятию уже сформирован (состояние: «{existing.get_status_display()}»). "
            "Второй приказ не нужен: измените его проект или отмените его, чтобы сформировать новый."
        )
    recommended = list(locked.recommended.order_by("surname", "name", "id"))
    if not recommended:
        raise ValidationError("Отметьте наставников, рекомендованных к поощрению, и сохраните выбор.")
    order = draft_order(locked.organization, OrderKind.REWARD, by=by, rewarded=recommended)
    locked.reward_order = order
    locked.save(update_fields=["reward_order"])
    return order


@transaction.atomic
def draft_final_event_order(event: FinalEvent, *, by):
    """A FINAL_EVENT order draft for the event, linked to it; refused while a linked one is in force."""

    locked = FinalEvent.objects.select_for_update(of=("self",)).select_related("order").get(pk=event.pk)
    if locked.order is not None and locked.order.status != Order.Status.CANCELLED:
        raise ValidationError("Приказ о проведении этого мероприятия уже связан с ним.")
    order = draft_order(locked.organization, OrderKind.FINAL_EVENT, by=by)
    # The event's date is known: the order states it; the place is for the curator to give in the draft.
    order.event_date = locked.held_on
    order.save(update_fields=["event_date"])
    locked.order = order
    locked.save(update_fields=["order"])
    return order


def approved_final_event_order(org):
    """The latest approved order on holding the final event, if there is one."""

    return (
        Order.objects.filter(organization=org, kind=OrderKind.FINAL_EVENT, status=Order.Status.APPROVED)
        .order_by("-date", "-number")
        .first()
    )


def set_recommended(event: FinalEvent, people: list[Person]) -> None:
    event.recommended.set(people)
