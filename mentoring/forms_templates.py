"""Forms of the programme templates the curator keeps: the note of a template and its rows."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory

from mentoring.models import MAX_PROGRAMME_MONTHS, MIN_PROGRAMME_MONTHS, ProgrammeTemplate, TemplateActivity
from people.models import Direction


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ProgrammeTemplate
        fields = [
            "title",
            "description",
            "duration_months",
            "problem",
            "goals",
            "tasks",
            "content",
            "results_planned",
            "meeting_schedule",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description", "problem", "goals", "tasks", "content", "results_planned", "meeting_schedule")
        }
        error_messages = {
            "title": {"required": "Назовите шаблон: по названию его выбирают, составляя программу."},
            "duration_months": {
                "required": "Укажите длительность программы в месяцах.",
                "invalid": "Длительность — целое число месяцев.",
            },
        }

    def clean_duration_months(self) -> int:
        months = self.cleaned_data["duration_months"]
        if not MIN_PROGRAMME_MONTHS <= months <= MAX_PROGRAMME_MONTHS:
            raise forms.ValidationError(
                f"Программа длится от {MIN_PROGRAMME_MONTHS} до {MAX_PROGRAMME_MONTHS} месяцев: укажите число в этих "
                "пределах."
            )
        return months


class TemplateRowForm(forms.ModelForm):
    class Meta:
        model = TemplateActivity
        fields = ["month", "direction", "activity", "form", "expected_result"]
        widgets = {
            "activity": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "month": forms.NumberInput(attrs={"min": 1, "max": MAX_PROGRAMME_MONTHS, "class": "month-input"}),
        }
        labels = {"month": "Месяц"}
        help_texts = {"month": ""}
        error_messages = {
            "activity": {"required": "Опишите мероприятие."},
            "month": {"required": "Укажите месяц программы.", "invalid": "Месяц — целое число."},
        }


class BaseTemplateRows(BaseInlineFormSet):
    def __init__(self, *args, duration: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duration = duration
        org = self.instance.organization
        current = list(self.queryset.exclude(direction=None).values_list("direction_id", flat=True))
        directions = Direction.objects.filter(organization=org).filter(Q(is_active=True) | Q(pk__in=current))
        for form in self.forms:
            form.fields["direction"].queryset = directions

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE") or self.duration is None:
                continue
            month = form.cleaned_data.get("month")
            if month is not None and not 1 <= month <= self.duration:
                form.add_error("month", f"Месяц должен быть от 1 до {self.duration} — длительности программы.")


TemplateRowFormSet = inlineformset_factory(
    ProgrammeTemplate, TemplateActivity, form=TemplateRowForm, formset=BaseTemplateRows, extra=1, can_delete=True
)
