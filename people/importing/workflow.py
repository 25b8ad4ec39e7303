"""From a read file to the preview and back: the dataset for PersonResource, matching people, the workflow.

The import runs through django-import-export (``people.importing.resource.PersonResource``). This module turns a read
file into the tidy dataset the resource expects (one canonical column per field, names split and capitalised,
empty and total rows set aside, repeated people flagged), and the resource's row results into the preview the
curator reads before anything is written; then it confirms or cancels the stored upload.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from import_export.results import RowResult
from tablib import Dataset

from core.tables import Table, TableError
from core.templatetags.ru import plural_form
from core.text import name_key
from people.changes import organization_changed
from people.importing.cells import (
    COLUMNS,
    FIO,
    FIO_LABEL,
    NAME_FIELDS,
    cell_text,
    clean_name_part,
    is_blank,
    split_fio,
)
from people.importing.reading import Header, read_staff_file
from people.importing.resource import LINE_COLUMN, PROBLEMS_COLUMN, PersonResource
from people.models import Organization, Person, StaffImport

# --- from table to dataset --------------------------------------------------------------------------------------

TOTAL_ROW = re.compile(r"^(итого|всего)\b", re.IGNORECASE)


@dataclass
class SourceRow:
    """One data row of the file as the preview shows it."""

    line: int
    name: str  # the full name as written (or what stands in its place), for the preview
    skipped: str = ""  # why the row is not imported at all (a total row)
    dataset_index: int | None = None  # its row in the dataset given to the resource


@dataclass
class Prepared:
    dataset: Dataset
    rows: list[SourceRow] = field(default_factory=list)


def prepare(table: Table) -> Prepared:
    """The dataset for PersonResource: canonical headers, split names, problems found across rows attached."""
    header = table.header
    value_fields = [name for name in COLUMNS if name not in NAME_FIELDS and name in header.index]
    dataset = Dataset(headers=[*(COLUMNS[n] for n in (*NAME_FIELDS, *value_fields)), LINE_COLUMN, PROBLEMS_COLUMN])
    prepared = Prepared(dataset=dataset)
    first_seen: dict[str, list[tuple[str, int]]] = defaultdict(list)

    for line, cells in table.rows:

        def cell(name: str, cells=cells):
            column = header.index.get(name)
            return cells[column] if column is not None and column < len(cells) else None

        if any(TOTAL_ROW.match(cell_text(value)) for value in cells):
            prepared.rows.append(SourceRow(line=line, name=_first_text(cells), skipped="Итоговая строка"))
            continue
        used = [cell(name) for name in header.index]
        if all(is_blank(value) for value in used):
            continue  # an empty row, or one filled only in columns we do not read (a pre-numbered template)

        problems: dict[str, list[str]] = defaultdict(list)
        raw_parts = split_fio(cell(FIO)) if header.fio_mode else tuple(cell_text(cell(n)) for n in NAME_FIELDS)
        written = " ".join(part for part in raw_parts if part)
        parts = []
        for part, label in zip(raw_parts, ("фамилия", "имя", "отчество"), strict=True):
            try:
                parts.append(clean_name_part(part, label))
            except ValueError:
                parts.append(part)  # the resource's widget reports it with its column
        surname, name, patronymic = parts
        if header.fio_mode:
            if not written:
                problems["surname"].append("ФИО не заполнено.")
            elif not name:
                problems["surname"].append("Указано одно слово, а нужны фамилия и имя (и отчество, если оно есть).")
        elif not surname and not name:
            problems["surname"].append("Фамилия и имя не заполнены.")

        key = name_key(" ".join(parts))
        if key and not problems:
            email = cell_text(cell("email")).lower()
            for seen_email, seen_line in first_seen[key]:
                if not email or not seen_email or email == seen_email:
                    problems["surname"].append(f"Повтор строки {seen_line} — этот работник в файле уже есть.")
                    break
            else:
                first_seen[key].append((email, line))

        values = [cell(name) for name in value_fields]
        dataset.append([surname, name, patronymic, *values, line, dict(problems)])
        prepared.rows.append(SourceRow(line=line, name=written, dataset_index=len(dataset) - 1))
    return prepared


def _first_text(cells: list) -> str:
    return next((cell_text(value) for value in cells if not is_blank(value)), "")


# --- preview ----------------------------------------------------------------------------------------------------

STATUS_NEW = "new"
STATUS_UPDATE = "update"
STATUS_UNCHANGED = "unchanged"
STATUS_ERROR = "error"
STATUS_SKIPPED = "skipped"
STATUSES = (STATUS_ERROR, STATUS_NEW, STATUS_UPDATE, STATUS_UNCHANGED, STATUS_SKIPPED)
_RESULT_STATUS = {
    RowResult.IMPORT_TYPE_NEW: STATUS_NEW,
    RowResult.IMPORT_TYPE_UPDATE: STATUS_UPDATE,
    RowResult.IMPORT_TYPE_SKIP: STATUS_UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: STATUS_ERROR,
    RowResult.IMPORT_TYPE_ERROR: STATUS_ERROR,
}
REQUIRED_MESSAGES = {
    "Обязательное поле.",
    "Это поле не может быть пустым.",
    "Это поле не может иметь значение NULL.",
    "This field cannot be blank.",
    "This field cannot be null.",
}


def _resource(organization: Organization) -> PersonResource:
    return PersonResource(organization=organization)


# Shorter names for the preview's lines of details; the columns themselves keep the full headers.
PREVIEW_LABELS = {**COLUMNS, "qualification_category": "Категория", "experience_years": "Стаж"}


def display_value(field_name: str, value) -> str:
    if field_name == "qualification_category":
        return Person.Category(value).label if value in Person.Category.values else ""
    if value is None or value == "":
        return ""
    if field_name == "experience_years":
        return f"{value} {plural_form(value, 'год', 'года', 'лет')}"
    return str(value)


def _error_messages(header: Header, row_result: RowResult) -> list[list[str]]:
    messages: list[list[str]] = []
    if row_result.validation_error is not None:
        for field_name, errors in row_result.validation_error.message_dict.items():
            label = header.column_label(field_name)
            for message in errors:
                if message in REQUIRED_MESSAGES:
                    message = "Не заполнено."
                # Shown after the column's name and a colon: «Стаж»: не удалось прочитать…
                messages.append([label, message[:1].lower() + message[1:]])
    for error in row_result.errors:
        messages.append(["", f"Строку не удалось проверить ({type(error.error).__name__}). Сообщите администратору."])
    return messages


def _changes(row_result: RowResult, columns: list[str]) -> list[list[str]]:
    changes = []
    for field_name in columns:
        old = getattr(row_result.original, field_name)
        new = getattr(row_result.instance, field_name)
        if old != new:
            label = PREVIEW_LABELS[field_name]
            changes.append([label, display_value(field_name, old) or "—", display_value(field_name, new) or "—"])
    return changes


def summarise(table: Table, prepared: Prepared, result) -> dict:
    """The preview of one run of the resource: every row of the file with its outcome, and the counts."""
    header = table.header
    columns = [*NAME_FIELDS, *(n for n in COLUMNS if n not in NAME_FIELDS and n in header.index)]
    results = result.rows
    counts = dict.fromkeys(STATUSES, 0)
    rows = []
    for source in prepared.rows:
        entry = {"line": source.line, "name": source.name or "—", "status": STATUS_SKIPPED}
        if source.skipped:
            entry["note"] = source.skipped
        else:
            row_result = results[source.dataset_index]
            entry["status"] = _RESULT_STATUS.get(row_result.import_type, STATUS_ERROR)
            instance = row_result.instance
            if entry["status"] == STATUS_ERROR:
                entry["errors"] = _error_messages(header, row_result)
            elif instance is not None:
                entry["name"] = instance.full_name
                entry["position"] = instance.position
            if entry["status"] == STATUS_UPDATE:
                entry["changes"] = _changes(row_result, columns)
            elif entry["status"] == STATUS_NEW:
                entry["fields"] = [
                    [PREVIEW_LABELS[n], display_value(n, getattr(instance, n))]
                    for n in columns
                    if n not in (*NAME_FIELDS, "position") and display_value(n, getattr(instance, n))
                ]
        counts[entry["status"]] += 1
        rows.append(entry)
    base_errors = len(result.base_errors)
    return {
        "counts": counts,
        "total": len(rows),
        "base_errors": base_errors,
        "sheet": table.sheet,
        "header_line": header.line,
        "columns": [[header.titles[n], COLUMNS.get(n, FIO_LABEL)] for n in header.index],
        "ignored": header.ignored,
        "rows": rows,
    }


def can_apply(summary: dict) -> bool:
    counts = summary.get("counts", {})
    return not counts.get(STATUS_ERROR) and not summary.get("base_errors") and bool(summary.get("total"))


def run(organization: Organization, table: Table, *, dry_run: bool) -> tuple[dict, bool]:
    """Run PersonResource over the table; return the preview summary and whether every row went through."""
    prepared = prepare(table)
    result = _resource(organization).import_data(
        prepared.dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    summary = summarise(table, prepared, result)
    ok = not result.has_errors() and not result.has_validation_errors() and can_apply(summary)
    return summary, ok


def start_import(organization: Organization, user, data: bytes, filename: str, table: Table) -> StaffImport:
    """Keep the uploaded file and its preview (a dry run: nothing is written) until it is confirmed or cancelled.

    The uploader's earlier unconfirmed imports in the organisation are cancelled: a new file replaces them.
    """

    summary, _ok = run(organization, table, dry_run=True)
    stale = StaffImport.objects.filter(organization=organization, uploaded_by=user, status=StaffImport.Status.PREVIEW)
    for earlier in stale:
        earlier.cancel()
    staff_import = StaffImport(
        organization=organization, uploaded_by=user, original_name=filename[:255], summary=summary
    )
    staff_import.file.save(filename, ContentFile(data), save=False)
    staff_import.save()
    return staff_import


APPLIED, CLOSED, FAILED, MISSING = "applied", "closed", "failed", "missing"


def confirm_import(staff_import: StaffImport) -> str:
    """Write every row of the stored file in one transaction, or nothing; return what happened.

    The file is checked again against the data as it is now. If a row fails (someone changed the staff list
    since the preview), nothing is written and the refreshed preview is kept for the user to read. CLOSED means
    the import had already been confirmed or cancelled (a second click, another tab); MISSING, that the stored
    file could not be read back (the import is then cancelled).
    """
    with transaction.atomic():
        locked = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
        if not locked.is_open:
            return CLOSED
        try:
            with locked.file.open("rb") as fh:
                data = fh.read()
            table = read_staff_file(data, locked.original_name)
        except (OSError, ValueError, TableError):
            locked.cancel()
            outcome = MISSING
        else:
            summary, ok = run(locked.organization, table, dry_run=False)
            if ok:
                locked.mark_applied(summary)
                organization_changed(locked.organization)
                outcome = APPLIED
            else:
                locked.summary = summary
                locked.save(update_fields=["summary"])
                outcome = FAILED
    staff_import.refresh_from_db()
    return outcome


def cancel_import(staff_import: StaffImport) -> bool:
    """Let go of an unconfirmed import and its file; False if it was already closed."""
    with transaction.atomic():
        locked = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
        if not locked.is_open:
            return False
        locked.cancel()
    staff_import.refresh_from_db()
    return True
