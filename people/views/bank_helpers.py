"""What the bank pages share: who may see and change the banks, list helpers, the history of an entry, and the
pages both banks have — the list, its export, an entry's page and its change of status — given a `Bank`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.filters import ListFilterSet
from core.lists import page_of
from core.text import initials_name
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.forms import StatusChangeForm
from people.models import Organization, Role
from people.resources import export_list

# The head follows the banks and exports them; keeping them is the curator's job (and the administrator's,
# who often enters paper questionnaires). The methodical council helps to match pairs, so it may look.
BANK_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.COUNCIL)
BANK_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
BANK_EXPORTERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN)


@dataclass
class HistoryRow:
    when: datetime
    who: str
    created: bool = False
    status: str = ""
    note: str = ""
    support: str = ""
    review: str = ""
    changed: list[str] = field(default_factory=list)


# Fields a history row reports on its own line rather than in the list of changed fields.
_OWN_LINES = {"status", "status_note", "status_changed_at", "support_given", "review", "reviewed_by_id", "reviewed_at"}


def history_rows(entry: models.Model, fields: list[str]) -> list[HistoryRow]:
    """The entry's change history, oldest first: who, when, the status and its reason, which fields changed.

    `fields` are the attnames of the entry's own data whose changes are listed by name. One query whatever
    the length of the history: the user comes with each record.
    """
    model = type(entry)
    records = list(
        model.history.filter(id=entry.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    verbose = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    status_labels = dict(model.Status.choices)
    review_labels = dict(getattr(model, "Review", models.TextChoices).choices)
    rows: list[HistoryRow] = []
    previous = None
    for record in records:
        user = record.history_user
        who = initials_name(user.last_name, user.first_name) if user and user.last_name else ""
        if not who:
            # No account behind the change: a username, or the teacher's own form, or a command (the demo).
            who = user.username if user else ("педагог, личный кабинет" if record.self_submitted else "система")
        row = HistoryRow(when=record.history_date, who=who)
        if previous is None or record.history_type == "+":
            row.created = True
            row.status = status_labels.get(record.status, record.status)
        else:
            row.changed = [
                verbose[name]
                for name in fields
                if name not in _OWN_LINES and getattr(record, name) != getattr(previous, name)
            ]
            if record.status != previous.status:
                row.status = status_labels.get(record.status, record.status)
                row.note = record.status_note
                if record.status == "supported":
                    row.support = record.support_given
            if review_labels and record.review != previous.review:
                row.review = review_labels.get(record.review, record.review)
        if row.created or row.status or row.review or row.changed:
            rows.append(row)
        previous = record
    return rows


# --- the pages both banks have ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bank:
    """What tells the two banks apart. Their URL patterns hand it to the shared views below."""

    name: str  # «mentee», «mentor»: URL names people:<name>_bank, …_detail; templates people/banks/<name>_list.html
    title: str  # «Банк наставляемых», the export's file name
    filters: type[ListFilterSet]
    statuses: list[tuple[str, str]]  # the status choices of the list's form
    resource: type  # the export's resource
    history_fields: list[str]  # attnames of the entry's own data whose changes the history lists by name
    entries: Callable[[Organization], models.QuerySet]  # the organisation's bank as the filters and sorts need it
    for_list: Callable[[models.QuerySet], models.QuerySet]  # what a list shows of an entry, in fixed queries
    list_context: Callable[[Organization], dict]  # the tabs' counts and the choices of the filter form
    get_entry: Callable[[OrgAccess, int], models.Model]  # the entry's access helper
    entry_context: Callable[[OrgAccess, Any], dict]  # what an entry's page shows of its own
    transitions: Callable[[Any, StatusChangeForm | None], list[dict]]  # the status changes offered now
    status_form: Callable[[Any, QueryDict | None], StatusChangeForm]
    change_status: Callable[[Any, dict, Any], None]  # (locked entry, the valid form's data, user)
    for_export: Callable[[models.QuerySet], models.QuerySet] = lambda qs: qs  # what the export adds to the list's


def _filtered(request: HttpRequest, access: OrgAccess, bank: Bank) -> ListFilterSet:
    return bank.filters(request.GET, queryset=bank.entries(access.org))


@org_view(*BANK_VIEWERS)
def bank_list(request: HttpRequest, access: OrgAccess, bank: Bank) -> HttpResponse:
    filters = _filtered(request, access, bank)
    context = {
        "access": access,
        "page": page_of(request, bank.for_list(filters.qs)),
        **filters.values,
        **bank.list_context(access.org),
        "sorts": filters.sort_links,
        "status_filters": bank.statuses,
        "filtered": filters.filtered,
        "can_edit": access.has(*BANK_EDITORS),
        "can_export": access.has(*BANK_EXPORTERS),
    }
    return render(request, f"people/banks/{bank.name}_list.html", context)


@org_view(*BANK_EXPORTERS)
def bank_export(request: HttpRequest, access: OrgAccess, bank: Bank) -> HttpResponse:
    qs = bank.for_export(bank.for_list(_filtered(request, access, bank).qs))
    back = reverse(f"people:{bank.name}_bank", args=[access.org.slug])
    return export_list(request, bank.resource(), qs, bank.title, back)


def render_entry(request: HttpRequest, access: OrgAccess, bank: Bank, entry, posted=None) -> HttpResponse:
    """An entry's page; `posted` is a status form that did not pass, shown again with its errors."""
    editor = access.has(*BANK_EDITORS)
    context = {
        "access": access,
        "entry": entry,
        **bank.entry_context(access, entry),
        "history": history_rows(entry, bank.history_fields),
        "transitions": bank.transitions(entry, posted) if editor else [],
        "action_url": reverse(f"people:{bank.name}_status", args=[access.org.slug, entry.pk]),
        "posted": posted,
        "can_edit": editor and entry.is_open,
    }
    return render(request, f"people/banks/{bank.name}_detail.html", context)


@org_view(*BANK_VIEWERS)
def entry_detail(request: HttpRequest, access: OrgAccess, pk: int, bank: Bank) -> HttpResponse:
    return render_entry(request, access, bank, bank.get_entry(access, pk))


@org_view(*BANK_EDITORS)
@require_POST
def entry_status(request: HttpRequest, access: OrgAccess, pk: int, bank: Bank) -> HttpResponse:
    entry = bank.get_entry(access, pk)
    form = bank.status_form(entry, request.POST)
    if form.is_valid():
        model = type(entry)
        try:
            with transaction.atomic():
                bank.change_status(model.objects.select_for_update().get(pk=entry.pk), form.cleaned_data, request.user)
                organization_changed(access.org)  # a selected mentor, a mentee in the bank: the roadmap counts them
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Статус изменён: «{model.Status(form.cleaned_data['status']).label}».")
            return redirect(f"people:{bank.name}_detail", access.org.slug, entry.pk)
    return render_entry(request, access, bank, entry, posted=form)
