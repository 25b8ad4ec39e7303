"""Forms of choosing each other and of writing the programme together: a refusal of a proposed pair, the mentee's
remark on a draft programme (a comment on a row or a proposed row), the mentor's answer."""

from __future__ import annotations

from django import forms

from core.forms import formfield
from core.widgets import DATE_WIDGET
from mentoring.models import RowRemark


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Причина отказа",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Укажите причину отказа: куратор учтёт её при подборе другой пары."},
        help_text="Её увидят куратор и другой участник пары.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Укажите причину отказа: куратор учтёт её при подборе другой пары.")
        return reason


class CommentRemarkForm(forms.Form):
    text = forms.CharField(
        label="Замечание к мероприятию",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        error_messages={"required": "Напишите замечание: что изменить в этом мероприятии и почему."},
    )


class ProposalRemarkForm(forms.ModelForm):
    class Meta:
        model = RowRemark
        fields = ["activity", "form", "deadline", "text"]
        formfield_callback = formfield
        widgets = {"activity": forms.Textarea(attrs={"rows": 2}), "text": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "activity": "Какое мероприятие добавить",
            "form": "Форма (необязательно)",
            "deadline": "К какому сроку",
            "text": "Зачем оно нужно",
        }
        error_messages = {
            "activity": {"required": "Опишите мероприятие, которое предлагаете добавить в план."},
            "deadline": {
                "required": "Укажите срок, например 15.12.2026.",
                "invalid": "Введите срок датой, например 15.12.2026.",
            },
            "text": {"required": "Объясните в двух словах, зачем нужно это мероприятие."},
        }

    def __init__(self, *args, programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["activity"].required = True
        self.fields["deadline"].required = True
        self.fields["deadline"].widget = DATE_WIDGET

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        p = self.programme
        if deadline and not (p.start <= deadline <= p.end):
            raise forms.ValidationError(
                f"Срок должен быть в пределах программы: с {p.start:%d.%m.%Y} по {p.end:%d.%m.%Y}."
            )
        return deadline


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Ответ наставника",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=3000,
        required=False,
    )
