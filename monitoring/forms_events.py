"""Forms of the programme's events (seminars, master-classes, contests, the mentors' school)."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from core.forms import ModelMultipleChoiceField, formfield
from core.widgets import DATE_WIDGET
from monitoring.forms_practices import MaterialsMixin, StaffChoice, _current, staff_choices
from monitoring.models import Event
from people.models import Organization
from roadmap.models import Roadmap, RoadmapActivity


class ActivityChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: RoadmapActivity) -> str:
        number = f"{obj.number} " if obj.number else ""
        return f"{number}{obj.content[:140]}{' — выполнено' if obj.status == 'done' else ''}"


def activity_choices(org: Organization, chosen: list[int]):
    """Activities of the organisation's current roadmap, and any already linked."""
    current = Roadmap.objects.current_for(org)
    qs = RoadmapActivity.objects.filter(roadmap__organization=org)
    if current is not None:
        qs = qs.filter(Q(roadmap=current) | Q(pk__in=chosen))
    return qs.select_related("stage").order_by("stage__position", "position", "id")


class EventForm(MaterialsMixin, forms.ModelForm):
    class Meta:
        model = Event
        formfield_callback = formfield
        fields = ["kind", "title", "date", "place", "organisers", "participants", "description", "activities"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        for name, label in (("organisers", "Организаторы"), ("participants", "Участники из числа работников")):
            self.fields[name] = StaffChoice(
                queryset=staff_choices(organization, _current(self, name)),
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label=label,
            )
        self.fields["activities"] = ActivityChoice(
            queryset=activity_choices(organization, _current(self, "activities")),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Мероприятия дорожной карты, которые оно выполняет",
            help_text="Когда мероприятие будет отмечено проведённым, они станут выполненными.",
        )
        self.fields["title"].error_messages["required"] = "Укажите тему мероприятия."
        self.fields["date"].error_messages["required"] = "Укажите дату мероприятия."

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class HoldForm(forms.Form):
    results = forms.CharField(
        label="Итоги",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Опишите итоги: что сделали участники, что получилось."},
    )


class PublishForm(forms.Form):
    is_published = forms.BooleanField(required=False)
