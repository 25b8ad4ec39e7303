"""Drafting orders from live data: the organisation's model texts (fixtures/order_templates.json) filled with
the pairs, people and programmes an order acts on.

A model text holds placeholders in braces, e.g. {куратор} or {приложение}; `PLACEHOLDERS` lists them with
what they become. A placeholder the data cannot fill becomes a blank line to complete by hand; braces the
organisation typed that are not placeholders stay as they are, so nobody loses text. The placeholders of
values only a person gives ({начало_работы}, {дата_мероприятия}, {место_мероприятия}…, see
roadmap.documents.ORDER_PLACEHOLDERS) stay in the draft's text and are filled from the draft's form fields
whenever the text is shown, so the curator completes them beside the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from mentoring.models import Mentorship, Programme, ProgrammeRevision
from people import declension
from people.models import Organization, Person, Role
from roadmap import items as order_items
from roadmap.documents import ORDER_PLACEHOLDERS, all_programmes_approved
from roadmap.models import Order, OrderEvent, OrderKind, OrderTemplate, Regulation, Roadmap
from roadmap.versions import check_approvable, order_stamp

TEMPLATES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "order_templates.json"
BLANK = "____________"

PLACEHOLDERS: dict[str, str] = {
    "куратор": "куратор программы наставничества: ФИО полностью и должность",
    "куратору": "куратор программы наставничества в дательном падеже (кому?): ФИО полностью",
    "назначаемый": "назначаемый куратор: ФИО полностью",
    "назначаемый_кратко": "назначаемый куратор: Фамилия И. О.",
    "назначаемого": "назначаемый куратор в винительном падеже (кого?): должность и ФИО полностью",
    "назначаемого_кратко": "назначаемый куратор в винительном падеже (кого?): Фамилия И. О.",
    "должность_назначаемого": "должность назначаемого куратора",
    "приложение": "«приложению № 1» — ссылка на таблицу приложения",
    "учебный_год": "текущий учебный год, например 2025/2026",
    "дата_начала": "самая ранняя дата начала среди пар приказа",
    "пара": "наставник и наставляемые пары (группы) полностью, с должностями",
    "наставляемый_за_наставником": "«наставляемого …, закреплённого за наставником …»: пара (группа) полностью, "
    "с должностями и приказом о закреплении",
    "основание": "основание досрочного завершения",
    "приказ_о_закреплении": "ссылка на приказ, которым закреплена пара",
    "программа": "название персонализированной программы в кавычках",
    "изменение": "пункт о продлении или корректировке программы по последнему изменению",
    "основание_изменения": "основание изменения программы",
    "правовые_основания": "акты, на которые ссылается приказ («Федеральным законом …»), из настроек организации",
    **{key: f"{what} (поле проекта приказа)" for key, (what, _field) in ORDER_PLACEHOLDERS.items()},
}
# An item of a pairs order that would approve programmes which exist and are approved by the curator.
PROGRAMMES_APPROVED_ITEM = (
    "Утвердить персонализированные программы наставничества пар (групп), названные в приложении № 1 "
    "(графа «Персонализированная программа»)."
)
_PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


def load_order_templates(path: Path = TEMPLATES_FIXTURE) -> dict[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - set(OrderKind.values)
    if unknown:
        raise ValueError(f"{path.name}: unknown order kinds {sorted(unknown)}")
    return data


def _model_text(org: Organization, kind: str, spec: dict) -> OrderTemplate:
    return OrderTemplate(
        organization=org,
        kind=kind,
        heading=spec["heading"],
        preamble=spec["preamble"],
        items=list(spec["items"]),
        control_item=spec.get("control_item", ""),
    )


def ensure_order_templates(org: Organization) -> int:
    """Install the model text of every kind the organisation has none of; returns how many were installed.

    Idempotent: a text the organisation already has — edited or not — stays as it is.
    """
    existing = set(OrderTemplate.objects.filter(organization=org).values_list("kind", flat=True))
    missing = [kind for kind in OrderKind.values if kind not in existing]
    if not missing:
        return 0
    specs = load_order_templates()
    # A concurrent installer's rows win: ours for the same kinds are dropped by the unique constraint.
    OrderTemplate.objects.bulk_create([_model_text(org, kind, specs[kind]) for kind in missing], ignore_conflicts=True)
    return len(missing)


def order_templates_for(org: Organization) -> dict[str, OrderTemplate]:
    """The organisation's model text of every kind, by kind; reads only.

    A kind the organisation has no row for (one set up before the kind existed, or created outside the admin)
    gets the fixture's text, unsaved: a draft made from it is the same as from an installed copy, and saving an
    edit of it creates the row. Setting up an organisation (config.setup) installs the rows.
    """
    templates = {t.kind: t for t in OrderTemplate.objects.filter(organization=org)}
    missing = [kind for kind in OrderKind.values if kind not in templates]
    if missing:
        specs = load_order_templates()
        templates.update({kind: _model_text(org, kind, specs[kind]) for kind in missing})
    return templates


def to_fill(key: str) -> str:
    """The visible mark of a value the data could not give: «[указать: …]», highlighted in the editor and the
    draft's PDF; sending for approval is refused while one remains (roadmap.services.missing_values)."""
    return f"[указать: {PLACEHOLDERS[key]}]"


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders; a known one without a value becomes a visible mark to fill by hand."""

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key not in PLACEHOLDERS or key in ORDER_PLACEHOLDERS:
            return match.group(0)
        return values.get(key) or to_fill(key)

    filled = _PLACEHOLDER.sub(replace, text)
    return re.sub(r" {2,}", " ", filled).replace(" .", ".").replace(" ,", ",").strip()


# --- the data behind the placeholders ---


def school_year(today: date) -> str:
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{start + 1}"


def full_with_position(person: Person) -> str:
    return f"{person.full_name}, {person.position.lower()}" if person.position else person.full_name


def curator_for(org: Organization, user) -> Person | None:
    """The curator the order names: the author if they are a curator, otherwise the organisation's curator."""
    roles = Role.objects.filter(kind=Role.Kind.CURATOR, person__organization=org, person__left_on__isnull=True)
    mine = roles.filter(person__user=user).select_related("person").first() if user is not None else None
    role = mine or roles.select_related("person").order_by("person__surname", "person__name", "person_id").first()
    return role.person if role else None


