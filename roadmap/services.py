"""The life of an order: sending for approval, returning, approving with its effects, acknowledging.

Approval is the legally significant step. In one transaction it locks the order, takes the next registration
number of the organisation's year from a locked `OrderCounter` row (no gaps, no duplicates even when heads
approve at the same moment), applies the order's effects (`apply_effects`: pairs start working, a curator is
appointed, pairs end early), lists who must acknowledge it and renders the PDF once, storing its bytes and
SHA-256. If any step fails, nothing of it stays — not even the PDF file.

Each step takes what would otherwise be implicit as a parameter: `notify=False` sends no e-mail, and
`approve_order(on=…, effects=False)` registers an order approved on an earlier day whose effects already
happened (the demo's history is made this way).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.models import Mentorship, PairingBreach
from people import declension, roles, second_factor
from people.changes import organization_changed
from people.models import AuditEvent, Organization, Person, Role
from roadmap import documents, emails, loops, signing
from roadmap import items as order_items
from roadmap import regulation as regulation_service
from roadmap import versions as roadmap_versions
from roadmap.drafting import PLACEHOLDERS
from roadmap.models import Acknowledgement, Order, OrderCounter, OrderEvent, OrderKind, OrderSignature

log = logging.getLogger(__name__)


# --- who is who ---------------------------------------------------------------------------------------------


def _head_person(order: Order, user: AbstractBaseUser | None) -> Person:
    """The one who signs the order's organisation's orders acting as `user`, or a refusal (people.roles)."""
    return roles.order_signer(order.organization, user).person


def default_acknowledgers(order: Order) -> list[Person]:
    """Who must read the order by default: the people it names and the organisation's curators.

    Named people are the appointee, the mentors and mentees of its pairs and groups and the rewarded mentors.
    People who have left the organisation cannot acknowledge anything and are not listed.
    """
    ids: set[int] = set()
    if order.appointee_id:
        ids.add(order.appointee_id)
    if order.pk:
        ids.update(order.mentorships.values_list("mentor_id", flat=True))
        ids.update(
            Mentorship.mentees.through.objects.filter(mentorship__orders=order).values_list("person_id", flat=True)
        )
        ids.update(order.rewarded.values_list("pk", flat=True))
    curators = Person.objects.for_org(order.organization).filter(roles__kind=Role.Kind.CURATOR)
    ids.update(curators.values_list("pk", flat=True))
    ids.update(order_items.executors_of(order.items))
    return list(
        Person.objects.for_org(order.organization)
        .working()
        .filter(pk__in=ids)
        .order_by("surname", "name", "patronymic", "id")
    )


def executors(order: Order) -> list[Person]:
    """The working people the order's items name as executors: they must read the order (лист ознакомления)."""
    ids = order_items.executors_of(order.items)
    if not ids:
        return []
    return list(Person.objects.for_org(order.organization).working().filter(pk__in=ids))


def add_executors_to_acknowledgements(order: Order) -> None:
    """Every executor named in an item joins the acknowledgement list (nobody is removed)."""
    ids = {p.pk for p in executors(order)}
    have = set(order.acknowledgements.filter(person_id__in=ids).values_list("person_id", flat=True))
    Acknowledgement.objects.bulk_create([Acknowledgement(order=order, person_id=pk) for pk in ids - have])


