"""The bank of mentees (stage 2): the curator's list and entries, and a teacher's own professional request.

The list, its export, an entry's page and its change of status are the views both banks share (bank_helpers),
given MENTEES, this bank's description.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.lists import page_of
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.declension import gendered
from people.filters import MENTEE_STATUSES, MenteeBankFilter, PeopleSearchFilter
from people.forms import MenteeEntryForm, MenteeRequestForm, StatusChangeForm
from people.models import (
    Consent,
    Direction,
    MenteeCategory,
    MenteeEntry,
    Organization,
    Person,
    Purpose,
    has_consent,
)
from people.resources import MenteeBankResource
from people.views.bank_helpers import (
    BANK_EDITORS,
    BANK_VIEWERS,
    Bank,
)

Status = MenteeEntry.Status
# Pairs and groups are formed by the pairs work and fixed by an order; the bank does not put anyone in a pair.
MANUAL_TARGETS = [s for s in Status if s != Status.IN_PAIR]
ACTIONS = {
    Status.WAITING: "Вернуть в ожидание наставника",
    Status.SUPPORTED: "Сопровождать без пары",
    Status.FINISHED: "Отметить завершение программы",
    Status.LEFT: "Вывести из банка",
    Status.DECLINED: "Отклонить заявку",
}
NOTE_LABELS = {Status.LEFT: "Причина выбытия из банка", Status.DECLINED: "Причина отклонения заявки"}
NO_CONSENT = "Сначала дайте согласие на обработку персональных данных: без него запрос не принимается."


def get_mentee_entry(access: OrgAccess, pk: int) -> MenteeEntry:
    """An entry of the organisation's bank; the views calling it admit only bank viewers."""
    qs = MenteeEntry.objects.for_org(access.org).select_related("person", "category", "collected_by")
    return get_object_or_404(qs, pk=pk)


def _list_context(org: Organization) -> dict:
    counts = MenteeEntry.objects.for_org(org).aggregate(
        in_bank=Count("id", filter=~Q(status__in=[*MenteeEntry.CLOSED_STATUSES, Status.REQUESTED])),
        requests=Count("id", filter=Q(status=Status.REQUESTED)),
    )
    return {
        "counts": counts,
        "categories": MenteeCategory.objects.filter(organization=org),
        "directions": Direction.objects.filter(organization=org),
    }


def _save_entry(form, request: HttpRequest) -> MenteeEntry | None:
    """Save the form's entry; the model's rules (consent, one open entry) come back as errors beside the form."""
    try:
        with transaction.atomic():
            entry = form.save()
            organization_changed(entry.organization)
            return entry
    except ValidationError as exc:
        form.add_error(None, exc)
    except IntegrityError:
        form.add_error(None, "У работника уже есть действующая запись в банке наставляемых.")
    return None


