"""Forms of certificates and letters: one document for a person, or many at once from the register."""

from __future__ import annotations

from django import forms

from mentoring.models import Mentorship
from people.models import Organization, Person
from roadmap import certificates as service
from roadmap.models import Certificate


class IssueForm(forms.Form):
    ground = forms.ChoiceField(
        label="Какой документ выдать",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Выберите, какой документ выдать.",
            "invalid_choice": "Выберите документ из списка.",
        },
    )

    def __init__(self, *args, org: Organization, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.grounds = {g.key: g for g in service.grounds_for(org, person)}
        self.fields["ground"].choices = [(key, g.label) for key, g in self.grounds.items()]
        if not self.grounds:
            self.fields["ground"].help_text = (
                "Работник не участвовал в парах или группах, начавших работу, и не назван в приказе о поощрении: "
                "выдать пока нечего."
            )

    @property
    def chosen_ground(self) -> service.Ground:
        return self.grounds[self.cleaned_data["ground"]]


def candidates(org: Organization) -> list[tuple[Person, service.Ground]]:
    """Everyone who may get a document and has not got this one yet, in a fixed number of queries."""
    issued = set(Certificate.objects.for_org(org).values_list("person_id", "kind", "mentorship_id", "role", "order_id"))
    found = []
    pairs = (
        Mentorship.objects.for_org(org)
        .filter(state__in=service.STARTED_STATES)
        .select_related("mentor", "form", "programme")
        .prefetch_related("mentees")
        .order_by("mentor__surname", "pk")
    )
    kind = Certificate.Kind.PARTICIPATION
    for m in pairs:
        people = [(m.mentor, "mentor")] + [(p, "mentee") for p in m.mentees.all()]
        for person, role in people:
            if (person.pk, kind, m.pk, role, None) not in issued:
                found.append((person, service.Ground(kind, role, mentorship=m)))
    for order in service.reward_orders(org).prefetch_related("rewarded"):
        for person in order.rewarded.all():
            if (person.pk, Certificate.Kind.THANKS, None, "mentor", order.pk) not in issued:
                found.append((person, service.Ground(Certificate.Kind.THANKS, "mentor", order=order)))
    return found


class BulkIssueForm(forms.Form):
    chosen_keys = forms.MultipleChoiceField(
        label="Кому выдать",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Отметьте хотя бы одного работника, которому нужно выдать документ.",
            "invalid_choice": "Документ «%(value)s» уже выдан или больше не может быть выдан: обновите страницу.",
        },
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {f"{person.pk}:{ground.key}": (person, ground) for person, ground in candidates(org)}
        self.fields["chosen_keys"].choices = [
            (key, f"{person.short_name} — {ground.label}") for key, (person, ground) in self.options.items()
        ]

    def chosen(self) -> list[tuple[Person, service.Ground]]:
        return [self.options[key] for key in self.cleaned_data["chosen_keys"]]