@transaction.atomic
def save_draft(order: Order, data: dict, *, by) -> None:
    """Write the text and the acknowledgement list of a draft; the model refuses if it was approved meanwhile.

    `data["items"]` are the items as `Order.items` stores them (roadmap.forms_items); their executors join the
    acknowledgement list whatever was ticked.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not locked.is_editable:
        raise ValidationError(f"Проект изменить нельзя: приказ «{locked.get_status_display().lower()}».")
    order.heading = data["heading"].strip()
    order.preamble = data["preamble"].strip()
    order.items = order_items.normalize(data["items"])
    order.control_item = data["control_item"].strip()
    fields = ["heading", "preamble", "items", "control_item", "updated_at"]
    for name in ("start_rule", "starts_on", "due_on", "event_date", "event_place"):
        if name in data:
            setattr(order, name, data[name] if data[name] is not None else Order._meta.get_field(name).get_default())
            fields.append(name)
    order.save(update_fields=fields)
    wanted = {p.pk for p in data["acknowledgers"]} | {p.pk for p in executors(order)}
    order.acknowledgements.exclude(person_id__in=wanted).delete()
    have = set(order.acknowledgements.values_list("person_id", flat=True))
    Acknowledgement.objects.bulk_create([Acknowledgement(order=order, person_id=pk) for pk in wanted - have])
    OrderEvent.objects.create(order=order, actor=by, action=OrderEvent.Action.EDITED)


# --- checks before sending and approving --------------------------------------------------------------------


# The draft form's labels of the values only a person gives (roadmap.forms.OrderEditForm uses the same words).
FIELD_LABELS = {
    "starts_on": "Дата начала работы пар",
    "due_on": "Срок исполнения",
    "event_date": "Дата проведения",
    "event_place": "Место проведения",
}
_BLANK = re.compile(r"_{3,}|__\.__\.____")
_KNOWN = re.compile(r"\{(" + "|".join(map(re.escape, [*PLACEHOLDERS, *documents.ORDER_PLACEHOLDERS])) + r")\}")


def _quote(text: str, at: int) -> str:
    """A few words around position `at` of `text`, so the curator finds the blank."""
    start, end = max(0, at - 40), min(len(text), at + 40)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def _blanks(label: str, text: str) -> list[str]:
    found = []
    for match in _BLANK.finditer(text):
        found.append(f"{label}: заполните пропуск «{_quote(text, match.start())}».")
        break  # one line per place is enough to find it; the curator fixes the whole sentence
    for match in order_items.PLACEHOLDER.finditer(text):
        found.append(f"{label}: вместо «{match.group(0)}» напишите нужные слова.")
    for match in _KNOWN.finditer(text):
        found.append(f"{label}: замените заготовку {match.group(0)} нужными словами.")
    return found


def kind_problems(order: Order) -> list[str]:
    """What the order's kind needs it to name and it does not (pairs, the appointee, the reason, the roadmap).

    Shared by the drafts' checks and by orders signed on paper (roadmap.paper), whose effects need the same.
    """
    errors = []
    if order.kind in (OrderKind.PAIRS, OrderKind.EARLY_END) and not order.mentorships.exists():
        errors.append("В приказе не указано ни одной наставнической пары (группы).")
    if order.kind == OrderKind.CURATOR and not order.appointee_id:
        errors.append("Укажите, кто назначается куратором.")
    if order.kind == OrderKind.EARLY_END and order.end_reason not in Mentorship.EndReason.values:
        errors.append("Укажите основание досрочного завершения.")
    if order.kind == OrderKind.REWARD and not order.rewarded.exists():
        errors.append("Укажите наставников, которых приказ поощряет.")
    if order.kind in (OrderKind.ROADMAP, OrderKind.ROADMAP_CHANGE) and not order.roadmap_id:
        errors.append("Укажите дорожную карту, которую утверждает приказ.")
    return errors


def missing_values(order: Order, content: dict | None = None) -> list[str]:
    """What the curator must still fill before the order can be sent or approved, one line per place."""
    content = content if content is not None else documents.order_content(order)
    errors = []
    if not (content["heading"] or "").strip():
        errors.append("Укажите заголовок приказа («О …»).")
    if not content["items"]:
        errors.append("В приказе нет ни одного пункта распорядительной части.")
    errors += kind_problems(order)
    if order.kind == OrderKind.PAIRS and order.start_rule == Order.StartRule.DATE and not order.starts_on:
        errors.append(f"Укажите дату начала работы пар (поле «{FIELD_LABELS['starts_on']}»).")
    if order.kind == OrderKind.FINAL_EVENT:
        if not order.event_date:
            errors.append(f"Укажите дату проведения итогового мероприятия (поле «{FIELD_LABELS['event_date']}»).")
        if not order.event_place.strip():
            errors.append(f"Укажите место проведения итогового мероприятия (поле «{FIELD_LABELS['event_place']}»).")
    raw = " ".join([order.heading, order.preamble, *order_items.plain(order.items), order.control_item])
    for key, (what, name) in documents.ORDER_PLACEHOLDERS.items():
        if name == "starts_on" or "{" + key + "}" not in raw or getattr(order, name):
            continue
        errors.append(f"Укажите {what} (поле «{FIELD_LABELS[name]}»).")
    errors += _blanks("Заголовок", content["heading"])
    errors += _blanks("Преамбула", content["preamble"])
    for item in order_items.shown(content["items"]):
        errors += _blanks(f"Пункт {item['number'].rstrip('.')}", item["text"])
    errors += _blanks("Пункт о контроле", content["control_item"])
    return list(dict.fromkeys(errors))


def check_complete(order: Order, content: dict | None = None) -> None:
    """An order goes to the head, and is approved, only with nothing left to fill: the list says what is missing."""
    errors = missing_values(order, content)
    if errors:
        raise ValidationError(errors)


def date_conflicts(order: Order, day: date) -> list[str]:
    """Dates the order states that would already be past if it were signed on `day`."""
    out = []
    stated = order.starts_on if order.start_rule == Order.StartRule.DATE else None
    if order.kind == OrderKind.PAIRS and stated and stated < day:
        out.append(
            f"Пары (группы) по тексту приказа начинают работу с {stated:%d.%m.%Y}, "
            f"а приказ подписывается {day:%d.%m.%Y}: эта дата уже прошла."
        )
    labels = {
        OrderKind.PAIRS: "Срок разработки программ",
        OrderKind.FINAL_EVENT: "Срок подготовки материалов",
    }
    if order.kind in labels and order.due_on and order.due_on < day:
        out.append(f"{labels[order.kind]} по тексту приказа — {order.due_on:%d.%m.%Y}: эта дата уже прошла.")
    if order.kind == OrderKind.FINAL_EVENT and order.event_date and order.event_date < day:
        out.append(f"Дата проведения мероприятия по тексту приказа — {order.event_date:%d.%m.%Y}: она уже прошла.")
    return out


def start_alternative(order: Order, day: date) -> dict | None:
    """The head's way out of a past start date: the same order with «со дня подписания» — its exact content.

    None when the order has no such conflict or when another date of it is past too (then only return helps).
    """
    conflicts = date_conflicts(order, day)
    if order.kind != OrderKind.PAIRS or order.start_rule != Order.StartRule.DATE or not conflicts:
        return None
    if not (order.starts_on and order.starts_on < day) or len(conflicts) > 1:
        return None
    original = order.start_rule
    order.start_rule = Order.StartRule.SIGNING
    try:
        return documents.order_content(order)
    finally:
        order.start_rule = original


def _locked(order: Order) -> Order:
    # of=("self",): lock the order's row only, not its organisation's (which every approval shares).
    return Order.objects.select_for_update(of=("self",)).select_related("organization").get(pk=order.pk)


def _sync(target: Order, source: Order) -> None:
    """Copy the stored state onto the caller's instance so it sees what happened."""
    for field in Order._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# --- sending and returning ----------------------------------------------------------------------------------


