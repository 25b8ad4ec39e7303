"""The order as a document: one context feeds the screen text (roadmap/_order_text.html) and the PDF.

A draft has no number or date: its PDF says «ПРОЕКТ» and leaves «от __.__.____ № ___» to be filled. The
approval service fills number, date and signer on the instance before it calls `order_pdf_bytes`, so the
document treats an order as registered as soon as it has a registration number and a date, whatever its
stored status at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string

from core.pdf import pdf_bytes
from core.text import initials_first
from mentoring.models import Mentorship
from people.models import Person, Role
from roadmap.models import ActivityStatus, Order, OrderKind, Roadmap
from roadmap.roadmaps import roadmap_stages

BLANK_DATE = "__.__.____"
BLANK_NUMBER = "___"


@dataclass
class Appendix:
    """A numbered appendix: a table whose header repeats on every page."""

    number: int
    title: str
    columns: list[tuple[str, str]]  # (header, width)
    rows: list[list[str]] = field(default_factory=list)
    empty_text: str = "Нет строк."


def head_of(org) -> Person | None:
    """The working head of the organisation (the first by surname if there are several)."""
    role = (
        Role.objects.filter(kind=Role.Kind.HEAD, person__organization=org, person__left_on__isnull=True)
        .select_related("person")
        .order_by("person__surname", "person__name", "person_id")
        .first()
    )
    return role.person if role else None


def signer_of(order: Order) -> tuple[str, str]:
    """(position, «И. О. Фамилия»): fixed at approval; for a draft, the head who would sign it today."""
    if order.signer_name:
        return order.signer_position, order.signer_name
    head = head_of(order.organization)
    if head is None:
        return "Руководитель", "______________"
    return head.position or "Руководитель", initials_first(head.surname, head.name, head.patronymic)


def person_cell(person: Person) -> str:
    return f"{person.full_name}, {person.position.lower()}" if person.position else person.full_name


def _dates(m: Mentorship) -> str:
    start = m.started_on or m.planned_start
    end = m.planned_end
    programme = getattr(m, "programme", None) if _has_programme(m) else None
    if programme is not None:
        start = start or programme.start
        end = programme.end
    if start and end:
        return f"с {start:%d.%m.%Y} по {end:%d.%m.%Y}"
    if start:
        return f"с {start:%d.%m.%Y}"
    return "—"


def _has_programme(m: Mentorship) -> bool:
    try:
        m.programme  # noqa: B018 — resolved from the select_related cache
    except Mentorship.programme.RelatedObjectDoesNotExist:
        return False
    return True


def order_mentorships(order: Order) -> list[Mentorship]:
    """The order's pairs and groups with everything the documents show, in a fixed number of queries."""
    if order.pk is None:
        return []
    return list(
        order.mentorships.select_related("mentor", "form", "programme")
        .prefetch_related(Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id")))
        .order_by("mentor__surname", "mentor__name", "id")
    )


def pairs_appendix(number: int, mentorships: list[Mentorship]) -> Appendix:
    rows = [
        [
            str(i),
            person_cell(m.mentor),
            "; ".join(person_cell(p) for p in m.mentees.all()) or "—",
            m.form.name if m.form_id else "—",
            _dates(m),
        ]
        for i, m in enumerate(mentorships, 1)
    ]
    return Appendix(
        number=number,
        title="Состав наставнических пар (групп)",
        columns=[
            ("№ п/п", "8%"),
            ("Наставник (ФИО, должность)", "26%"),
            ("Наставляемые (ФИО, должность)", "27%"),
            ("Форма наставничества", "20%"),
            ("Срок", "19%"),
        ],
        rows=rows,
        empty_text="Пары и группы не выбраны.",
    )


def reward_appendix(number: int, people: list[Person]) -> Appendix:
    return Appendix(
        number=number,
        title="Список наставников, представленных к поощрению",
        columns=[("№ п/п", "8%"), ("ФИО", "46%"), ("Должность", "46%")],
        rows=[[str(i), p.full_name, p.position] for i, p in enumerate(people, 1)],
        empty_text="Наставники не выбраны.",
    )


def roadmap_appendix(number: int, roadmap: Roadmap) -> Appendix:
    """The roadmap the order approves, table as printed in its own PDF (stage rows, then their activities)."""
    rows = []
    for stage in roadmap_stages(roadmap):
        rows.append([stage.number, stage.title, "", "", ""])
        for a in stage.activities.all():
            if a.status == ActivityStatus.CANCELLED:
                continue
            who = a.responsible_position + (f", {a.responsible_person.short_name}" if a.responsible_person else "")
            rows.append([a.number, a.content, a.deadline_text, who, a.expected_result])
    named = roadmap.title if roadmap.title.lower().startswith("дорожная карта") else f"Дорожная карта «{roadmap.title}»"
    title = f"{named} на {roadmap.period_label}"
    if roadmap.replaces_id:
        title += " (новая редакция)"
    return Appendix(
        number=number,
        title=title,
        columns=[
            ("№ п/п", "8%"),
            ("Содержание мероприятия", "38%"),
            ("Срок", "16%"),
            ("Ответственный", "18%"),
            ("Ожидаемый результат", "20%"),
        ],
        rows=rows,
        empty_text="В дорожной карте нет мероприятий.",
    )


def order_appendices(order: Order) -> list[Appendix]:
    if order.kind in (OrderKind.ROADMAP, OrderKind.ROADMAP_CHANGE) and order.roadmap_id:
        return [roadmap_appendix(1, order.roadmap)]
    if order.kind == OrderKind.PAIRS:
        return [pairs_appendix(1, order_mentorships(order))]
    if order.kind == OrderKind.REWARD and order.pk:
        people = list(order.rewarded.order_by("surname", "name", "id"))
        return [reward_appendix(1, people)]
    return []


def order_acknowledgements(order: Order) -> list[dict]:
    if order.pk is None:
        return []
    rows = []
    for ack in order.acknowledgements.select_related("person").order_by("person__surname", "person__name", "id"):
        rows.append(
            {
                "name": ack.person.full_name,
                "position": ack.person.position,
                "date": f"{ack.acknowledged_at:%d.%m.%Y}" if ack.acknowledged_at else "",
            }
        )
    return rows


def order_context(order: Order) -> dict:
    """Everything the order's text and document show. The partials read it as `doc`."""
    registered = bool(order.reg_number and order.date)
    position, name = signer_of(order)
    items = [text for text in (order.items or []) if str(text).strip()]
    if order.control_item.strip():
        items.append(order.control_item.strip())
    date_text = f"{order.date:%d.%m.%Y}" if registered else BLANK_DATE
    number_text = order.reg_number if registered else BLANK_NUMBER
    doc = {
        "order": order,
        "organization": order.organization,
        "registered": registered,
        "is_draft": not registered,
        "date_text": date_text,
        "number_text": number_text,
        "reference": f"от {date_text} № {number_text}",
        "place": order.organization.city,
        "heading": order.heading,
        "preamble": order.preamble,
        "items": items,
        "signer_position": position,
        "signer_name": name,
        "appendices": order_appendices(order),
        "acknowledgements": order_acknowledgements(order) if registered else [],
    }
    return {"doc": doc, "order": order, "organization": order.organization}


def order_html(order: Order) -> str:
    return render_to_string("documents/order.html", order_context(order))


def order_pdf_bytes(order: Order) -> bytes:
    """The order as PDF: for a draft «ПРОЕКТ» without number and date; for an approved order the full document."""
    return pdf_bytes("documents/order.html", order_context(order))