@org_view(*BANK_EDITORS)
def mentee_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    entry = MenteeEntry(organization=access.org, status=Status.WAITING)
    initial = {"collected_by": access.person.pk}
    form = MenteeEntryForm(request.POST or None, instance=entry, organization=access.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = _save_entry(form, request)
        if entry is not None:
            added = gendered(entry.person, "добавлен", "добавлена")
            messages.success(request, f"{entry.person.short_name} {added} в банк наставляемых.")
            return redirect("people:mentee_detail", access.org.slug, entry.pk)
    without_consent = [p for p in form.fields["person"].queryset if not p.pd_consent]
    context = {"access": access, "form": form, "entry": None, "without_consent": without_consent}
    return render(request, "people/banks/mentee_form.html", context)


@org_view(*BANK_EDITORS)
def mentee_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    entry = get_mentee_entry(access, pk)
    if not entry.is_open:
        messages.error(request, "Запись закрыта: её статус «" + entry.get_status_display() + "». Изменить её нельзя.")
        return redirect("people:mentee_detail", access.org.slug, entry.pk)
    form = MenteeEntryForm(request.POST or None, instance=entry, organization=access.org)
    if request.method == "POST" and form.is_valid() and _save_entry(form, request) is not None:
        messages.success(request, "Изменения сохранены.")
        return redirect("people:mentee_detail", access.org.slug, entry.pk)
    return render(request, "people/banks/mentee_form.html", {"access": access, "form": form, "entry": entry})


def _transitions(entry: MenteeEntry, posted: StatusChangeForm | None = None) -> list[dict]:
    """The status changes the curator may make now, each with its own small form."""
    allowed = [s for s in MANUAL_TARGETS if s in MenteeEntry.TRANSITIONS[entry.status]]
    items = []
    for target in allowed:
        label = "Принять в банк" if entry.status == Status.REQUESTED and target == Status.WAITING else ACTIONS[target]
        form = posted if posted is not None and posted.data.get("status") == target else None
        items.append(
            {
                "value": target.value,
                "label": label,
                "needs_note": target in MenteeEntry.NOTE_REQUIRED,
                "note_label": NOTE_LABELS.get(target, "Комментарий (необязательно)"),
                "needs_support": target == Status.SUPPORTED,
                "danger": target in (Status.LEFT, Status.DECLINED),
                "form": form,
            }
        )
    return items


def _status_form(entry: MenteeEntry, data=None) -> StatusChangeForm:
    choices = [(s.value, s.label) for s in MANUAL_TARGETS if s in MenteeEntry.TRANSITIONS[entry.status]]
    return StatusChangeForm(data, choices=choices, note_required=MenteeEntry.NOTE_REQUIRED)


def _change_status(entry: MenteeEntry, data: dict, by) -> None:
    entry.change_status(data["status"], by=by, note=data["note"], support=data["support"])


MENTEES = Bank(
    name="mentee",
    title="Банк наставляемых",
    filters=MenteeBankFilter,
    statuses=MENTEE_STATUSES,
    resource=MenteeBankResource,
    history_fields=["person_id", "category_id", "difficulties", "request_date", "collected_by_id"],
    entries=lambda org: MenteeEntry.objects.for_org(org).with_status_order(),
    for_list=lambda qs: qs.for_list(),
    list_context=_list_context,
    get_entry=get_mentee_entry,
    entry_context=lambda access, entry: {"directions": list(entry.directions.all())},
    transitions=_transitions,
    status_form=_status_form,
    change_status=_change_status,
)


@org_view(*BANK_VIEWERS)
def without_consent(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Working staff who have not given consent to process personal data: they cannot enter either bank."""
    withdrawn = Consent.objects.filter(person=OuterRef("pk"), purpose=Purpose.PERSONAL_DATA, withdrawn_on__isnull=False)
    people = (
        Person.objects.for_org(access.org)
        .working()
        .exclude(has_consent(Purpose.PERSONAL_DATA))
        .annotate(withdrawn_on=Subquery(withdrawn.order_by("-withdrawn_on").values("withdrawn_on")[:1]))
        .select_related("organization")
        .order_by("name_key", "id")
    )
    found = PeopleSearchFilter(request.GET, queryset=people)
    context = {"access": access, "page": page_of(request, found.qs), **found.values}
    return render(request, "people/banks/without_consent.html", context)


# --- a teacher's own request ---------------------------------------------------------------------------------


def _own_entries(access: OrgAccess):
    return MenteeEntry.objects.for_org(access.org).filter(person=access.person).select_related("category")


@org_view()
def my_request(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """A teacher submits their professional request; they may change it until the curator accepts it."""
    entry = _own_entries(access).open().first()
    has_consent = Consent.objects.active().filter(person=access.person, purpose=Purpose.PERSONAL_DATA).exists()
    editable = has_consent and (entry is None or entry.status == Status.REQUESTED)
    form = None
    if editable:
        instance = entry or MenteeEntry(
            organization=access.org, person=access.person, status=Status.REQUESTED, self_submitted=True
        )
        form = MenteeRequestForm(request.POST or None, instance=instance, organization=access.org)
        if request.method == "POST" and form.is_valid() and _save_entry(form, request) is not None:
            messages.success(
                request,
                "Запрос сохранён." if entry else "Запрос отправлен куратору. Он рассмотрит его и включит вас в банк.",
            )
            return redirect("people:my_request", access.org.slug)
    elif request.method == "POST":
        messages.error(request, "Запрос сейчас изменить нельзя." if has_consent else NO_CONSENT)
        return redirect("people:my_request", access.org.slug)
    context = {
        "access": access,
        "entry": entry,
        "directions": list(entry.directions.all()) if entry else [],
        "last_closed": None if entry else _own_entries(access).order_by("-status_changed_at").first(),
        "has_consent": has_consent,
        "form": form,
    }
    return render(request, "people/banks/my_request.html", context)