def with_position(person: Person, case: str) -> str:
    """«Гусева Владимира Николаевича, учителя математики» — the name and the post in `case`."""
    name = declension.full_name(person, case)
    if not person.position:
        return name
    return f"{name}, {declension.decline_position(person.position.lower(), case)}"


def mentees_with_mentor(m: Mentorship, fixed_by: Order | None = None) -> str:
    """«наставляемого Петрова Ивана Сергеевича, учителя математики, закреплённого за наставником Гусевым …»."""
    mentees = list(m.mentees.all())
    names = [with_position(p, "genitive") for p in mentees]
    if len(mentees) > 1:
        # A post after a name is an apposition: a comma closes it before «и».
        last = ", и " if "," in names[-2] else " и "
        who = "наставляемых " + ", ".join(names[:-1]) + last + names[-1]
        fixed = "закреплённых"
    else:
        female = (
            bool(mentees)
            and declension.gender_of(mentees[0].surname, mentees[0].name, mentees[0].patronymic) == "female"
        )
        who = ("наставляемой " if female else "наставляемого ") + (names[0] if names else BLANK)
        fixed = "закреплённой" if female else "закреплённого"
    by_order = f" приказом от {fixed_by.date:%d.%m.%Y} № {fixed_by.reg_number}" if fixed_by is not None else ""
    return f"{who}, {fixed}{by_order} за наставником {with_position(m.mentor, 'instrumental')}"


def pair_text(m: Mentorship) -> str:
    mentees = list(m.mentees.all())
    label = "наставляемые" if len(mentees) > 1 else "наставляемый"
    return f"наставник — {full_with_position(m.mentor)}; {label} — " + "; ".join(full_with_position(p) for p in mentees)


def fixing_order(m: Mentorship) -> Order | None:
    """The approved order that fixed the pair (group), if any."""
    return (
        Order.objects.filter(
            organization=m.organization_id, kind=OrderKind.PAIRS, status=Order.Status.APPROVED, mentorships=m
        )
        .order_by("-date", "-number")
        .first()
    )


