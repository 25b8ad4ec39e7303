"""The coordinator's form of target indicators for an academic year: one field per indicator, empty = no target."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from monitoring.models import TARGET_KEYS
from monitoring.reports import PERCENT_KEYS, STAT_INDICATORS

LABELS = dict(STAT_INDICATORS)


class TargetsForm(forms.Form):
    def __init__(self, *args, initial_values: dict[str, Decimal] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for key in TARGET_KEYS:
            percent = key in PERCENT_KEYS and key != "growth"
            limit = Decimal(100) if percent else Decimal(99999)
            self.fields[key] = forms.DecimalField(
                label=LABELS[key],
                required=False,
                localize=True,
                min_value=0,
                max_value=limit,
                decimal_places=1,
                initial=(initial_values or {}).get(key),
                error_messages={
                    "invalid": "Введите число, например 75 или 62,5.",
                    "min_value": "Целевое значение не может быть отрицательным.",
                    "max_value": f"Не больше {limit:.0f}{' %%' if percent else ''}.",
                    "max_decimal_places": "Не больше одного знака после запятой.",
                    "max_digits": "Слишком большое число.",
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def values(self) -> dict[str, Decimal | None]:
        return {key: self.cleaned_data.get(key) for key in TARGET_KEYS}
