"""The form of a person's notice settings: how each kind of notice reaches them (people.notices)."""

from django import forms

from people.models import Delivery, NoticeKind, Person, delivery_for

# Kinds a person can choose for; «Прочее» follows the default (at once) and is not worth a line.
CHOSEN_KINDS = [kind for kind in NoticeKind if kind != NoticeKind.OTHER]


class NoticeDeliveryForm(forms.Form):
    """One choice per kind of notice; whatever is chosen, the notice stays in the system."""

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        for kind in CHOSEN_KINDS:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=delivery_for(person, kind.value),
                widget=forms.Select(attrs={"class": "form-select"}),
                error_messages={"invalid_choice": "Выберите один из вариантов списка."},
            )

    def save(self) -> None:
        self.person.notice_delivery = {kind.value: self.cleaned_data[kind.value] for kind in CHOSEN_KINDS}
        self.person.save(update_fields=["notice_delivery"])