def revision_text(programme: Programme | None) -> tuple[str, str]:
    """(the item about the change, the preamble's ground) from the programme's latest approved change.

    A proposal still waiting for the mentee's agreement or the approval, or one withdrawn, is not a change yet: the
    order names only what took effect, and without one it keeps a blank the curator must fill.
    """
    approved = ProgrammeRevision.Status.APPROVED
    revision = programme.revisions.filter(status=approved).first() if programme is not None else None
    if revision is None:
        return "Утвердить изменения, внесённые в программу: ____________.", ""
    ground = f" (основание: {revision.reason.strip().rstrip('.')})" if revision.reason.strip() else ""
    if revision.kind == revision.Kind.EXTENSION and revision.new_end:
        old = f" (прежний срок окончания — {revision.old_end:%d.%m.%Y})" if revision.old_end else ""
        return f"Продлить срок реализации программы до {revision.new_end:%d.%m.%Y}{old}.", ground
    parts = []
    for entry in revision.summary[:6]:
        if entry.get("kind") == "field":
            parts.append(f"изменён раздел «{entry.get('field', '')}»")
        elif entry.get("kind") == "added":
            parts.append(f"добавлено мероприятие «{entry.get('activity', '')}»")
        elif entry.get("kind") == "removed":
            parts.append(f"исключено мероприятие «{entry.get('activity', '')}»")
        elif entry.get("kind") == "changed":
            parts.append(f"изменено мероприятие «{entry.get('activity', '')}»")
    if len(revision.summary) > 6:
        parts.append("и другие изменения")
    what = "; ".join(parts) if parts else "____________"
    return f"Утвердить программу в новой редакции с учётом изменений: {what}.", ground


def placeholder_values(
    org: Organization,
    kind: str,
    *,
    user,
    mentorships: list[Mentorship],
    appointee: Person | None,
    end_reason: str,
) -> dict[str, str]:
    today = timezone.localdate()
    curator = curator_for(org, user)
    values = {
        "куратор": full_with_position(curator) if curator else "",
        "куратору": declension.full_name(curator, "dative") if curator else "",
        "учебный_год": school_year(today),
        "правовые_основания": ", ".join(org.order_basis_acts),
        "приложение": "приложению № 1" if kind in (OrderKind.PAIRS, OrderKind.REWARD) else "",
    }
    starts = [m.planned_start for m in mentorships if m.planned_start]
    if starts:
        values["дата_начала"] = f"{min(starts):%d.%m.%Y}"
    if appointee is not None:
        values["назначаемый"] = appointee.full_name
        values["назначаемый_кратко"] = appointee.short_name
        values["должность_назначаемого"] = appointee.position.lower()
        values["назначаемого"] = " ".join(
            part
            for part in (
                declension.decline_position(appointee.position.lower(), "accusative"),
                declension.full_name(appointee, "accusative"),
            )
            if part
        )
        values["назначаемого_кратко"] = declension.initials_name(appointee, "accusative")
    if len(mentorships) == 1:
        m = mentorships[0]
        values["пара"] = pair_text(m)
        fixed_by = fixing_order(m)
        values["наставляемый_за_наставником"] = mentees_with_mentor(m, fixed_by)
        if fixed_by is not None:
            values["приказ_о_закреплении"] = (
                f", закреплённой приказом от {fixed_by.date:%d.%m.%Y} № {fixed_by.reg_number}"
            )
        programme = Programme.objects.filter(mentorship=m).first()
        if programme is not None and programme.title:
            values["программа"] = f"«{programme.title}»"
        if kind == OrderKind.PROGRAMME_CHANGE:
            values["изменение"], values["основание_изменения"] = revision_text(programme)
    if end_reason:
        values["основание"] = Mentorship.EndReason(end_reason).label.lower()
    # Placeholders that may stay empty without a blank: the sentence reads well without them.
    for optional in ("приказ_о_закреплении", "программа", "основание_изменения"):
        values.setdefault(optional, " ")
    return values


# --- drafting ---


def _user_of(by):
    """`by` is the author's account; a Person is accepted too."""
    return by.user if isinstance(by, Person) else by


