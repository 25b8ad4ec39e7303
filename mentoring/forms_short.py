"""Forms of the short forms of mentoring (situational and speed) and of the council's proposals of pairs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.forms import ModelMultipleChoiceField, formfield
from core.widgets import DATE_WIDGET
from mentoring.models import ShortMentoring
from people.models import MenteeEntry, MentorEntry, Organization, Person


class StaffChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.short_name} — {obj.position.lower()}" if obj.position else obj.short_name


def staff(org: Organization, chosen: list[int] | None = None):
    """Working staff, and whoever is already chosen even if they have left since."""
    return (
        Person.objects.for_org(org)
        .filter(Q(left_on__isnull=True) | Q(pk__in=chosen or []))
        .order_by("surname", "name", "patronymic", "id")
    )


class ShortMentoringForm(forms.ModelForm):
    class Meta:
        model = ShortMentoring
        formfield_callback = formfield
        fields = ["kind", "date", "end_date", "mentors", "mentees", "request", "result"]
        field_classes = {"mentors": ModelMultipleChoiceField, "mentees": ModelMultipleChoiceField}
        widgets = {
            "kind": forms.RadioSelect,
            "date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "request": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        chosen = list(self.instance.mentors.values_list("pk", flat=True)) if self.instance.pk else []
        chosen += list(self.instance.mentees.values_list("pk", flat=True)) if self.instance.pk else []
        for name, label in (("mentors", "Наставники"), ("mentees", "Наставляемые")):
            self.fields[name] = StaffChoice(
                queryset=staff(organization, chosen),
                widget=forms.CheckboxSelectMultiple,
                label=label,
                error_messages={"required": f"Отметьте хотя бы одного: {label.lower()}."},
            )
        self.fields["request"].error_messages["required"] = "Опишите запрос: с какой ситуацией обратились."
        self.fields["date"].error_messages["required"] = "Укажите дату встречи."

    def clean(self) -> dict:
        data = super().clean()
        both = set(data.get("mentors") or []) & set(data.get("mentees") or [])
        if both:
            names = ", ".join(sorted(p.short_name for p in both))
            self.add_error("mentees", f"{names}: один человек не может быть в записи и наставником, и наставляемым.")
        start, end = data.get("date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Дата последней встречи не может быть раньше первой.")
        return data


class PairProposalForm(forms.Form):
    mentor = forms.ModelChoiceField(
        queryset=MentorEntry.objects.none(),
        label="Наставник из банка наставников",
        error_messages={"required": "Выберите наставника.", "invalid_choice": "Выберите наставника из списка."},
    )
    mentees = ModelMultipleChoiceField(
        queryset=MenteeEntry.objects.none(),
        label="Наставляемые из банка наставляемых",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Отметьте хотя бы одного наставляемого."},
    )
    reasons = forms.CharField(
        label="Почему совет предлагает эту пару",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Напишите, почему наставник подходит: опыт, компетенции, запрос наставляемого."},
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mentors = MentorEntry.objects.filter(organization=organization).exclude(status=MentorEntry.Status.RELEASED)
        self.fields["mentor"].queryset = mentors.select_related("person").order_by("person__surname", "pk")
        self.fields["mentor"].label_from_instance = lambda e: e.person.short_name
        self.fields["mentees"].queryset = (
            MenteeEntry.objects.filter(organization=organization, status=MenteeEntry.Status.WAITING)
            .select_related("person")
            .order_by("person__surname", "pk")
        )
        self.fields["mentees"].label_from_instance = lambda e: e.person.short_name

    def clean_reasons(self) -> str:
        text = self.cleaned_data["reasons"].strip()
        if not text:
            raise ValidationError("Напишите, почему наставник подходит.")
        return text
