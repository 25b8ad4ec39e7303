"""Forms of certificates and letters: one document for a person, or many at once from the register."""

from __future__ import annotations

from django import forms

from people.models import Organization, Person
from roadmap import certificates as service


class IssueForm(forms.Form):
    ground = forms.ChoiceField(
        label="Какой документ выдать",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "Выберите, какой документ выдать.",
            "invalid_choice": "Выберите документ из списка.",
        },
    )

    def __init__(self, *args, org: Organization, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.grounds = {g.key: g for g in service.grounds_for(org, person)}
        issued = service.issued_keys(org, person)
        self.fields["ground"].choices = [
            (key, f"{g.label} — уже выдана № {issued[key]}, будет новый номер" if key in issued else g.label)
            for key, g in self.grounds.items()
        ]
        if not self.grounds:
            self.fields["ground"].help_text = (
                "Работник не участвовал в парах или группах, начавших работу, и не назван в приказе о поощрении: "
                "выдать пока нечего."
            )

    @property
    def chosen_ground(self) -> service.Ground:
        return self.grounds[self.cleaned_data["ground"]]


class BulkIssueForm(forms.Form):
    chosen_keys = forms.MultipleChoiceField(
        label="Кому выдать",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "Отметьте хотя бы одного работника, которому нужно выдать документ.",
            "invalid_choice": "Документ «%(value)s» уже выдан или больше не может быть выдан: обновите страницу.",
        },
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {f"{person.pk}:{ground.key}": (person, ground) for person, ground in service.candidates(org)}
        self.fields["chosen_keys"].choices = [
            (key, f"{person.short_name} — {ground.label}") for key, (person, ground) in self.options.items()
        ]

    def chosen(self) -> list[tuple[Person, service.Ground]]:
        return [self.options[key] for key in self.cleaned_data["chosen_keys"]]
