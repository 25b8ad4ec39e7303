"""The staff list's resource for django-import-export: the export, and the import behind the preview and the
confirmation, with the loader that matches rows to staff."""

from __future__ import annotations

import copy
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import widgets
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from core.exports import SafeExportResource
from core.text import name_key
from people.importing import cells as importing
from people.importing.cells import COLUMNS, NAME_FIELDS
from people.models import Organization, Person

# Service columns of the dataset: the spreadsheet row a dataset row came from, and problems found before import.
LINE_COLUMN = "__line"
PROBLEMS_COLUMN = "__problems"


# --- matching people --------------------------------------------------------------------------------------------


class PersonLoader(BaseInstanceLoader):
    """Finds the staff member a row speaks of, from one query made before the first row.

    People are matched by full name ignoring case and ё/е (``Person.name_key``). The e-mail tells namesakes
    apart: when the organisation has several people with the row's name, or the file has several rows with it,
    the row goes to the person with the same e-mail. Each lookup returns a copy, so that a rejected row cannot
    change the object an earlier row is about to save.
    """

    def __init__(self, resource, dataset=None) -> None:
        super().__init__(resource, dataset)
        self.by_key: dict[str, list[Person]] = defaultdict(list)
        for person in resource.get_queryset().order_by("pk"):
            self.by_key[person.name_key].append(person)
        # Names the file itself holds more than once (namesakes with different e-mails).
        in_file: dict[str, int] = defaultdict(int)
        for values in dataset or []:
            in_file[name_key(" ".join(str(part or "") for part in values[:3]))] += 1
        self.repeated_in_file = {key for key, count in in_file.items() if count > 1}

    def get_instance(self, row) -> Person | None:
        fields = self.resource.fields
        try:
            key = name_key(" ".join(fields[n].clean(row) or "" for n in NAME_FIELDS))
        except ValueError:
            return None  # the name itself is wrong; the row is reported for that
        candidates = self.by_key.get(key, [])
        if len(candidates) > 1 or (candidates and key in self.repeated_in_file):
            email = self._email(row)
            matching = [p for p in candidates if email and p.email.lower() == email]
            if len(matching) != 1 and len(candidates) > 1:
                raise ValidationError(
                    {
                        "surname": "В организации несколько работников с таким ФИО. Укажите в строке e-mail — "
                        "тот же, что в карточке нужного работника."
                    }
                )
            candidates = matching
        return copy.copy(candidates[0]) if candidates else None

    def _email(self, row) -> str:
        if COLUMNS["email"] not in row:
            return ""
        try:
            return (self.resource.fields["email"].clean(row) or "").lower()
        except ValueError:
            return ""


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
    # A blank position keeps the card's; a new person without one is refused by the model's own check.
    position = Field(
        "position", COLUMNS["position"], widget=_CleaningWidget(importing.clean_position), saves_null_values=False
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
    hired_on = Field(
        "hired_on",
        COLUMNS["hired_on"],
        widget=_CleaningWidget(importing.parse_hire_date, render=importing.format_date),
        saves_null_values=False,
    )

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

    def __init__(self, organization: Organization | None = None, on_row=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.organization = organization
        self.on_row = on_row  # called after each row, for a background job's progress (people.jobs.Progress)
        self.rows_done = 0

    def after_import_row(self, row, row_result, **kwargs) -> None:
        super().after_import_row(row, row_result, **kwargs)
        self.rows_done += 1
        if self.on_row is not None:
            self.on_row(self.rows_done)

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
