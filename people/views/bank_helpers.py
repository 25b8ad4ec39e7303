"""What the bank pages share: who may see and change the banks, list helpers, the history of an entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from people.models import Role
from people.resources import EXPORT_FORMATS, export_response
from people.text import as_id, initials_name, name_key

# The head follows the banks and exports them; keeping them is the curator's job (and the administrator's,
# who often enters paper questionnaires). The methodical council helps to match pairs, so it may look.
BANK_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.COUNCIL)
BANK_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
BANK_EXPORTERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN)
PAGE_SIZE = 25


def page_of(request: HttpRequest, qs, size: int = PAGE_SIZE) -> Page:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def search_by_name(qs, text: str):
    """Entries whose person's name contains every word of `text` (as Person.objects.search does)."""
    for word in name_key(text).split():
        qs = qs.filter(person__name_key__contains=word)
    return qs


def int_param(request: HttpRequest, name: str) -> int | None:
    """A positive whole number from the query string, or None when absent or not a number."""
    return as_id(request.GET.get(name, ""))


def apply_sort(qs, request: HttpRequest, sorts: dict[str, tuple[str, ...]], default: str) -> tuple:
    """Order by ?sort=key or ?sort=-key (a key of `sorts`); return the queryset and the sort in force."""
    wanted = request.GET.get("sort", default)
    key = wanted.removeprefix("-")
    if key not in sorts:
        wanted, key = default, default.removeprefix("-")
    fields = sorts[key]
    if wanted.startswith("-"):
        fields = tuple(f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields)
    return qs.order_by(*fields), wanted


def sort_links(current: str, keys: list[str]) -> dict[str, dict]:
    """For each sortable column: the ?sort value its header link sets, and the arrow to show."""
    links = {}
    for key in keys:
        if current == key:
            links[key] = {"value": f"-{key}", "arrow": "↑"}
        elif current == f"-{key}":
            links[key] = {"value": key, "arrow": "↓"}
        else:
            links[key] = {"value": key, "arrow": ""}
    return links


def export_list(request: HttpRequest, resource, qs, basename: str, back: str) -> HttpResponse:
    fmt = request.GET.get("fmt", "")
    if fmt not in EXPORT_FORMATS:
        messages.error(request, "Выберите формат выгрузки: XLSX или CSV.")
        return redirect(back)
    access = getattr(request, "access", None)
    return export_response(resource, qs, fmt, basename, request=request, org=access.org if access else None)


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
