"""Forms of the roadmap app. Each block belongs to one concept; keep new classes in a block of their own."""

from __future__ import annotations

from django import forms

from people.models import Organization, Person

# --- order pages: editing a draft, returning it for revision (pages of the orders issue) ---------------------


class _StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}, {obj.position.lower()}" if obj.position else obj.full_name


class OrderEditForm(forms.Form):
    """The text of a draft and its acknowledgement list; the items are typed one per line."""

    heading = forms.CharField(label="Заголовок «О …»", max_length=500)
    preamble = forms.CharField(
        label="Преамбула", widget=forms.Textarea(attrs={"rows": 3}), help_text="«В соответствии с …», «На основании …»"
    )
    items_text = forms.CharField(
        label="Пункты распорядительной части",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Каждый пункт — с новой строки; номера проставляются сами.",
        error_messages={"required": "Напишите хотя бы один пункт распорядительной части."},
    )
    control_item = forms.CharField(label="Пункт о контроле", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acknowledgers = _StaffChoice(
        label="Лист ознакомления",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Кто должен ознакомиться с приказом после утверждения.",
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acknowledgers"].queryset = (
            Person.objects.for_org(organization).working().order_by("surname", "name", "patronymic", "id")
        )

    def clean_items_text(self) -> list[str]:
        items = [line.strip() for line in self.cleaned_data["items_text"].splitlines() if line.strip()]
        if not items:
            raise forms.ValidationError("Напишите хотя бы один пункт распорядительной части.")
        return items


class OrderReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Напишите, что нужно исправить: комментарий увидит автор проекта."},
    )


# --- end of the order pages block ------------------------------------------------------------------------------


# --- drafting: model texts and new orders from data (drafting work of the orders issue) -------------------------


class OrderTemplateForm(forms.Form):
    """The organisation's model text of one kind; the items are typed one per line."""

    heading = forms.CharField(label="Заголовок «О …»", max_length=500)
    preamble = forms.CharField(
        label="Преамбула",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="«В соответствии с …» — без точки в конце: за преамбулой в документе следует «ПРИКАЗЫВАЮ:».",
    )
    items_text = forms.CharField(
        label="Пункты распорядительной части",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Каждый пункт — с новой строки; номера проставляются сами.",
        error_messages={"required": "Напишите хотя бы один пункт распорядительной части."},
    )
    control_item = forms.CharField(label="Пункт о контроле", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_items_text(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items_text"].splitlines() if line.strip()]


class _PairChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        mentees = ", ".join(p.short_name for p in obj.mentees.all())
        return f"{obj.mentor.short_name} — {mentees or 'без наставляемых'}"


class _PairsChoice(forms.ModelMultipleChoiceField):
    label_from_instance = _PairChoice.label_from_instance


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}, {obj.position.lower()}" if obj.position else obj.full_name


class NewOrderForm(forms.Form):
    """A new draft of any kind from the register; only the fields of the chosen kind are shown and checked."""

    kind = forms.ChoiceField(label="Вид приказа")
    mentorships = _PairsChoice(
        label="Пары и группы для закрепления",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Черновики пар и групп; после создания проекта они получат состояние «Включена в проект приказа».",
    )
    mentorship = _PairChoice(label="Пара (группа)", queryset=Person.objects.none(), required=False)
    end_reason = forms.ChoiceField(label="Основание досрочного завершения", required=False)
    appointee = _PersonChoice(label="Назначаемый куратор", queryset=Person.objects.none(), required=False)
    rewarded = _StaffChoice(
        label="Наставники, представленные к поощрению",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Наставники пар и групп, завершивших программу.",
    )

    # The fields each kind needs, and what to say when one is missing.
    NEEDS = {
        "pairs": {"mentorships": "Отметьте пары и группы, которые нужно закрепить приказом."},
        "curator": {"appointee": "Выберите работника, которого нужно назначить куратором."},
        "early_end": {
            "mentorship": "Выберите пару (группу), которая завершается досрочно.",
            "end_reason": "Укажите основание досрочного завершения.",
        },
        "programme_change": {"mentorship": "Выберите пару (группу), программа которой изменяется."},
        "reward": {"rewarded": "Отметьте наставников, которых нужно поощрить."},
    }

    def __init__(self, *args, organization: Organization, kind: str = "", **kwargs) -> None:
        from django.db.models import Prefetch

        from mentoring.models import Mentorship
        from roadmap.drafting import rewardable_mentors
        from roadmap.models import OrderKind

        super().__init__(*args, **kwargs)
        self.kind_value = kind if kind in OrderKind.values else ""
        self.fields["kind"].choices = [("", "— выберите —"), *OrderKind.choices]
        pairs = (
            Mentorship.objects.for_org(organization)
            .select_related("mentor")
            .prefetch_related(Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id")))
            .order_by("mentor__surname", "mentor__name", "id")
        )
        self.fields["mentorships"].queryset = pairs.filter(state=Mentorship.State.DRAFT)
        self.fields["mentorship"].queryset = pairs.filter(state=Mentorship.State.ACTIVE)
        self.fields["end_reason"].choices = [("", "— выберите —"), *Mentorship.EndReason.choices]
        self.fields["appointee"].queryset = (
            Person.objects.for_org(organization).working().order_by("surname", "name", "patronymic", "id")
        )
        if self.kind_value == OrderKind.REWARD:
            mentors = rewardable_mentors(organization)
            self.fields["rewarded"].queryset = Person.objects.filter(pk__in=[p.pk for p in mentors]).order_by(
                "surname", "name", "id"
            )
            self.initial.setdefault("rewarded", [p.pk for p in mentors])

    def kind_fields(self) -> list:
        """The bound fields the chosen kind shows, in order."""
        return [self[name] for name in self.NEEDS.get(self.kind_value, {})]

    def clean(self) -> dict:
        data = super().clean()
        for name, message in self.NEEDS.get(data.get("kind", ""), {}).items():
            if not data.get(name):
                self.add_error(name, message)
        return data

    def draft_kwargs(self) -> dict:
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        kwargs: dict = {}
        if kind == "pairs":
            kwargs["mentorships"] = list(data["mentorships"])
        elif kind in ("early_end", "programme_change"):
            kwargs["mentorships"] = [data["mentorship"]]
            if kind == "early_end":
                kwargs["end_reason"] = data["end_reason"]
        elif kind == "curator":
            kwargs["appointee"] = data["appointee"]
        elif kind == "reward":
            kwargs["rewarded"] = list(data["rewarded"])
        return kwargs


# --- end of the drafting block ---------------------------------------------------------------------------------