def submit_order(order: Order, *, by: AbstractBaseUser | None, notify: bool = True, on: date | None = None) -> None:
    """Draft or returned order → «На утверждении»; the head(s) get an e-mail (unless `notify` is False).

    Refused while anything is left to fill or a date the text states has already passed on `on` (today by
    default; the demo sends its history on earlier days). Sending freezes the content the head will review.
    """
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(order)
        if locked.status not in Order.EDITABLE_STATUSES:
            raise ValidationError(
                f"Отправить на утверждение можно только черновик или возвращённый приказ; "
                f"этот приказ — «{locked.get_status_display()}»."
            )
        content = documents.order_content(locked)
        check_complete(locked, content)
        conflicts = date_conflicts(locked, day)
        if conflicts:
            raise ValidationError([*conflicts, "Укажите в проекте новые сроки и отправьте его снова."])
        add_executors_to_acknowledgements(locked)
        locked.status = Order.Status.SUBMITTED
        locked.frozen, locked.frozen_sha256 = content, documents.content_sha256(content)
        locked.save(update_fields=["status", "frozen", "frozen_sha256", "updated_at"])
        OrderEvent.objects.create(order=locked, actor=by, action=OrderEvent.Action.SUBMITTED)
    _sync(order, locked)
    if notify:
        emails.order_submitted(locked)


