"""Orders signed on paper before the school kept them here: registered after the fact, as written (issue 18).

The head or the administrator enters the order as it is on paper — kind, date, the number as written («47»,
«47-од», «01-05/47»), title, the text or a scan (PDF), the people and pairs it names. After a preview it is
registered as approved on its own date: its effects are those of an approved order (services.apply_effects,
the same code), dated as the paper says. The register shows it with «на бумаге» and the scan.

Numbering: the serial is read from the number as written (`serial_of`), taken under the same locked
`OrderCounter` row approvals take theirs from (services.locked_counter), and the counter of that year moves
past it — the next order approved here gets the next number, never one already used. A number already
registered in that year, as written or by its serial, is refused with the order that holds it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import bounds
from core.uploads import EXECUTABLE_MAGIC, megabytes, pdf_has_active_content
from mentoring.models import Mentorship
from people.changes import organization_changed
from people.models import AuditEvent, Organization, Person
from roadmap import documents, services
from roadmap.models import Order, OrderEvent, OrderKind, Regulation, Roadmap

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def clean_number(text: str) -> str:
    """The number as written, without the «№» in front and with single spaces: «№ 47-од» → «47-од»."""
    text = _SPACES.sub(" ", (text or "").replace("\u00a0", " ")).strip()
    return re.sub(r"^(№|N|No\.?)\s*", "", text, flags=re.I).strip()


def serial_of(number: str) -> int | None:
    """The serial of a number as written: «47» → 47, «47-од» → 47, «01-05/47» → 47 (after the last «/», the
    index of the file comes first), «12/1-лс» → 1. None when the number has no digits where the serial stands."""
    tail = clean_number(number).rsplit("/", 1)[-1]
    match = _DIGITS.search(tail)
    if match is None or len(match.group()) > 9:
        return None
    return int(match.group()) or None


def too_large(size: int) -> ValidationError:
    return ValidationError(
        f"Файл слишком большой: {megabytes(size)} МБ, а можно не больше {megabytes(bounds.SCAN_MAX_BYTES)} МБ. "
        "Отсканируйте приказ с меньшим разрешением (150–200 точек на дюйм) или в оттенках серого.",
        code="scan_too_large",
    )


def check_scan(data: bytes) -> None:
    """A scan is a PDF (by its bytes, not its name), within SCAN_MAX_BYTES, whole, without scripts."""
    if len(data) > bounds.SCAN_MAX_BYTES:
        raise too_large(len(data))
    head = data[:1024]
    if b"%PDF-" not in head:
        what = "исполняемый файл программы" if head.startswith(EXECUTABLE_MAGIC) else "не PDF"
        raise ValidationError(
            f"По содержимому это {what}. Загрузите скан приказа в формате PDF (в сканере или телефоне: "
            "«Сохранить как PDF»).",
            code="scan_format",
        )
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(
            "PDF-файл повреждён или загружен не полностью. Сохраните скан ещё раз и загрузите его заново.",
            code="scan_broken",
        )
    if pdf_has_active_content(data, bounds.SCAN_MAX_BYTES * 4):
        raise ValidationError(
            "В PDF есть встроенные сценарии (JavaScript) или запуск программ — такой файл небезопасно хранить. "
            "Отсканируйте приказ заново или сохраните скан через «Печать → Сохранить как PDF».",
            code="scan_script",
        )


@dataclass
class PaperOrder:
    """What the paper says: the order's details and whom it names."""

    kind: str
    date: date
    number: str
    title: str
    text: str = ""
    scan: bytes | None = None
    mentorships: list[Mentorship] = field(default_factory=list)
    appointee: Person | None = None
    rewarded: list[Person] = field(default_factory=list)
    end_reason: str = ""
    regulation: Regulation | None = None
    roadmap: Roadmap | None = None
    signer_position: str = ""
    signer_name: str = ""

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def effects(paper: PaperOrder) -> list[str]:
    """What registering the order changes, in the words the preview shows."""
    on = f"{paper.date:%d.%m.%Y}"
    pairs = "; ".join(
        f"{m.mentor.short_name} — {', '.join(p.short_name for p in m.mentees.all()) or 'без наставляемых'}"
        for m in paper.mentorships
    )
    match paper.kind:
        case OrderKind.PAIRS:
            return [f"Пары и группы начинают работу с {on}: {pairs}."]
        case OrderKind.EARLY_END:
            return [f"Пары и группы завершаются досрочно {on}: {pairs}."]
        case OrderKind.CURATOR:
            return [f"Куратором назначается {paper.appointee.full_name} с {on}."] if paper.appointee else []
        case OrderKind.REGULATION | OrderKind.ROADMAP | OrderKind.ROADMAP_CHANGE:
            out = []
            if paper.regulation:
                regulation = paper.regulation
                out.append(f"Утверждается этим приказом: «{regulation.title}», версия {regulation.version}.")
            if paper.roadmap:
                out.append(f"Утверждается этим приказом: «{paper.roadmap.title}», {paper.roadmap.period_label}.")
            return out
    return ["Приказ фиксирует решение: данные программы наставничества не меняются."]


