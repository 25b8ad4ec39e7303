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
    clean_email,
    clean_name_part,
    clean_phone,
    clean_position,
    experience_note,
    format_date,
    is_blank,
    parse_category,
    parse_experience,
    parse_hire_date,
    phone_digits,
    split_fio,
)
from people.importing.reading import Header, read_staff_file
from people.importing.resource import LINE_COLUMN, PROBLEMS_COLUMN, PersonResource
from people.models import Organization, Person, StaffImport, StaffImportRow

# --- from table to dataset --------------------------------------------------------------------------------------

TOTAL_ROW = re.compile(r"^(итого|всего)\b", re.IGNORECASE)
VALUE_CLEANERS = {
    "position": clean_position,
    "qualification_category": parse_category,
    "experience_years": parse_experience,
    "email": clean_email,
    "phone": clean_phone,
    "hired_on": parse_hire_date,
}
NAME_LABELS = ("фамилия", "имя", "отчество")
LEFT_OUT = "Значение не загружено — исправьте его в файле и загрузите снова."


@dataclass
class SourceRow:
    """One data row of the file as the preview shows it."""

    line: int
    name: str  # the full name as written (or what stands in its place), for the preview
    cells: list[str] = field(default_factory=list)  # the row as the file has it, column by column
    skipped: list[str] = field(default_factory=list)  # [column, why] the row cannot become a person
    merged_into: int | None = None  # for a person repeated in the file: the line of the row it was merged into
    dataset_index: int | None = None  # its row in the dataset given to the resource
    flags: list[list[str]] = field(default_factory=list)  # [column, message]: a value left out or in doubt
    notes: list[list[str]] = field(default_factory=list)  # [column, message]: how a value was read


@dataclass
class _Person:
    """A person of the file: the first row that names them, with the values of every row that repeats them."""

    source: SourceRow
    parts: list[str]
    email: str
    raw: dict = field(default_factory=dict)  # field → the cell as written (it cleans without error)
    clean: dict = field(default_factory=dict)  # field → the cleaned value, to compare repeats


@dataclass
class Prepared:
    dataset: Dataset
    rows: list[SourceRow] = field(default_factory=list)


def _same(field_name: str, one, other) -> bool:
    if field_name == "phone":
        return phone_digits(one) == phone_digits(other)
    if isinstance(one, str) and isinstance(other, str):
        return one.lower().replace("ё", "е") == other.lower().replace("ё", "е")
    return one == other


def _name_problem(header: Header, raw_parts, written: str) -> list[str]:
    """Why a row cannot become a person, as [column, message]; an empty list when it can."""
    column = header.column_label("surname")
    if header.fio_mode:
        if not written:
            return [column, "не заполнено."]
        if not raw_parts[1]:
            return [column, "указано одно слово, а нужны фамилия и имя (и отчество, если оно есть)."]
    elif not raw_parts[0] and not raw_parts[1]:
        return ["", "Фамилия и имя не заполнены."]
    for field_name, part, label in zip(NAME_FIELDS, raw_parts, NAME_LABELS, strict=True):
        try:
            clean_name_part(part, label)
        except ValueError as problem:
            message = str(problem)
            return [header.column_label(field_name), message[:1].lower() + message[1:]]
    return []