def return_order(order: Order, *, by: AbstractBaseUser | None, comment: str, notify: bool = True) -> None:
    """Submitted order → back to its author for revision, with the head's comment (e-mailed unless not `notify`)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Напишите, что нужно исправить: комментарий увидит автор проекта.")
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != Order.Status.SUBMITTED:
            raise ValidationError(
                f"Вернуть на доработку можно только приказ на утверждении; этот — «{locked.get_status_display()}»."
            )
        _head_person(locked, by)
        locked.status = Order.Status.RETURNED
        locked.frozen, locked.frozen_sha256 = None, ""
        locked.save(update_fields=["status", "frozen", "frozen_sha256", "updated_at"])
        OrderEvent.objects.create(order=locked, actor=by, action=OrderEvent.Action.RETURNED, comment=comment)
    _sync(order, locked)
    if notify:
        emails.order_returned(locked, comment)


def cancel_order(order: Order, *, by: AbstractBaseUser | None, comment: str = "") -> None:
    """A draft, returned or submitted order is abandoned; pairs it proposed go back to drafts."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.status not in (*Order.EDITABLE_STATUSES, Order.Status.SUBMITTED):
            raise ValidationError(f"Отменить нельзя: приказ «{locked.get_status_display()}».")
        if locked.kind == OrderKind.PAIRS:
            still_proposed = Order.objects.exclude(pk=locked.pk).exclude(
                status__in=(Order.Status.CANCELLED, Order.Status.APPROVED)
            )
            for m in locked.mentorships.filter(state=Mentorship.State.PROPOSED).exclude(orders__in=still_proposed):
                m.withdraw_proposal(by=by, note="Проект приказа отменён.")
        locked.status = Order.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        OrderEvent.objects.create(order=locked, actor=by, action=OrderEvent.Action.CANCELLED, comment=comment.strip())
    _sync(order, locked)


# --- effects of an approved order ---------------------------------------------------------------------------


def _order_note(order: Order) -> str:
    return f"Приказ от {order.date:%d.%m.%Y} № {order.reg_number}"


def _locked_mentorships(order: Order) -> list[Mentorship]:
    qs = Mentorship.objects.select_for_update(of=("self",)).filter(pk__in=order.mentorships.values("pk"))
    return list(qs.select_related("mentor").order_by("id"))


def _foreign(order: Order, people) -> None:
    if any(p.organization_id != order.organization_id for p in people):
        raise ValidationError("Приказ называет работника другой организации.")


def _fix_pairs(order: Order, by) -> None:
    for m in _locked_mentorships(order):
        _foreign(order, [m])
        if m.state != Mentorship.State.PROPOSED:
            raise ValidationError(
                f"Пара (группа) наставника {m.mentor.short_name} — «{m.get_state_display()}»: "
                "закрепить приказом можно только пары, включённые в проект приказа."
            )
        # The pairs start on the day the signed text states: its date, or the day of signing.
        start = order.starts_on if order.start_rule == Order.StartRule.DATE and order.starts_on else order.date
        try:
            m.activate(by=by, on=start, note=_order_note(order))
        except PairingBreach as exc:
            # The rules of pairing are checked again under lock (Mentorship.activate); what no longer holds is
            # for the curator to put right in the draft, not for the head to sign.
            raise ValidationError(
                [*exc.messages, "Приказ не утверждён: верните его на доработку, чтобы куратор исправил состав пар."]
            ) from exc
        loops.pairs_fixed(order, m)


def _appoint_curator(order: Order, by) -> None:
    person = order.appointee
    _foreign(order, [person])
    if not person.is_working:
        raise ValidationError(
            f"{person.short_name} {declension.gendered(person, 'уволен', 'уволена')} и не может быть "
            f"{declension.gendered(person, 'назначен', 'назначена')} куратором."
        )
    loops.curator_appointed(order, person, by)


def _end_early(order: Order, by) -> None:
    for m in _locked_mentorships(order):
        _foreign(order, [m])
        if m.state != Mentorship.State.ACTIVE:
            raise ValidationError(
                f"Пара (группа) наставника {m.mentor.short_name} — «{m.get_state_display()}»: "
                "досрочно завершить можно только действующую."
            )
        m.end_early(by=by, on=order.date, reason=order.end_reason, note=_order_note(order))


# --- REGULATION: the regulation and the roadmap become approved (roadmap issue, regulation work) ---


def _approve_regulation(order: Order, by) -> None:
    """The order's regulation and roadmap (whichever it names) become approved by this order."""

    if order.regulation_id:
        regulation_service.approve(order.regulation, order)
    if order.roadmap_id:
        roadmap_versions.approve(order.roadmap, order)


def _approve_roadmap(order: Order, by) -> None:
    """ROADMAP and ROADMAP_CHANGE: the roadmap the order names (its appendix) becomes the approved one."""
    roadmap_versions.approve(order.roadmap, order)


# --- end of the REGULATION effect ---


