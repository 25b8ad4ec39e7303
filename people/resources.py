"""Downloads of people's lists, written to the audit log, and the exports of the mentee and mentor banks (the
staff list's export is people.importing.resource)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from core.exports import EXPORT_FORMATS, SafeExportResource, spreadsheet_response
from people.audit import record
from people.models import AuditEvent, MenteeEntry, MentorEntry


def export_response(
    resource: resources.Resource, queryset, fmt: str, basename: str, *, request=None, org=None
) -> HttpResponse:
    """An XLSX or CSV download of the queryset; `basename` may be Cyrillic («Банк наставников»).

    Given the request, the download of personal data is written to the audit log (who, what, how many rows).
    """
    file_format = EXPORT_FORMATS[fmt]()
    dataset = resource.export(queryset=queryset)
    dataset.title = sheet_title(basename)
    if request is not None:
        record(AuditEvent.Kind.EXPORT, request=request, org=org, detail=f"{basename}, {fmt}: строк {len(dataset)}")
    content = file_format.export_data(dataset)
    if fmt == "xlsx":
        content = russian_dates(content)
    return spreadsheet_response(content, fmt, f"{basename} {timezone.localdate():%d.%m.%Y}")


def export_list(request: HttpRequest, resource, qs, basename: str, back: str) -> HttpResponse:
    """A list's «Выгрузить» button: ?fmt=xlsx or csv, or back to the list with a message."""
    fmt = request.GET.get("fmt", "")
    if fmt not in EXPORT_FORMATS:
        messages.error(request, "Выберите формат выгрузки: XLSX или CSV.")
        return redirect(back)
    access = getattr(request, "access", None)
    return export_response(resource, qs, fmt, basename, request=request, org=access.org if access else None)


def _names(items) -> str:
    return "; ".join(item.name for item in items)


def _date(value) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


class MenteeBankResource(SafeExportResource):
    """The bank of mentees as a table; expects `MenteeEntry.objects.for_list()`."""

    full_name = Field(column_name="ФИО")
    position = Field(column_name="Должность")
    category = Field(column_name="Категория")
    directions = Field(column_name="Направления запроса")
    difficulties = Field(column_name="Профессиональные затруднения и запрос")
    request_date = Field(column_name="Дата запроса")
    collected_by = Field(column_name="Кто собрал запрос")
    self_submitted = Field(column_name="Подана самим педагогом")
    status = Field(column_name="Статус")
    status_changed_at = Field(column_name="Статус изменён")
    status_note = Field(column_name="Основание изменения статуса")
    support_given = Field(column_name="Оказанная поддержка")

    class Meta:
        model = MenteeEntry
        fields = [
            "full_name",
            "position",
            "category",
            "directions",
            "difficulties",
            "request_date",
            "collected_by",
            "self_submitted",
            "status",
            "status_changed_at",
            "status_note",
            "support_given",
        ]
        export_order = fields

    def dehydrate_full_name(self, entry: MenteeEntry) -> str:
        return entry.person.full_name

    def dehydrate_position(self, entry: MenteeEntry) -> str:
        return entry.person.position

    def dehydrate_category(self, entry: MenteeEntry) -> str:
        return entry.category.name

    def dehydrate_directions(self, entry: MenteeEntry) -> str:
        return _names(entry.directions.all())

    def dehydrate_difficulties(self, entry: MenteeEntry) -> str:
        return entry.difficulties

    def dehydrate_request_date(self, entry: MenteeEntry) -> str:
        return _date(entry.request_date)

    def dehydrate_collected_by(self, entry: MenteeEntry) -> str:
        return entry.collected_by.short_name if entry.collected_by else ""

    def dehydrate_self_submitted(self, entry: MenteeEntry) -> str:
        return "да" if entry.self_submitted else "нет"

    def dehydrate_status(self, entry: MenteeEntry) -> str:
        return entry.get_status_display()

    def dehydrate_status_changed_at(self, entry: MenteeEntry) -> str:
        return _date(timezone.localtime(entry.status_changed_at))

    def dehydrate_status_note(self, entry: MenteeEntry) -> str:
        return entry.status_note

    def dehydrate_support_given(self, entry: MenteeEntry) -> str:
        return entry.support_given