def prepare(table: Table) -> Prepared:
    """The dataset for PersonResource: one row per person, with only the values that can be stored.

    A row that cannot become a person is set aside with its reason; a value that cannot be read is left out and
    flagged; a person repeated in the file is one dataset row, its values merged and conflicts flagged. Two rows
    with one name and different e-mails are namesakes, not a repeat.
    """
    header = table.header
    value_fields = [name for name in COLUMNS if name not in NAME_FIELDS and name in header.index]
    dataset = Dataset(headers=[*(COLUMNS[n] for n in (*NAME_FIELDS, *value_fields)), LINE_COLUMN, PROBLEMS_COLUMN])
    prepared = Prepared(dataset=dataset)
    people: list[_Person] = []
    by_key: dict[str, list[_Person]] = defaultdict(list)

    for line, cells in table.rows:

        def cell(name: str, cells=cells):
            column = header.index.get(name)
            return cells[column] if column is not None and column < len(cells) else None

        as_written = [cell_text(value) for value in cells]
        if any(TOTAL_ROW.match(text) for text in as_written):
            # Not given back to fix: there is nothing in it to correct.
            prepared.rows.append(SourceRow(line, _first_text(cells), skipped=["", "Итоговая строка."]))
            continue
        if all(is_blank(cell(name)) for name in header.index):
            continue  # an empty row, or one filled only in columns we do not read (a pre-numbered template)

        raw_parts = split_fio(cell(FIO)) if header.fio_mode else tuple(cell_text(cell(n)) for n in NAME_FIELDS)
        written = " ".join(part for part in raw_parts if part)
        source = SourceRow(line, written, as_written)
        prepared.rows.append(source)
        if problem := _name_problem(header, raw_parts, written):
            source.skipped = problem
            continue
        parts = [clean_name_part(part, label) for part, label in zip(raw_parts, NAME_LABELS, strict=True)]
        person = _Person(source, parts, "")
        for name in value_fields:
            raw = cell(name)
            if is_blank(raw):
                continue
            try:
                cleaned = VALUE_CLEANERS[name](raw)
            except ValueError as problem:
                source.flags.append([header.column_label(name), f"{problem} {LEFT_OUT}"])
                continue
            person.raw[name], person.clean[name] = raw, cleaned
            if name == "experience_years" and (note := experience_note(raw, cleaned)):
                source.notes.append([header.column_label(name), note])
        person.email = (person.clean.get("email") or "").lower()

        key = name_key(" ".join(parts))
        first = next((p for p in by_key[key] if not (person.email and p.email and person.email != p.email)), None)
        if first is None:
            by_key[key].append(person)
            people.append(person)
        else:
            _merge(header, first, person)

    for person in people:
        values = [person.raw.get(name) for name in value_fields]
        dataset.append([*person.parts, *values, person.source.line, {}])
        person.source.dataset_index = len(dataset) - 1
    return prepared


def _merge(header: Header, first: _Person, repeat: _Person) -> None:
    """Fold a repeated row into the person's first row: new values are taken, differing ones flagged on both."""
    repeat.source.merged_into = first.source.line
    for name, cleaned in repeat.clean.items():
        if name not in first.clean:
            first.raw[name], first.clean[name] = repeat.raw[name], cleaned
            if name == "email":
                first.email = repeat.email
        elif not _same(name, first.clean[name], cleaned):
            label = header.column_label(name)
            kept, other = cell_text(first.raw[name]), cell_text(repeat.raw[name])
            first_line, repeat_line = first.source.line, repeat.source.line
            first.source.flags.append(
                [label, f"в строке {repeat_line} указано «{other}»; оставлено «{kept}» из строки {first_line}."]
            )
            repeat.source.flags.append(
                [label, f"«{other}» расходится со строкой {first_line}, где «{kept}»; оставлено «{kept}»."]
            )


def _first_text(cells: list) -> str:
    return next((cell_text(value) for value in cells if not is_blank(value)), "")


# --- preview ----------------------------------------------------------------------------------------------------

STATUS_NEW = "new"
STATUS_UPDATE = "update"
STATUS_UNCHANGED = "unchanged"
STATUS_MERGED = "merged"
STATUS_SKIPPED = "skipped"
STATUS_ERROR = "error"  # not an outcome any more: a row the resource refuses is skipped with its reasons
STATUSES = (STATUS_NEW, STATUS_UPDATE, STATUS_UNCHANGED, STATUS_MERGED, STATUS_SKIPPED)
FLAGGED = "flagged"  # a count and a filter across statuses: rows with a value left out or in doubt
LOADED = (STATUS_NEW, STATUS_UPDATE, STATUS_UNCHANGED)
_RESULT_STATUS = {
    RowResult.IMPORT_TYPE_NEW: STATUS_NEW,
    RowResult.IMPORT_TYPE_UPDATE: STATUS_UPDATE,
    RowResult.IMPORT_TYPE_SKIP: STATUS_UNCHANGED,
}
REQUIRED_MESSAGES = {
    "Обязательное поле.",
    "Это поле не может быть пустым.",
    "Это поле не может иметь значение NULL.",
    "This field cannot be blank.",
    "This field cannot be null.",
}


