"""Builders for the order document tests: an approved order made directly, and the PDF read back as text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Mentorship
from people.models import Organization, Person
from roadmap.models import Acknowledgement, Order, OrderKind

ORDER_DATE = date(2026, 6, 5)


def approved_order(
    org: Organization,
    kind: str = OrderKind.PAIRS,
    *,
    mentorships: list[Mentorship] = (),
    acknowledgers: list[Person] = (),
    acknowledged: list[Person] = (),
    **fields,
) -> Order:
    """An approved order «от 05.06.2026 № 15-од», its pairs and acknowledgement list, stored as approval leaves it."""
    values = {
        "heading": "О закреплении наставнических пар (групп)",
        "preamble": "В соответствии с Положением о системе наставничества педагогических работников",
        "items": ["Закрепить наставнические пары (группы) согласно приложению № 1.", "Наставникам начать работу."],
        "control_item": "Контроль за исполнением настоящего приказа оставляю за собой.",
        "status": Order.Status.APPROVED,
        "year": 2026,
        "number": 15,
        "reg_number": "15-од",
        "date": ORDER_DATE,
        "signer_position": "Директор",
        "signer_name": "А. П. Сорокина",
        "pdf_sha256": "0" * 64,
        **fields,
    }
    order = Order.objects.create(organization=org, kind=kind, **values)
    order.mentorships.set(mentorships)
    for person in acknowledgers:
        ack = Acknowledgement.objects.create(order=order, person=person)
        if person in acknowledged:
            ack.acknowledged_at = timezone.make_aware(datetime(2026, 6, 8, 10, 0))
            ack.save(update_fields=["acknowledged_at"])
    return order


@dataclass
class Line:
    y: float
    x: float
    text: str


def flat(text: str) -> str:
    """Text with every run of white space as one space: table cells and long names wrap."""
    return re.sub(r"\s+", " ", text).strip()


def pages_text(pdf: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def page_lines(pdf: bytes, index: int) -> list[Line]:
    """The text runs of one page with their positions (y from the bottom of the page)."""
    runs: list[Line] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append(
                Line(y=round(tm[5] * cm[3] + cm[5], 1), x=tm[4] * cm[0] + cm[4], text=text.replace("\xa0", " ").strip())
            )

    PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_text=visit)
    return runs


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts of every page, without the subset prefix."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names
