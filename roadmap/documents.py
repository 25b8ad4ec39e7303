"""The order as a document: one context feeds the screen text (roadmap/_order_text.html) and the PDF.

What an order says is `order_content(order)`: heading, preamble, items (the values only a person gives — the
start date, the event's date and place — put in place of {начало_работы}, {дата_мероприятия}…) and the
appendices built from the live data. Sending for approval stores that content on the order (`Order.frozen`,
with its SHA-256); from then on the page, the head's review and the approved PDF show the stored content, and
approval adds only number, date and signer.

A draft has no number or date: its PDF says «ПРОЕКТ» and leaves «от __.__.____ № ___» to be filled. The
approval service fills number, date and signer on the instance before it calls `order_pdf_bytes`, so the
document treats an order as registered as soon as it has a registration number and a date, whatever its
stored status at that moment.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import pdf_bytes
from core.text import initials_first
from mentoring.models import Mentorship
from people.models import Person, Role
from roadmap import items as order_items
from roadmap.models import ActivityStatus, Order, OrderKind, Regulation, Roadmap
from roadmap.roadmaps import roadmap_stages

BLANK_DATE = "__.__.____"
BLANK_NUMBER = "___"
BLANK_TEXT = "____________"
SIGNING_DAY = "со дня подписания настоящего приказа"

# Placeholders filled from the order's own fields when the text is shown, so the curator can give the value in
# the draft's form at any time: {name: (what it is, the form field that gives it)}.
ORDER_PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "начало_работы": ("с какого дня пары (группы) начинают работу", "starts_on"),
    "срок_программ": ("срок, до которого наставники разрабатывают программы", "due_on"),
    "дата_мероприятия": ("дата проведения итогового мероприятия", "event_date"),
    "место_мероприятия": ("место проведения итогового мероприятия", "event_place"),
    "срок_материалов": ("срок подготовки материалов к итоговому мероприятию", "due_on"),
}
_ORDER_PLACEHOLDER = re.compile(r"\{(" + "|".join(ORDER_PLACEHOLDERS) + r")\}")


def _day(value) -> str:
    return f"{value:%d.%m.%Y}" if value else BLANK_DATE


def start_text(order: Order) -> str:
    """How the order states the pairs' first day: «с 17.12.2026» or «со дня подписания настоящего приказа»."""
    if order.start_rule == Order.StartRule.SIGNING:
        return SIGNING_DAY
    return f"с {_day(order.starts_on)}"


def order_values(order: Order) -> dict[str, str]:
    return {
        "начало_работы": start_text(order),
        "срок_программ": _day(order.due_on),
        "дата_мероприятия": _day(order.event_date),
        "место_мероприятия": order.event_place.strip() or BLANK_TEXT,
        "срок_материалов": _day(order.due_on),
    }


def resolve(text: str, order: Order, values: dict[str, str] | None = None) -> str:
    """`text` with the order's own placeholders replaced by the values of its fields (a blank where none)."""
    values = values if values is not None else order_values(order)
    return _ORDER_PLACEHOLDER.sub(lambda m: values[m.group(1)], text or "")


@dataclass
class Appendix:
    """A numbered appendix: a table whose header repeats on every page."""

    number: int
    title: str
    columns: list[tuple[str, str]]  # (header, width)
    rows: list[list[str]] = field(default_factory=list)
    empty_text: str = "Нет строк."
    # A text appendix (the regulation an order approves): its heading and paragraph blocks in place of a table.
    subtitle: str = ""
    blocks: list[dict] = field(default_factory=list)


@dataclass
class Block:
    kind: str  # "heading" or "para"
    text: str


def blocks(body: str) -> list[Block]:
    """The regulation's text as blocks: a line starting with «## » is a section heading, any other a paragraph."""
    result = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            result.append(Block("heading", line[3:].strip()))
        else:
            result.append(Block("para", line))
    return result


def regulation_appendix(number: int, regulation: Regulation) -> Appendix:
    """The regulation the order approves, as the text of its appendix."""
    return Appendix(
        number=number,
        title=regulation.title,
        columns=[],
        subtitle=regulation.organization.full_name,
        blocks=[asdict(b) for b in blocks(regulation.body)],
    )


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
    org = order.organization
    acting = org.acting_head if org.order_signer == org.OrderSigner.ACTING else None
    if acting is not None:
        return org.acting_head_position or "И. о. руководителя", initials_first(
            acting.surname, acting.name, acting.patronymic
        )
    head = head_of(org)
    if head is None:
        return "Руководитель", "______________"
    return head.position or "Руководитель", initials_first(head.surname, head.name, head.patronymic)