def _resource(organization: Organization, on_row=None) -> PersonResource:
    return PersonResource(organization=organization, on_row=on_row)


# Shorter names for the preview's lines of details; the columns themselves keep the full headers.
PREVIEW_LABELS = {
    **COLUMNS,
    "qualification_category": "Категория",
    "experience_years": "Стаж",
    "hired_on": "Принят(а)",
}


def display_value(field_name: str, value) -> str:
    if field_name == "qualification_category":
        return Person.Category(value).label if value in Person.Category.values else ""
    if value is None or value == "":
        return ""
    if field_name == "experience_years":
        return f"{value} {plural_form(value, 'год', 'года', 'лет')}"
    if field_name == "hired_on":
        return format_date(value)
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
    counts = dict.fromkeys((*STATUSES, FLAGGED), 0)
    rows = []
    for source in prepared.rows:
        entry = {"line": source.line, "name": source.name or "—", "status": STATUS_SKIPPED}
        if source.skipped:
            entry["errors"] = [source.skipped]
        elif source.merged_into is not None:
            entry["status"] = STATUS_MERGED
            entry["note"] = f"Повтор: этот работник уже есть в строке {source.merged_into}, сведения объединены."
        else:
            row_result = results[source.dataset_index]
            entry["status"] = _RESULT_STATUS.get(row_result.import_type, STATUS_SKIPPED)
            instance = row_result.instance
            if entry["status"] == STATUS_SKIPPED:
                entry["errors"] = _error_messages(header, row_result)
            elif instance is not None:
                entry["name"] = instance.full_name
                entry["position"] = instance.position
                entry["person"] = instance.pk
            if entry["status"] == STATUS_UPDATE:
                entry["changes"] = _changes(row_result, columns)
            elif entry["status"] == STATUS_NEW:
                entry["fields"] = [
                    [PREVIEW_LABELS[n], display_value(n, getattr(instance, n))]
                    for n in columns
                    if n not in (*NAME_FIELDS, "position") and display_value(n, getattr(instance, n))
                ]
        if source.flags:
            entry["flags"] = source.flags
            counts[FLAGGED] += 1
        if source.notes:
            entry["notes"] = source.notes
        if (entry["status"] == STATUS_SKIPPED or source.flags) and source.cells:
            entry["cells"] = source.cells  # given back in the file of rows to fix
        counts[entry["status"]] += 1
        rows.append(entry)
    return {
        "counts": counts,
        "total": len(rows),
        "base_errors": len(result.base_errors),
        "sheet": table.sheet or table.where,
        "header_line": header.line,
        "columns": [[header.titles[n], COLUMNS.get(n, FIO_LABEL)] for n in header.index],
        "ignored": header.ignored,
        "file_columns": header.row,
        "rows": rows,
    }


def people_loaded(summary: dict) -> int:
    """How many people the file gives the staff list: added, updated and already there as written."""
    counts = summary.get("counts", {})
    return sum(counts.get(status, 0) for status in LOADED)


def can_apply(summary: dict) -> bool:
    return not summary.get("base_errors") and people_loaded(summary) > 0


def preview_counts(staff_import_pk: int) -> dict:
    """The preview's counts and base errors without its rows: a 20,000-row summary weighs megabytes."""
    values = StaffImport.objects.filter(pk=staff_import_pk).values("summary__counts", "summary__base_errors").first()
    if values is None:
        return {}
    return {"counts": values["summary__counts"] or {}, "base_errors": values["summary__base_errors"] or 0}


