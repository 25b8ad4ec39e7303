"""Spreadsheet export and import resources (django-import-export), with formula neutralisation."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from import_export import resources
from import_export.formats.base_formats import CSV, XLSX

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = {"xlsx": XLSX, "csv": CSV}


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeExportResource(resources.ModelResource):
    """Base for every export: text cells are neutralised before they reach a file."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, *args, **kwargs):
        return [neutralise(h) for h in super().get_export_headers(*args, **kwargs)]


def export_response(
    resource: resources.Resource, queryset, fmt: str, basename: str, *, request=None, org=None
) -> HttpResponse:
    """An XLSX or CSV download of the queryset; `basename` may be Cyrillic («Банк наставников»).

    Given the request, the download of personal data is written to the audit log (who, what, how many rows).
    """
    file_format = EXPORT_FORMATS[fmt]()
    dataset = resource.export(queryset=queryset)
    if request is not None:
        from people.audit import record
        from people.models import AuditEvent

        record(AuditEvent.Kind.EXPORT, request=request, org=org, detail=f"{basename}, {fmt}: строк {len(dataset)}")
    return spreadsheet_response(file_format.export_data(dataset), fmt, f"{basename} {timezone.localdate():%d.%m.%Y}")


def spreadsheet_response(content: bytes | str, fmt: str, basename: str) -> HttpResponse:
    """A download of an XLSX or CSV file named `basename`.<fmt> (may be Cyrillic; «/» is replaced).

    CSV gets a BOM, so that Excel opens Cyrillic correctly. Nothing is cached: exports may hold personal data.
    """
    if fmt == "csv":
        content = "\ufeff" + content
    response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt]().get_content_type())
    filename = f"{basename}.{fmt}".replace("/", "-")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Banks of mentees and mentors ------------------------------------------------------------------------------

from import_export.fields import Field  # noqa: E402

from people.models import MenteeEntry, MentorEntry  # noqa: E402


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


# --- Staff: export, and the import behind the preview and the confirmation ---------------------------------------

from collections import defaultdict  # noqa: E402

from django.core.exceptions import ValidationError  # noqa: E402
from import_export import widgets  # noqa: E402

from people import importing  # noqa: E402
from people.importing import COLUMNS, NAME_FIELDS, PROBLEMS_COLUMN, PersonLoader  # noqa: E402
from people.models import Organization, Person  # noqa: E402
from people.text import name_key  # noqa: E402


class _CleaningWidget(widgets.Widget):
    """A cell cleaned by one of people.importing's functions; a blank cell gives None (see `saves_null_values`)."""

    def __init__(self, cleaner, render=None, *, blank_is_none: bool = True) -> None:
        super().__init__()
        self.cleaner = cleaner
        self.renderer = render
        self.blank_is_none = blank_is_none

    def clean(self, value, row=None, **kwargs):
        if self.blank_is_none and importing.cell_text(value) == "":
            return None
        return self.cleaner(value)

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None or value == "":
            return ""
        return self.renderer(value) if self.renderer else str(value)


class _NameWidget(_CleaningWidget):
    def __init__(self, what: str) -> None:
        super().__init__(lambda value: importing.clean_name_part(value, what), blank_is_none=False)


def _category_label(value: str) -> str:
    return Person.Category(value).label