def _check_kind_data(
    org: Organization,
    kind: str,
    mentorships: list[Mentorship],
    appointee: Person | None,
    rewarded: list[Person],
    end_reason: str,
) -> None:
    if any(m.organization_id != org.pk for m in mentorships) or any(p.organization_id != org.pk for p in rewarded):
        raise ValidationError("В приказ можно включить только пары и работников своей организации.")
    if appointee is not None and appointee.organization_id != org.pk:
        raise ValidationError("Назначить куратором можно только работника своей организации.")
    if kind == OrderKind.PAIRS:
        if not mentorships:
            raise ValidationError("Отметьте пары и группы, которые нужно закрепить приказом.")
        taken = [m for m in mentorships if m.state != Mentorship.State.DRAFT]
        if taken:
            raise ValidationError(
                f"Пара (группа) наставника {taken[0].mentor.short_name} уже не черновик "
                f"(«{taken[0].get_state_display()}»): в новый приказ включаются только черновики пар."
            )
        for m in mentorships:
            m.check_mutual_consent()  # both people agreed to each other, or the organisation skips this
    elif kind == OrderKind.CURATOR:
        if appointee is None:
            raise ValidationError("Выберите работника, которого нужно назначить куратором.")
        if not appointee.is_working:
            raise ValidationError(
                f"{appointee.short_name} {declension.gendered(appointee, 'уволен', 'уволена')}: "
                "назначить куратором нельзя."
            )
    elif kind in (OrderKind.EARLY_END, OrderKind.PROGRAMME_CHANGE):
        if len(mentorships) != 1:
            raise ValidationError("Выберите одну пару (группу), к которой относится приказ.")
        if mentorships[0].state != Mentorship.State.ACTIVE:
            raise ValidationError("Приказ можно оформить только по действующей паре (группе).")
        if kind == OrderKind.EARLY_END and end_reason not in Mentorship.EndReason.values:
            raise ValidationError("Укажите основание досрочного завершения.")
        if kind == OrderKind.PROGRAMME_CHANGE and not Programme.objects.filter(mentorship=mentorships[0]).exists():
            raise ValidationError("У пары (группы) нет персонализированной программы: изменять нечего.")
    elif kind == OrderKind.REWARD and not rewarded:
        raise ValidationError("Отметьте наставников, которых нужно поощрить.")


# --- REGULATION: the order names the regulation version and the roadmap it approves ---


def regulation_items(org: Organization, items: list, regulation: Regulation, roadmap: Roadmap | None) -> list:
    """The model text's «Утвердить …» items give way to ones naming the documents; the appendices are listed under
    the text (roadmap.documents.appendix_list), not as an item."""
    if regulation.organization_id != org.pk or (roadmap is not None and roadmap.organization_id != org.pk):
        raise ValidationError("Приказ может утверждать только положение и дорожную карту своей организации.")
    council = (
        f", принятое педагогическим советом (протокол от {regulation.council_date:%d.%m.%Y} "
        f"№ {regulation.council_number})"
        if regulation.council_date
        else ""
    )
    named = [f"Утвердить {regulation.title} (версия {regulation.version}){council}, согласно приложению № 1."]
    if roadmap is not None:
        named.append(f"Утвердить {roadmap_named(roadmap)} на {roadmap.period_label} согласно приложению № 2.")
    rest = [item for item in items if not _text(item).startswith("Утвердить")]
    return [*named, *rest]


def _text(item) -> str:
    return item["text"] if isinstance(item, dict) else str(item)


def roadmap_named(roadmap: Roadmap, case: str = "accusative") -> str:
    """«дорожную карту (план мероприятий) «Наставник»»; a title that already says «Дорожная карта …» is not
    repeated inside quotes («дорожную карту реализации системы наставничества»)."""
    title = roadmap.title.strip()
    word = "дорожную карту" if case == "accusative" else "Дорожная карта"
    if title.lower().startswith("дорожная карта"):
        return word + title[len("дорожная карта") :]
    return f"{word} (план мероприятий) «{title}»"


# --- ROADMAP, ROADMAP_CHANGE: the order names the roadmap it approves and has it as its appendix ---


def roadmap_items(items: list, roadmap: Roadmap, kind: str) -> list:
    """The model text's first item gives way to one naming the roadmap (and, for a change, the replaced редакция)."""
    what = f"{roadmap_named(roadmap)} на {roadmap.period_label}"
    if kind == OrderKind.ROADMAP_CHANGE:
        old = roadmap.replaces
        stamp = order_stamp(old.approved_by_order)
        approved = f", утверждённую {stamp}," if stamp else ""
        named = [
            f"Внести изменения в {what}{approved or ','} изложив её в новой редакции согласно приложению № 1.",
            "Прежнюю редакцию дорожной карты считать утратившей силу со дня издания настоящего приказа.",
        ]
    else:
        named = [f"Утвердить {what} согласно приложению № 1."]
    return [*named, *items[1:]]