def _outcome_counts(summary: dict) -> tuple:
    counts = summary.get("counts", {})
    return tuple(counts.get(status, 0) for status in STATUSES)


def run(organization: Organization, table: Table, *, dry_run: bool, progress=None) -> tuple[dict, bool]:
    """Run PersonResource over the table; return the preview summary and whether it may be written.

    A row the resource refuses (a new person without a position, an unclear namesake) is skipped with its
    reasons, like a row without a name; only an unexpected failure stops the run.
    """
    prepared = prepare(table)
    on_row = None
    if progress is not None:
        total = len(prepared.dataset)
        doing = "Проверяем строки" if dry_run else "Проверяем и записываем строки"
        progress(0, total, f"{doing}: {total} работников из файла.")

        def on_row(done: int) -> None:
            progress(done)

    result = _resource(organization, on_row).import_data(
        prepared.dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=False
    )
    summary = summarise(table, prepared, result)
    ok = not result.has_errors() and can_apply(summary)
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


def store_upload(organization: Organization, user, data: bytes, filename: str) -> StaffImport:
    """Keep an uploaded file whose preview is still to be built (by `check_import`, in a background job)."""
    staff_import = StaffImport(organization=organization, uploaded_by=user, original_name=filename[:255])
    staff_import.file.save(filename, ContentFile(data), save=False)
    staff_import.save()
    return staff_import


CHECKED = "checked"


def check_import(staff_import: StaffImport, progress=None) -> str:
    """Build the preview of a stored upload (a dry run: nothing is written but the preview itself).

    Returns CHECKED; CLOSED if the import was cancelled or checked already; MISSING if the stored file cannot be
    read back (the import is then cancelled). A file whose full read refuses it (too many rows, say: the upload
    form looked only at its beginning) is cancelled, and TableError is raised with the user's message. As in
    `start_import`, the uploader's earlier unconfirmed imports are cancelled once this one's preview is ready.
    """
    refusal = None
    with transaction.atomic():
        locked = StaffImport.objects.select_for_update().defer("summary").get(pk=staff_import.pk)
        if not locked.is_open or preview_counts(locked.pk).get("counts"):
            return CLOSED
        try:
            summary, _ok = _run_stored(locked, dry_run=True, progress=progress)
        except _Unreadable as unreadable:
            locked.cancel()
            refusal = unreadable.refusal
        else:
            if progress is not None:  # every row read (the bar is written at most twice a second: its last step)
                progress(len(summary.get("rows", [])), None, "Сохраняем итог проверки…")
            stale = StaffImport.objects.filter(
                organization=locked.organization, uploaded_by=locked.uploaded_by_id, status=StaffImport.Status.PREVIEW
            ).exclude(pk=locked.pk)
            for earlier in stale:
                earlier.cancel()
            locked.summary = summary
            locked.save(update_fields=["summary"])
    if refusal:  # raised once the cancellation is saved
        raise TableError(refusal)
    if refusal is not None:
        return MISSING
    staff_import.refresh_from_db()
    return CHECKED


class _Unreadable(Exception):
    """The stored upload can no longer be read back (deleted), or its full read refuses it (`refusal`, for the
    user: the upload form looked at its beginning only)."""

    def __init__(self, refusal: str = "") -> None:
        super().__init__(refusal or "the stored upload cannot be read")
        self.refusal = refusal


def _run_stored(staff_import: StaffImport, *, dry_run: bool, progress) -> tuple[dict, bool]:
    """`run` over a stored upload. The file's bytes and table are let go on return, before the summary (megabytes
    of JSON for a list of thousands) and the rows are written: the worker's peak memory is what a big list costs."""
    try:
        with staff_import.file.open("rb") as fh:
            table = read_staff_file(fh.read(), staff_import.original_name)
    except TableError as exc:
        raise _Unreadable(str(exc)) from exc
    except (OSError, ValueError) as exc:
        raise _Unreadable from exc
    return run(staff_import.organization, table, dry_run=dry_run, progress=progress)