def person_cell(person: Person) -> str:
    return f"{person.full_name}, {person.position.lower()}" if person.position else person.full_name


def _dates(m: Mentorship, start: str = "") -> str:
    if start:
        # A pairs order states one start for all its pairs; the row repeats it, so the text and table agree.
        end = m.programme.end if _has_programme(m) else m.planned_end
        return f"{start} по {end:%d.%m.%Y}" if end else start
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


def programme_cell(m: Mentorship) -> str:
    """The programme as the pairs order may name it: only an approved one exists for the order."""
    programme = m.programme if _has_programme(m) else None
    if programme is None or programme.approved_at is None:
        return ""
    return f"«{programme.title}»" if programme.title else "утверждена"


def all_programmes_approved(mentorships: list[Mentorship]) -> bool:
    return bool(mentorships) and all(programme_cell(m) for m in mentorships)


def pairs_appendix(number: int, mentorships: list[Mentorship], start: str = "") -> Appendix:
    rows = [
        [
            str(i),
            person_cell(m.mentor),
            "; ".join(person_cell(p) for p in m.mentees.all()) or "—",
            m.form.name if m.form_id else "—",
            _dates(m, start),
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
    if order.kind == OrderKind.REGULATION and order.regulation_id:
        # «Утвердить Положение … согласно приложению № 1», «… дорожную карту … согласно приложению № 2».
        appendices = [regulation_appendix(1, order.regulation)]
        if order.roadmap_id:
            appendices.append(roadmap_appendix(2, order.roadmap))
        return appendices
    if order.kind in (OrderKind.ROADMAP, OrderKind.ROADMAP_CHANGE) and order.roadmap_id:
        return [roadmap_appendix(1, order.roadmap)]
    if order.kind == OrderKind.PAIRS:
        mentorships = order_mentorships(order)
        start = start_text(order) if (order.starts_on or order.start_rule == Order.StartRule.SIGNING) else ""
        appendix = pairs_appendix(1, mentorships, start)
        if all_programmes_approved(mentorships):
            appendix.columns = [
                ("№ п/п", "6%"),
                ("Наставник (ФИО, должность)", "22%"),
                ("Наставляемые (ФИО, должность)", "22%"),
                ("Форма наставничества", "15%"),
                ("Срок", "17%"),
                ("Персонализированная программа", "18%"),
            ]
            for row, m in zip(appendix.rows, mentorships, strict=True):
                row.append(programme_cell(m))
        return [appendix]
    if order.kind == OrderKind.REWARD and order.pk:
        people = list(order.rewarded.order_by("surname", "name", "id"))
        return [reward_appendix(1, people)]
    return []


def order_acknowledgements(order: Order) -> list[dict]:
    if order.pk is None:
        return []
    rows = []
    acks = order.acknowledgements.select_related("person").order_by("person__surname", "person__name", "id")
    for ack in acks:
        rows.append(
            {
                "name": ack.person.full_name,
                "position": ack.person.position,
                "date": f"{ack.acknowledged_at:%d.%m.%Y}" if ack.acknowledged_at else "",
            }
        )
    return rows


def appendix_list(order: Order, appendices: list[Appendix]) -> list[dict]:
    """The appendices the order names under its text (ГОСТ Р 7.0.97: «Приложение: …» after the text, before
    the signature), numbered as the text cites them: the regulation and the roadmap an order approves are its
    appendices like its own tables (order_appendices), so each is listed once and attached once. `sheets` is the
    number of sheets when known."""
    return [{"number": a.number, "title": a.title, "sheets": None} for a in appendices]


def order_content(order: Order) -> dict:
    """What the order says now, from its fields and the live data: the dictionary `Order.frozen` stores.

    Items are stored printed (roadmap.items.printed): number, level and the text with deadline and executor."""
    values = order_values(order)
    people = order_items.people_of(order.items, order.organization_id)
    appendices = order_appendices(order)
    return {
        "heading": resolve(order.heading, order, values),
        "preamble": resolve(order.preamble, order, values),
        "items": order_items.printed(order.items, people, lambda text: resolve(text, order, values)),
        "control_item": resolve(order.control_item, order, values).strip(),
        "appendices": [asdict(a) for a in appendices],
        "appendix_list": appendix_list(order, appendices),
    }


def content_sha256(content: dict) -> str:
    data = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def shown_content(order: Order) -> dict:
    """The content the page and the PDF show: the stored one once the order was sent, the live one for a draft."""
    if order.frozen and order.status in (Order.Status.SUBMITTED, Order.Status.APPROVED):
        return order.frozen
    return order_content(order)


def _row_text(row: list[str]) -> str:
    return " | ".join(str(cell) for cell in row[1:]) or "—"


def content_differences(before: dict, after: dict) -> list[str]:
    """What differs between two contents, in words the head and the curator read (empty when they agree)."""
    out: list[str] = []
    for key, label in (("heading", "Заголовок"), ("preamble", "Преамбула"), ("control_item", "Пункт о контроле")):
        if before.get(key, "") != after.get(key, ""):
            out.append(f"{label}: было «{before.get(key, '')}», стало «{after.get(key, '')}».")
    old_items = order_items.shown(before.get("items", []))
    new_items = order_items.shown(after.get("items", []))
    for n in range(max(len(old_items), len(new_items))):
        old = old_items[n] if n < len(old_items) else None
        new = new_items[n] if n < len(new_items) else None
        if old != new:
            where = (new or old)["number"].rstrip(".")
            was = f"{old['number']} {old['text']}" if old else "—"
            now = f"{new['number']} {new['text']}" if new else "—"
            out.append(f"Пункт {where}: было «{was}», стало «{now}».")
    # Contents frozen before the list existed have no key: nothing to compare.
    if "appendix_list" in before and before["appendix_list"] != after.get("appendix_list", []):
        out.append("Изменился перечень приложений к приказу.")
    old_apps = {a["number"]: a for a in before.get("appendices", [])}
    new_apps = {a["number"]: a for a in after.get("appendices", [])}
    for number in sorted(set(old_apps) | set(new_apps)):
        old_rows = old_apps.get(number, {}).get("rows", [])
        new_rows = new_apps.get(number, {}).get("rows", [])
        for n in range(max(len(old_rows), len(new_rows))):
            old = old_rows[n] if n < len(old_rows) else None
            new = new_rows[n] if n < len(new_rows) else None
            if old == new:
                continue
            where = f"Приложение № {number}, строка {n + 1}"
            if old is None:
                out.append(f"{where} появилась: «{_row_text(new)}».")
            elif new is None:
                out.append(f"{where} исчезла (была «{_row_text(old)}»).")
            else:
                out.append(f"{where}: было «{_row_text(old)}», стало «{_row_text(new)}».")
    return out


def order_context(order: Order, content: dict | None = None) -> dict:
    """Everything the order's text and document show. The partials read it as `doc`."""
    content = content if content is not None else shown_content(order)
    registered = bool(order.reg_number and order.date)
    position, name = signer_of(order)
    items = order_items.shown(content["items"])
    if content["control_item"]:
        top = sum(1 for item in items if item["level"] == 0)
        items.append({"number": f"{top + 1}.", "level": 0, "text": content["control_item"]})
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
        "heading": content["heading"],
        "preamble": content["preamble"],
        "items": items,
        "appendix_list": content.get("appendix_list", []),
        "signer_position": position,
        "signer_name": name,
        "appendices": [Appendix(**{**a, "columns": [tuple(c) for c in a["columns"]]}) for a in content["appendices"]],
        "acknowledgements": order_acknowledgements(order) if registered else [],
        # Called by the PDF only (the order's page does not show it): no query for the page.
        "executor": lambda: executor_of(order),
    }
    return {"doc": doc, "order": order, "organization": order.organization}


def executor_of(order: Order) -> dict | None:
    """Отметка об исполнителе: who prepared the order — its author by default — as «И. О. Фамилия» and the phone
    from their card (no phone, name only); None when the author is unknown."""
    if order.created_by_id is None:
        return None
    person = Person.objects.filter(organization_id=order.organization_id, user_id=order.created_by_id).first()
    if person is None:
        return None
    return {"name": initials_first(person.surname, person.name, person.patronymic), "phone": person.phone.strip()}


def order_html(order: Order) -> str:
    return render_to_string("documents/order.html", order_context(order))


def order_pdf_bytes(order: Order, content: dict | None = None) -> bytes:
    """The order as PDF: for a draft «ПРОЕКТ» without number and date; for an approved order the full document."""
    return pdf_bytes("documents/order.html", order_context(order, content))


def acknowledgement_sheet_pdf(order: Order) -> bytes:
    """The acknowledgement sheet of an approved order as it stands now: online dates, blank lines for the rest."""
    context = order_context(order)
    context["doc"]["acknowledgements"] = order_acknowledgements(order)
    context["printed_on"] = timezone.localdate()
    return pdf_bytes("documents/order_acknowledgements.html", context)