def apply_effects(order: Order, by: AbstractBaseUser | None) -> None:
    """What the approved order changes in the data, inside the approval's transaction."""
    match order.kind:
        case OrderKind.REGULATION:
            _approve_regulation(order, by)
        case OrderKind.ROADMAP | OrderKind.ROADMAP_CHANGE:
            _approve_roadmap(order, by)
        case OrderKind.CURATOR:
            _appoint_curator(order, by)
        case OrderKind.PAIRS:
            _fix_pairs(order, by)
        case OrderKind.EARLY_END:
            _end_early(order, by)
        case OrderKind.PROGRAMME_CHANGE | OrderKind.FINAL_EVENT | OrderKind.REWARD | OrderKind.FREE:
            pass  # the order records a decision; nothing in the data changes state
        case _:
            raise ValueError(f"Приказ неизвестного вида «{order.kind}»: его действие не определено.")


# --- approval -----------------------------------------------------------------------------------------------


def approved_content(order: Order, day: date, *, start_from_signing: bool = False) -> dict:
    """The content approval may store: the one the head reviewed, if the data behind it still says the same.

    Refuses with the list of differences when the live pairs, people or positions changed since the order was
    sent, with the list of blanks when something is unfilled, and with the dates' conflict when a date the text
    states is already past on `day` (unless the head chose the start «со дня подписания», whose text they saw).
    """
    live = documents.order_content(order)
    # An order sent before contents were frozen is reviewed on the live text, which is what gets stored.
    frozen = order.frozen or live
    differences = documents.content_differences(frozen, live)
    if differences:
        raise ValidationError(
            [
                "С момента отправки на утверждение изменились данные, на которых построен приказ. "
                "Утвердить его в том виде, в каком он был рассмотрен, нельзя: верните приказ на доработку, "
                "чтобы куратор проверил его и отправил заново. Изменилось:",
                *differences,
            ]
        )
    check_complete(order, frozen)
    conflicts = date_conflicts(order, day)
    if start_from_signing:
        alternative = start_alternative(order, day)
        if alternative is None:
            raise ValidationError(
                "Начало работы пар «со дня подписания» выбирается, только когда указанная в приказе дата "
                "начала уже прошла, а другие сроки приказа — нет."
            )
        return alternative
    if conflicts:
        hint = (
            " Выберите начало работы пар со дня подписания приказа или верните приказ на доработку."
            if start_alternative(order, day) is not None
            else " Верните приказ на доработку с комментарием: куратор укажет новые сроки."
        )
        raise ValidationError([*conflicts[:-1], conflicts[-1] + hint])
    return frozen


def locked_counter(org: Organization, year: int) -> OrderCounter:
    """The counter of `org`'s numbers in `year`, locked until the caller's transaction ends (created if new).

    Every registration of a number goes through it — approvals and orders signed on paper — so they queue.
    """
    try:
        # A savepoint: if another approval creates the row at the same moment, ours fails alone and we lock theirs.
        with transaction.atomic():
            OrderCounter.objects.get_or_create(organization=org, year=year)
    except IntegrityError:
        pass
    return OrderCounter.objects.select_for_update().get(organization=org, year=year)


