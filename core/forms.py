"""Form fields every app uses in place of Django's own: multiple choices of objects, dates."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# The years a date of the programme can fall in. A date of year 1 or 9999 is a typing slip or an attack, and
# either one breaks the arithmetic on it (a period's next day, an academic year's end) with an overflow.
FIRST_YEAR = 1990
LAST_YEAR = 2100


class DateField(forms.DateField):
    """Django's date field, with the year between FIRST_YEAR and LAST_YEAR (a subclass may move `first_year`).

    Every form of the project uses it for its dates (tests/core/test_forms.py checks it): the explicit fields
    name it, model forms get it through `formfield` in their Meta.
    """

    first_year = FIRST_YEAR
    last_year = LAST_YEAR

    def validate(self, value) -> None:
        super().validate(value)
        if isinstance(value, date) and not self.first_year <= value.year <= self.last_year:
            raise ValidationError(
                "Проверьте год: дата должна быть не раньше %(first)s и не позже %(last)s года.",
                code="year_out_of_range",
                params={"first": self.first_year, "last": self.last_year},
            )


def formfield(field: models.Field, **kwargs) -> forms.Field | None:
    """A model form's field for `field`: ours for a date (Meta.formfield_callback), Django's for anything else."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("form_class", DateField)  # Meta.field_classes may name a subclass
    return field.formfield(**kwargs)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple-choice model field, with a forged id too large for the database as an invalid choice.

    Django catches ValueError and TypeError for a bad id but not the OverflowError SQLite raises for an integer
    past 64 bits (PostgreSQL already answers «invalid choice»); the security suite's form fuzzing found it.
    The single-choice field is not affected. Every form of the project uses this class for its multiple-choice
    model fields (tests/test_forms.py checks it).
    """

    def clean(self, value):
        try:
            return super().clean(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": _too_large(value)}
            ) from None


def _too_large(value) -> str:
    """The first of the submitted ids that no 64-bit integer holds (the one the database refused)."""
    for item in value if isinstance(value, list | tuple) else [value]:
        try:
            if abs(int(str(item))) >= 2**63:
                return str(item)
        except ValueError:
            continue
    return "…"