def _yo_blind(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


class PersonResource(SafeExportResource):
    """Staff of one organisation: the XLSX/CSV export, and the import (dry run for the preview, then for real).

    Columns are people.importing.COLUMNS both ways, so an exported file imports back unchanged. Rows are matched
    to staff by full name (ё/е and case do not matter) through PersonLoader, which reads the organisation's staff
    in one query; the e-mail tells namesakes apart. An empty cell does not erase what a card already holds.
    """

    surname = Field("surname", COLUMNS["surname"], widget=_NameWidget("фамилия"))
    name = Field("name", COLUMNS["name"], widget=_NameWidget("имя"))
    patronymic = Field("patronymic", COLUMNS["patronymic"], widget=_NameWidget("отчество"))
    position = Field(
        "position", COLUMNS["position"], widget=_CleaningWidget(importing.clean_position, blank_is_none=False)
    )
    qualification_category = Field(
        "qualification_category",
        COLUMNS["qualification_category"],
        widget=_CleaningWidget(importing.parse_category, render=_category_label),
        saves_null_values=False,
    )
    experience_years = Field(
        "experience_years",
        COLUMNS["experience_years"],
        widget=_CleaningWidget(importing.parse_experience),
        saves_null_values=False,
    )
    email = Field("email", COLUMNS["email"], widget=_CleaningWidget(importing.clean_email), saves_null_values=False)
    phone = Field("phone", COLUMNS["phone"], widget=_CleaningWidget(importing.clean_phone), saves_null_values=False)

    class Meta:
        model = Person
        fields = tuple(COLUMNS)
        import_order = tuple(COLUMNS)
        export_order = tuple(COLUMNS)
        import_id_fields = NAME_FIELDS
        instance_loader_class = PersonLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_instance = True
        clean_model_instances = True
        # Rows are saved in bulk queries of a few hundred (an UPDATE … CASE over more rows gets slow); the whole
        # run is one transaction either way.
        use_bulk = True
        batch_size = 250

    def __init__(self, organization: Organization | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.organization = organization

    def get_queryset(self):
        people = Person.objects.filter(anonymized_at__isnull=True).working()
        return people.for_org(self.organization) if self.organization else people.none()

    def init_instance(self, row=None) -> Person:
        return Person(organization=self.organization)

    def import_instance(self, instance: Person, row, **kwargs) -> None:
        before = {name: getattr(instance, name) for name in COLUMNS} if instance.pk else None
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Problems found across rows (a repeated person, a one-word ФИО) come with the row from prepare().
        for field_name, messages in (row.get(PROBLEMS_COLUMN) or {}).items():
            errors.setdefault(field_name, []).extend(ValidationError(message) for message in messages)
        if before:
            self._keep_equivalent_values(instance, before)
            instance._import_changed = tuple(name for name in COLUMNS if getattr(instance, name) != before[name])
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _keep_equivalent_values(instance: Person, before: dict) -> None:
        """What differs only in writing is not a change: ё written as е, the same phone spaced otherwise."""
        for name in NAME_FIELDS:
            old, new = before[name], getattr(instance, name)
            if new != old and _yo_blind(new) == _yo_blind(old) and new.lower().count("ё") <= old.lower().count("ё"):
                setattr(instance, name, old)
        if instance.phone != before["phone"] and importing.phone_digits(instance.phone) == importing.phone_digits(
            before["phone"]
        ):
            instance.phone = before["phone"]
        if instance.email != before["email"] and instance.email.lower() == before["email"].lower():
            instance.email = before["email"]

    def validate_instance(self, instance: Person, import_validation_errors=None, validate_unique=True) -> None:
        """The model's own field checks, for the imported fields only.

        Unique and check constraints concern accounts and dates, which an import never touches; skipping them
        (and the organisation's foreign key) keeps validation free of per-row queries.
        """
        errors = dict(import_validation_errors or {})
        checked = set(COLUMNS) - set(errors)
        if set(errors) & set(NAME_FIELDS):
            checked -= set(NAME_FIELDS)
        exclude = [f.name for f in Person._meta.fields if f.name not in checked]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance: Person, row, **kwargs) -> None:
        # Bulk saves bypass Person.save(): keep its derived field and the change time up to date here.
        instance.name_key = name_key(instance.full_name)
        instance.updated_at = timezone.now()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None) -> None:
        if dry_run:
            # The dry run's transaction is rolled back anyway: the fields were validated, the writes are skipped.
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None) -> None:
        """Update people in groups that changed the same fields: an UPDATE … CASE per unchanged field is wasted."""
        if dry_run:
            self.update_instances.clear()
            return
        groups: dict[tuple, list[Person]] = defaultdict(list)
        for instance in self.update_instances:
            changed = getattr(instance, "_import_changed", tuple(COLUMNS))
            names = ("name_key",) if set(changed) & set(NAME_FIELDS) else ()
            groups[(*changed, *names, "updated_at")].append(instance)
        try:
            for fields, instances in groups.items():
                Person.objects.bulk_update(instances, fields, batch_size=batch_size)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.update_instances.clear()

    def get_bulk_update_fields(self) -> list[str]:
        return [*COLUMNS, "name_key", "updated_at"]
