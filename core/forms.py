"""Form fields every app uses in place of Django's own."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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