class MentorBankResource(SafeExportResource):
    """The bank of mentors as a table; expects `MentorEntry.objects.for_list()` with forms and kinds prefetched."""

    full_name = Field(column_name="ФИО")
    position = Field(column_name="Должность")
    qualification = Field(column_name="Квалификационная категория")
    experience = Field(column_name="Педагогический стаж, лет")
    competencies = Field(column_name="Компетенции")
    subjects = Field(column_name="Предметы или возрастные группы")
    forms = Field(column_name="Предпочитаемые формы")
    kinds = Field(column_name="Предпочитаемые виды")
    motivation = Field(column_name="Мотивация")
    capacity = Field(column_name="Может взять наставляемых")
    capacity_left = Field(column_name="Свободных мест")
    trained = Field(column_name="Прошёл обучение")
    interview_date = Field(column_name="Дата собеседования")
    review = Field(column_name="Проверка анкеты")
    status = Field(column_name="Статус")
    status_note = Field(column_name="Основание изменения статуса")

    class Meta:
        model = MentorEntry
        fields = [
            "full_name",
            "position",
            "qualification",
            "experience",
            "competencies",
            "subjects",
            "forms",
            "kinds",
            "motivation",
            "capacity",
            "capacity_left",
            "trained",
            "interview_date",
            "review",
            "status",
            "status_note",
        ]
        export_order = fields

    def dehydrate_full_name(self, entry: MentorEntry) -> str:
        return entry.person.full_name

    def dehydrate_position(self, entry: MentorEntry) -> str:
        return entry.person.position

    def dehydrate_qualification(self, entry: MentorEntry) -> str:
        return entry.person.get_qualification_category_display()

    def dehydrate_experience(self, entry: MentorEntry):
        return entry.person.experience_years if entry.person.experience_years is not None else ""

    def dehydrate_competencies(self, entry: MentorEntry) -> str:
        return _names(entry.competencies.all())

    def dehydrate_subjects(self, entry: MentorEntry) -> str:
        return entry.subjects

    def dehydrate_forms(self, entry: MentorEntry) -> str:
        return _names(entry.preferred_forms.all())

    def dehydrate_kinds(self, entry: MentorEntry) -> str:
        return _names(entry.preferred_kinds.all())

    def dehydrate_motivation(self, entry: MentorEntry) -> str:
        return entry.motivation

    def dehydrate_capacity(self, entry: MentorEntry) -> int:
        return entry.capacity

    def dehydrate_capacity_left(self, entry: MentorEntry) -> int:
        return entry.capacity_left

    def dehydrate_trained(self, entry: MentorEntry) -> str:
        return "да" if entry.trained else "нет"

    def dehydrate_interview_date(self, entry: MentorEntry) -> str:
        return _date(entry.interview_date)

    def dehydrate_review(self, entry: MentorEntry) -> str:
        return entry.get_review_display()

    def dehydrate_status(self, entry: MentorEntry) -> str:
        return entry.get_status_display()

    def dehydrate_status_note(self, entry: MentorEntry) -> str:
        return entry.status_note


def sheet_title(name: str) -> str:
    """The sheet's name in a workbook: the export's own name (not tablib's «Tablib Dataset»), within Excel's rules —
    31 characters at most, none of []:*?/\\."""
    return "".join(" " if c in "[]:*?/\\" else c for c in name)[:31].strip() or "Лист 1"


def russian_dates(xlsx: bytes) -> bytes:
    """Date cells of a workbook shown as ДД.ММ.ГГГГ: they stay dates (sortable, filterable), only their format is
    the one a Russian reader expects instead of openpyxl's ISO default."""
    import openpyxl  # only when a workbook is written: a heavy import the other pages never need

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.is_date:
                    cell.number_format = "DD.MM.YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