def _clash(org: Organization, year: int, number: str, serial: int) -> str | None:
    same_year = Order.objects.for_org(org).filter(year=year)
    taken = same_year.filter(Q(reg_number__iexact=number) | Q(number=serial)).order_by("id").first()
    if taken is None:
        return None
    held = f"приказ от {taken.date:%d.%m.%Y} № {taken.reg_number} «{taken.heading}»"
    if taken.reg_number.casefold() == number.casefold():
        return f"В {year} году уже зарегистрирован {held}. Проверьте номер и дату на бумажном приказе."
    return (
        f"Порядковый номер {serial} в {year} году уже занят: {held}. Проверьте номер на бумажном приказе; "
        "если это другой приказ, укажите номер полностью, как он записан в книге приказов."
    )


class _Preview(Exception):
    """Raised at the end of a trial registration so that its transaction rolls everything back."""


def check(org: Organization, paper: PaperOrder, *, by: AbstractBaseUser | None) -> list[str]:
    """The refusals registration would give, found by registering in a transaction that is then rolled back.

    Nothing stays: no order, no number, no effect, no file. An empty list means confirmation will go through
    unless something changes in between.
    """
    try:
        register_paper_order(org, paper, by=by, _trial=True)
    except _Preview:
        return []
    except ValidationError as exc:
        return exc.messages
    return []


def register_paper_order(
    org: Organization, paper: PaperOrder, *, by: AbstractBaseUser | None, _trial: bool = False
) -> Order:
    """Register an order signed on paper as approved on its date, with its effects; refuse with the reasons."""
    number = clean_number(paper.number)
    serial = serial_of(number)
    if serial is None:
        raise ValidationError(f"В номере «{number}» нет порядкового номера: укажите номер, как на приказе («47-од»).")
    if paper.date > timezone.localdate():
        raise ValidationError("Дата приказа не может быть позже сегодняшнего дня.")
    if not paper.items and not paper.scan:
        raise ValidationError("Приложите скан приказа (PDF) или перепишите его текст.")
    if paper.scan:
        check_scan(paper.scan)
    year = paper.date.year
    stored_name = ""
    try:
        with transaction.atomic():
            counter = services.locked_counter(org, year)
            clash = _clash(org, year, number, serial)
            if clash:
                raise ValidationError(clash)
            content = {"heading": paper.title.strip(), "preamble": "", "items": paper.items, "control_item": ""}
            content["appendices"] = []
            order = Order(
                organization=org,
                kind=paper.kind,
                status=Order.Status.APPROVED,
                source=Order.Source.PAPER,
                heading=paper.title.strip(),
                preamble="",
                items=paper.items,
                appointee=paper.appointee,
                end_reason=paper.end_reason,
                regulation=paper.regulation,
                roadmap=paper.roadmap,
                # The pairs start on the order's date: that is what «as of its date» means for its effects.
                start_rule=Order.StartRule.SIGNING,
                frozen=content,
                year=year,
                number=serial,
                reg_number=number,
                date=paper.date,
                signer_position=paper.signer_position.strip(),
                signer_name=paper.signer_name.strip(),
                approved_by=by,
                created_by=by,
            )
            order.frozen_sha256 = documents.content_sha256(content)
            if paper.scan:
                order.scan_sha256 = hashlib.sha256(paper.scan).hexdigest()
                if not _trial:
                    order.scan.save(f"skan-{serial}.pdf", ContentFile(paper.scan), save=False)
                    stored_name = order.scan.name
            order.save()
            order.mentorships.set(paper.mentorships)
            order.rewarded.set(paper.rewarded)
            problems = services.kind_problems(order)
            if paper.kind == OrderKind.REGULATION and not (paper.regulation or paper.roadmap):
                problems.append("Укажите положение или дорожную карту, которые утверждает приказ.")
            if problems:
                raise ValidationError(problems)
            if paper.kind == OrderKind.PAIRS:
                for m in order.mentorships.filter(state=Mentorship.State.DRAFT).order_by("id"):
                    m.propose(by=by, note=f"Приказ от {paper.date:%d.%m.%Y} № {number}, подписанный на бумаге.")
            services.apply_effects(order, by)
            if serial > counter.last_number:
                counter.last_number = serial
                counter.save(update_fields=["last_number"])
            note = (
                f"Зарегистрирован приказ от {order.date:%d.%m.%Y} № {number}, подписанный на бумаге"
                + (f": {order.signer_position} {order.signer_name}".rstrip() if order.signer_name else "")
                + (", скан приложен." if paper.scan else ", текст перенесён вручную.")
            )
            OrderEvent.objects.create(order=order, actor=by, action=OrderEvent.Action.APPROVED, comment=note)
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.ORDER_APPROVED,
                user=by,
                username=getattr(by, "username", ""),
                organization=org,
                detail=f"приказ № {number} от {order.date:%d.%m.%Y} ({order.get_kind_display()}), на бумаге",
            )
            organization_changed(org)
            if _trial:
                raise _Preview
    except BaseException:
        if stored_name:
            Order.scan.field.storage.delete(stored_name)
        raise
    return order


# --- the scan between the preview and the confirmation ----------------------------------------------------------

PENDING_DIR = "paper_orders_pending"


def _pending_path(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.pdf", token or ""):
        raise FileNotFoundError(token)
    return Path(settings.MEDIA_ROOT) / PENDING_DIR / token


def store_pending_scan(data: bytes) -> str:
    token = f"{uuid.uuid4().hex}.pdf"
    path = _pending_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return token


def load_pending_scan(token: str) -> bytes:
    return _pending_path(token).read_bytes()


def drop_pending_scan(token: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        _pending_path(token).unlink(missing_ok=True)