@transaction.atomic
def draft_order(
    org: Organization,
    kind: str,
    *,
    by,
    mentorships: Iterable[Mentorship] = (),
    appointee: Person | None = None,
    rewarded: Iterable[Person] = (),
    end_reason: str = "",
    refers_to: Order | None = None,
    regulation: Regulation | None = None,
    roadmap: Roadmap | None = None,
) -> Order:
    """A new DRAFT order of `kind`, filled from the organisation's model text and the data it acts on.

    For PAIRS each draft pair (group) moves to PROPOSED; if any participant lacks the duties consent the whole
    draft is refused (ConsentRequired) and nothing is saved.
    """
    if kind not in OrderKind.values:
        raise ValidationError("Неизвестный вид приказа.")
    user = _user_of(by)
    mentorships = list(
        Mentorship.objects.filter(pk__in=[m.pk for m in mentorships])
        .select_related("mentor", "organization")
        .prefetch_related(Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id")))
        .order_by("mentor__surname", "mentor__name", "id")
    )
    rewarded = list(rewarded)
    _check_kind_data(org, kind, mentorships, appointee, rewarded, end_reason)
    if refers_to is not None and refers_to.organization_id != org.pk:
        raise ValidationError("Изменять можно только приказ своей организации.")
    if refers_to is None and kind in (OrderKind.EARLY_END, OrderKind.PROGRAMME_CHANGE):
        refers_to = fixing_order(mentorships[0])

    template = order_templates_for(org)[kind]
    values = placeholder_values(
        org, kind, user=user, mentorships=mentorships, appointee=appointee, end_reason=end_reason
    )
    items = [fill(item, values) for item in template.items]
    starts = [m.planned_start for m in mentorships if m.planned_start]
    if kind == OrderKind.PAIRS:
        items = programme_items(items, mentorships)
    if kind == OrderKind.REGULATION and regulation is not None:
        if roadmap is not None:
            check_approvable(roadmap, kind, org.pk)
        items = regulation_items(org, items, regulation, roadmap)
    approves_roadmap = kind in (OrderKind.ROADMAP, OrderKind.ROADMAP_CHANGE)
    if approves_roadmap:
        check_approvable(roadmap, kind, org.pk)
        items = roadmap_items(items, roadmap, kind)
    order = Order.objects.create(
        organization=org,
        kind=kind,
        heading=fill(template.heading, values),
        preamble=fill(template.preamble, values),
        items=order_items.normalize(items),
        control_item=fill(template.control_item, values),
        appointee=appointee if kind == OrderKind.CURATOR else None,
        end_reason=end_reason if kind == OrderKind.EARLY_END else "",
        refers_to=refers_to,
        regulation=regulation if kind == OrderKind.REGULATION else None,
        roadmap=roadmap if approves_roadmap or (kind == OrderKind.REGULATION and regulation is not None) else None,
        # The pairs' planned start proposes the order's; the curator may change it in the draft's form.
        starts_on=min(starts) if kind == OrderKind.PAIRS and starts else None,
        created_by=user,
    )
    if mentorships:
        order.mentorships.set(mentorships)
    if rewarded:
        order.rewarded.set(rewarded)
    if kind == OrderKind.PAIRS:
        for m in mentorships:
            m.propose(by=user, note=f"Включена в проект приказа «{order.heading}».")
    OrderEvent.objects.create(order=order, actor=user, action=OrderEvent.Action.CREATED)
    return order


def programme_items(items: list, mentorships: list[Mentorship]) -> list:
    """A pairs order approves programmes only when they exist and are approved; otherwise it sets their deadline.

    When every pair's programme is approved, the item asking for programmes by {срок_программ} gives way to one
    approving them, and the appendix names each programme.
    """
    if not all_programmes_approved(with_programmes(mentorships)):
        return items
    return [PROGRAMMES_APPROVED_ITEM if "{срок_программ}" in _text(item) else item for item in items]


def with_programmes(mentorships: list[Mentorship]) -> list[Mentorship]:
    """The same pairs with their programmes loaded (one query), for the checks that read them."""
    ids = [m.pk for m in mentorships]
    return list(Mentorship.objects.filter(pk__in=ids).select_related("programme")) if ids else []


def rewardable_mentors(org: Organization) -> list[Person]:
    """Mentors of the organisation's completed pairs (groups): the ones a reward order offers."""
    return list(
        Person.objects.filter(
            organization=org,
            mentorships_as_mentor__state=Mentorship.State.COMPLETED,
            left_on__isnull=True,
        )
        .distinct()
        .order_by("surname", "name", "id")
    )
