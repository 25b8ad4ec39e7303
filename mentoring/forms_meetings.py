"""Forms of the meeting log: a meeting of a pair or group, and a mentee's feedback on it."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import ModelMultipleChoiceField, formfield
from core.widgets import DATE_WIDGET
from mentoring.meetings import linkable_rows
from mentoring.models import Meeting, MeetingFeedback, Mentorship, PlanActivity


class _RowChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: PlanActivity) -> str:
        done = " — выполнено" if obj.status == PlanActivity.Status.DONE else ""
        return f"{obj.activity} (срок {obj.deadline:%d.%m.%Y}){done}"


class MeetingForm(forms.ModelForm):
    plan_rows = _RowChoice(
        queryset=PlanActivity.objects.none(),
        required=False,
        label="Мероприятия плана, выполненные на встрече",
        widget=forms.CheckboxSelectMultiple,
        help_text="Отмеченные мероприятия получат отметку «Выполнено» с датой встречи.",
    )

    class Meta:
        model = Meeting
        fields = ["date", "format", "topic", "plan_rows", "done", "next_steps"]
        formfield_callback = formfield
        widgets = {
            "date": DATE_WIDGET,
            "done": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"done": "Что сделано на встрече", "next_steps": "О чём договорились (следующие шаги)"}
        error_messages = {
            "date": {"required": "Укажите дату встречи.", "invalid": "Введите дату встречи, например 05.10.2026."},
            "topic": {"required": "Укажите тему встречи."},
            "done": {"required": "Опишите, что сделано на встрече."},
            "format": {"required": "Выберите формат встречи.", "invalid_choice": "Выберите формат из списка."},
        }

    def __init__(self, *args, mentorship: Mentorship, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mentorship = mentorship
        self.fields["plan_rows"].queryset = linkable_rows(mentorship, self.instance)
        self.fields["plan_rows"].error_messages["invalid_choice"] = "Выберите мероприятия из плана этой пары (группы)."
        if not self.instance.pk and not self.initial.get("date"):
            self.initial["date"] = timezone.localdate()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("Встреча ещё не прошла: запишите её в день встречи или позже.")
        start = self.mentorship.started_on
        if start and day < start:
            raise forms.ValidationError(
                f"Пара (группа) действует с {start:%d.%m.%Y}: дата встречи не может быть раньше."
            )
        return day


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label="Оценка встречи",
        choices=[
            (5, "5 — очень полезная встреча"),
            (4, "4 — полезная"),
            (3, "3 — отчасти полезная"),
            (2, "2 — мало пользы"),
            (1, "1 — пользы не было"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Поставьте оценку от 1 до 5.",
            "invalid_choice": "Поставьте оценку от 1 до 5.",
        },
    )

    class Meta:
        model = MeetingFeedback
        fields = ["rating", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"comment": "Комментарий (что было полезно, чего не хватило)"}
