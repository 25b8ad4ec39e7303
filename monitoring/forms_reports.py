"""The curator's conclusions and proposals of the final analytic report."""

from __future__ import annotations

from django import forms

from core.forms import DateField, formfield
from monitoring.models import AnalyticReport


class AnalyticReportForm(forms.ModelForm):
    start = DateField(widget=forms.HiddenInput)
    end = DateField(widget=forms.HiddenInput)

    class Meta:
        model = AnalyticReport
        formfield_callback = formfield
        fields = ["conclusions", "proposals"]
        widgets = {
            "conclusions": forms.Textarea(attrs={"rows": 7}),
            "proposals": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "conclusions": "Что удалось и что нет, чем объясняются показатели. Войдёт в итоговый отчёт.",
            "proposals": "Что изменить в программе наставничества на следующий период.",
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError("Отчёт составляется за период длиннее одного дня.")
        return data
