"""The bank of mentees (stage 2): the curator's list and entries, and a teacher's own professional request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from people.access import OrgAccess, org_view
from people.forms import MenteeEntryForm, MenteeRequestForm, StatusChangeForm
from people.models import Consent, Direction, MenteeCategory, MenteeEntry, Person, Purpose, has_consent
from people.resources import MenteeBankResource
from people.views.bank_helpers import (
    BANK_EDITORS,
    BANK_EXPORTERS,
    BANK_VIEWERS,
    apply_sort,
    export_list,
    history_rows,
    int_param,
    page_of,
    search_by_name,
    sort_links,
)

Status = MenteeEntry.Status
SORTS = {
    "name": ("person__name_key", "id"),
    "date": ("request_date", "id"),
    "status": ("status_order", "person__name_key", "id"),
    "category": ("category__position", "category__name", "person__name_key", "id"),
}
DEFAULT_SORT = "-date"
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
HISTORY_FIELDS = ["person_id", "category_id", "difficulties", "request_date", "collected_by_id"]
NO_CONSENT = "Сначала дайте согласие на обработку персональных данных: без него запрос не принимается."
STATUS_FILTERS = [
    ("", "В банке"),
    *[(s.value, s.label) for s in Status],
    ("all", "Все записи"),
]


def get_mentee_entry(access: OrgAccess, pk: int) -> MenteeEntry:
    """An entry of the organisation's bank; the views calling it admit only bank viewers."""
    qs = MenteeEntry.objects.for_org(access.org).select_related("person", "category", "collected_by")
    return get_object_or_404(qs, pk=pk)


def _filtered(request: HttpRequest, access: OrgAccess):
    """The bank as the list's filters ask; returns the queryset and the values the form shows."""
    status = request.GET.get("status", "")
    qs = MenteeEntry.objects.for_org(access.org)
    if status in Status.values:
        qs = qs.filter(status=status)
    elif status != "all":
        status = ""
        qs = qs.in_bank()
    category, direction = int_param(request, "category"), int_param(request, "direction")
    if category:
        qs = qs.filter(category_id=category)
    if direction:
        qs = qs.filter(directions__id=direction)
    q = request.GET.get("q", "").strip()
    qs = search_by_name(qs, q)
    qs, sort = apply_sort(qs.with_status_order(), request, SORTS, DEFAULT_SORT)
    return qs, {"status": status, "category": category, "direction": direction, "q": q, "sort": sort}


@org_view(*BANK_VIEWERS)
def mentee_bank(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs, filters = _filtered(request, access)
    counts = MenteeEntry.objects.for_org(access.org).aggregate(
        in_bank=Count("id", filter=~Q(status__in=[*MenteeEntry.CLOSED_STATUSES, Status.REQUESTED])),
        requests=Count("id", filter=Q(status=Status.REQUESTED)),
    )
    context = {
        "access": access,
        "page": page_of(request, qs.for_list()),
        **filters,
        "counts": counts,
        "sorts": sort_links(filters["sort"], list(SORTS)),
        "status_filters": STATUS_FILTERS,
        "categories": MenteeCategory.objects.filter(organization=access.org),
        "directions": Direction.objects.filter(organization=access.org),
        "filtered": any(request.GET.get(k) for k in ("status", "category", "direction", "q")),
        "can_edit": access.has(*BANK_EDITORS),
        "can_export": access.has(*BANK_EXPORTERS),
    }
    return render(request, "people/banks/mentee_list.html", context)


@org_view(*BANK_EXPORTERS)
def mentee_bank_export(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs, _ = _filtered(request, access)
    back = reverse("people:mentee_bank", args=[access.org.slug])
    return export_list(request, MenteeBankResource(), qs.for_list(), "Банк наставляемых", back)


def _save_entry(form, request: HttpRequest) -> MenteeEntry | None:
    """Save the form's entry; the model's rules (consent, one open entry) come back as errors beside the form."""
    try:
        with transaction.atomic():
            return form.save()
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
            messages.success(request, f"{entry.person.short_name} добавлен(а) в банк наставляемых.")
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


def _detail(request: HttpRequest, access: OrgAccess, entry: MenteeEntry, posted=None) -> HttpResponse:
    context = {
        "access": access,
        "entry": entry,
        "directions": list(entry.directions.all()),
        "history": history_rows(entry, HISTORY_FIELDS),
        "transitions": _transitions(entry, posted) if access.has(*BANK_EDITORS) else [],
        "posted": posted,
        "can_edit": access.has(*BANK_EDITORS) and entry.is_open,
    }
    return render(request, "people/banks/mentee_detail.html", context)


@org_view(*BANK_VIEWERS)
def mentee_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return _detail(request, access, get_mentee_entry(access, pk))


@org_view(*BANK_EDITORS)
@require_POST
def mentee_status(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    entry = get_mentee_entry(access, pk)
    form = _status_form(entry, request.POST)
    if form.is_valid():
        new = form.cleaned_data["status"]
        try:
            with transaction.atomic():
                locked = MenteeEntry.objects.select_for_update().get(pk=entry.pk)
                locked.change_status(
                    new, by=request.user, note=form.cleaned_data["note"], support=form.cleaned_data["support"]
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Статус изменён: «{Status(new).label}».")
            return redirect("people:mentee_detail", access.org.slug, entry.pk)
    return _detail(request, access, entry, posted=form)


@org_view(*BANK_VIEWERS)
def without_consent(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Working staff who have not given consent to process personal data: they cannot enter either bank."""
    q = request.GET.get("q", "").strip()
    withdrawn = Consent.objects.filter(person=OuterRef("pk"), purpose=Purpose.PERSONAL_DATA, withdrawn_on__isnull=False)
    people = (
        Person.objects.for_org(access.org)
        .working()
        .exclude(has_consent(Purpose.PERSONAL_DATA))
        .annotate(withdrawn_on=Subquery(withdrawn.order_by("-withdrawn_on").values("withdrawn_on")[:1]))
        .search(q)
        .select_related("organization")
        .order_by("name_key", "id")
    )
    context = {"access": access, "page": page_of(request, people), "q": q}
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


urlpatterns = [
    path("bank/mentees/", mentee_bank, name="mentee_bank"),
    path("bank/mentees/export/", mentee_bank_export, name="mentee_bank_export"),
    path("bank/mentees/new/", mentee_create, name="mentee_create"),
    path("bank/mentees/<int:pk>/", mentee_detail, name="mentee_detail"),
    path("bank/mentees/<int:pk>/edit/", mentee_edit, name="mentee_edit"),
    path("bank/mentees/<int:pk>/status/", mentee_status, name="mentee_status"),
    path("bank/without-consent/", without_consent, name="bank_without_consent"),
    path("my/request/", my_request, name="my_request"),
]