def is_checked(staff_import_pk: int) -> bool:
    """Whether the upload's preview has been built (its counts are there)."""
    return bool(preview_counts(staff_import_pk).get("counts"))


APPLIED, CLOSED, FAILED, MISSING = "applied", "closed", "failed", "missing"


class _Changed(Exception):
    """The file no longer gives what its preview promised: the writes are rolled back."""

    def __init__(self, summary: dict) -> None:
        super().__init__("the staff list changed since the preview")
        self.summary = summary


def confirm_import(staff_import: StaffImport, progress=None) -> str:
    """Write every person of the stored file in one transaction, or nothing; return what happened.

    The file is checked again against the data as it is now. If the outcome differs from the preview (someone
    changed the staff list meanwhile), nothing is written and the refreshed preview is kept for the user to read.
    What each row became is kept as StaffImportRow for the result page. CLOSED means the import had already been
    confirmed or cancelled (a second click, another tab); MISSING, that the stored file could not be read back
    (the import is then cancelled). `progress(done, total, message)`, when given, hears how far the rows have got
    (the background job's bar, people.jobs.Progress).
    """
    with transaction.atomic():
        locked = StaffImport.objects.select_for_update().defer("summary").get(pk=staff_import.pk)
        if not locked.is_open:
            return CLOSED
        promised = _outcome_counts(preview_counts(locked.pk))
        try:
            with transaction.atomic():
                summary, ok = _run_stored(locked, dry_run=False, progress=progress)
                if progress is not None:
                    progress(people_loaded(summary), None, "Сохраняем итог по строкам…")
                if not ok or _outcome_counts(summary) != promised:
                    raise _Changed(summary)
                keep_rows(locked, summary)
                locked.mark_applied(summary)
                organization_changed(locked.organization)
            outcome = APPLIED
        except _Unreadable:
            locked.cancel()
            outcome = MISSING
        except _Changed as changed:
            locked.summary = changed.summary
            locked.save(update_fields=["summary"])
            outcome = FAILED
    staff_import.refresh_from_db()
    return outcome


OUTCOMES = {
    STATUS_NEW: StaffImportRow.Outcome.CREATED,
    STATUS_UPDATE: StaffImportRow.Outcome.UPDATED,
    STATUS_UNCHANGED: StaffImportRow.Outcome.UNCHANGED,
    STATUS_MERGED: StaffImportRow.Outcome.MERGED,
    STATUS_SKIPPED: StaffImportRow.Outcome.SKIPPED,
}


KEEP_ROWS_BATCH = 1000


def keep_rows(staff_import: StaffImport, summary: dict) -> None:
    """What each row of an applied file became, with its reasons, for the import's result page (written a thousand
    at a time, never all twenty thousand objects at once)."""
    rows = []
    for entry in summary.get("rows", []):
        notes = [["reason", column, text] for column, text in entry.get("errors", [])]
        notes += [["flag", column, text] for column, text in entry.get("flags", [])]
        notes += [["note", column, text] for column, text in entry.get("notes", [])]
        if entry.get("note"):
            notes.append(["note", "", entry["note"]])
        rows.append(
            StaffImportRow(
                staff_import=staff_import,
                line=entry["line"],
                outcome=OUTCOMES[entry["status"]],
                flagged=bool(entry.get("flags")),
                person_id=entry.get("person"),
                name=entry["name"][:400],
                notes=notes,
                cells=entry.get("cells", []),
            )
        )
        if len(rows) == KEEP_ROWS_BATCH:
            StaffImportRow.objects.bulk_create(rows)
            rows = []
    StaffImportRow.objects.bulk_create(rows)


def cancel_import(staff_import: StaffImport) -> bool:
    """Let go of an unconfirmed import and its file; False if it was already closed."""
    with transaction.atomic():
        locked = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
        if not locked.is_open:
            return False
        locked.cancel()
    staff_import.refresh_from_db()
    return True