def next_number(org: Organization, year: int) -> int:
    """The next registration number of `org` in `year`; call inside a transaction, which keeps the row locked."""
    counter = locked_counter(org, year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def registration_number(org: Organization, number: int) -> str:
    """«15-од» from the organisation's format; other braces in it are kept as written, never an error."""
    return (org.order_number_format or "{n}").replace("{n}", str(number))


def _signing_moment(day: date):
    """Now; for an order registered on an earlier day, that day at the current time of day."""
    now = timezone.localtime()
    if day == now.date():
        return now
    return now.replace(year=day.year, month=day.month, day=day.day)


def approve_order(
    order: Order,
    *,
    by: AbstractBaseUser | None,
    on: date | None = None,
    effects: bool = True,
    notify: bool = True,
    start_from_signing: bool = False,
    seen_sha256: str | None = None,
    confirmation: second_factor.Confirmation | None = None,
) -> Order:
    """The head approves a submitted order: number, date, signer, effects, acknowledgement list, PDF, hash.

    Approval is a simple electronic signature: where the organisation asks for a one-time code
    (`Organization.approval_code`), `confirmation` is what people.second_factor.confirm returned for the code
    the head typed — without it nothing is approved. The stored PDF carries the signature's mark and QR code
    (roadmap.signing) and an `OrderSignature` records signer, time, method, key and the PDF's SHA-256.

    What is stored is the content frozen when the order was sent (see `approved_content`); approval adds only
    number, date and signer. `start_from_signing` is the head's explicit choice when the stated start date of the
    pairs has passed; `seen_sha256` is the hash of the content the head's page showed — if what would be stored
    differs, nothing is approved.

    `on` dates the approval on an earlier day (today by default); with `effects=False` the order is registered
    without changing the data it names — its effects already happened. `notify=False` sends no e-mail.
    """
    today = timezone.localdate()
    if on is not None and on > today:
        raise ValidationError("Дата утверждения приказа не может быть позже сегодняшнего дня.")
    day = on or today
    if confirmation is None:
        if order.organization.approval_code:
            raise ValidationError(
                "Утверждение подтверждается одноразовым кодом: введите код из приложения-аутентификатора или из письма."
            )
        confirmation = second_factor.without_code(by)
    stored_name = ""
    try:
        with transaction.atomic():
            locked = _locked(order)
            if locked.status != Order.Status.SUBMITTED:
                raise ValidationError(
                    f"Утвердить можно только приказ на утверждении; этот — «{locked.get_status_display()}»."
                )
            signer = roles.order_signer(locked.organization, by)
            content = approved_content(locked, day, start_from_signing=start_from_signing)
            if seen_sha256 is not None and documents.content_sha256(content) != seen_sha256:
                raise ValidationError(
                    "Текст приказа изменился, пока страница была открыта: обновите её и прочитайте приказ ещё раз."
                )
            if start_from_signing:
                locked.start_rule = Order.StartRule.SIGNING
            locked.frozen, locked.frozen_sha256 = content, documents.content_sha256(content)
            locked.number = next_number(locked.organization, day.year)
            locked.year = day.year
            locked.reg_number = registration_number(locked.organization, locked.number)
            locked.date = day
            locked.signer_position = signer.position
            locked.signer_name = signer.name
            locked.approved_by = by
            if effects:
                apply_effects(locked, by)
            if not locked.acknowledgements.exists():
                Acknowledgement.objects.bulk_create(
                    [Acknowledgement(order=locked, person=p) for p in default_acknowledgers(locked)]
                )
            locked.status = Order.Status.APPROVED
            signed_at = _signing_moment(day)
            token = signing.new_token()
            esign = signing.mark(
                owner=signer.person.full_name,
                position=signer.position,
                signed_at=signed_at,
                key_id=confirmation.key_id,
                token=token,
            )
            data = signing.signed_pdf(locked, content, esign)
            locked.pdf_sha256 = hashlib.sha256(data).hexdigest()
            locked.pdf.save(f"prikaz-{locked.number}.pdf", ContentFile(data), save=False)
            stored_name = locked.pdf.name
            locked._registering = True
            locked.save()
            note = f"{_order_note(locked)}. Подписал: {signer.position} {signer.name} — {signer.authority}"
            if start_from_signing:
                note += (
                    f". Указанная в проекте дата начала работы пар ({locked.starts_on:%d.%m.%Y}) прошла; "
                    "руководитель утвердил приказ с началом работы пар со дня подписания."
                )
            OrderSignature.objects.create(
                order=locked,
                signer=by if getattr(by, "pk", None) else None,
                signer_name=signer.person.full_name,
                position=signer.position,
                signed_at=signed_at,
                method=confirmation.method,
                key_id=confirmation.key_id,
                document_sha256=locked.pdf_sha256,
                token=token,
            )
            OrderEvent.objects.create(order=locked, actor=by, action=OrderEvent.Action.APPROVED, comment=note)
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.ORDER_APPROVED,
                user=by,
                username=getattr(by, "username", ""),
                organization=locked.organization,
                detail=f"приказ № {locked.reg_number} от {locked.date:%d.%m.%Y} ({locked.get_kind_display()})",
            )
            organization_changed(locked.organization)
    except BaseException:
        if stored_name:
            order.pdf.storage.delete(stored_name)
        raise
    del locked._registering
    _sync(order, locked)
    if notify:
        emails.order_approved(locked)
    return locked


# --- acknowledgement ----------------------------------------------------------------------------------------


def acknowledge_order(order: Order, person: Person) -> None:
    """`person` has read the approved order («Ознакомлен(а)»); the date goes on the acknowledgement sheet."""
    with transaction.atomic():
        ack = (
            Acknowledgement.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(order=order, person=person)
        )
        ack = ack.first()
        if ack is None:
            raise ValidationError("Вас нет в листе ознакомления с этим приказом.")
        ack.acknowledge()
        OrderEvent.objects.create(
            order=ack.order,
            actor=person.user,
            action=OrderEvent.Action.ACKNOWLEDGED,
            comment=person.short_name,
        )
        emails.order_acknowledged(ack.order, person)
