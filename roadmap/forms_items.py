"""The items of a draft order, one form per item (roadmap.items): text, level, deadline, executor.

The executors are offered from one list built once per page, so the editor runs the same number of queries with
three items or thirty.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.utils import timezone

from people.models import Organization, Person
from roadmap.items import MAX_LEVEL, PLACEHOLDER, normalize

_DATE_LIKE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\s*$")


def executor_choices(organization: Organization) -> list[tuple[str, str]]:
    """«Иванова И. И., учитель» for every working person of the organisation, in one query."""
    people = Person.objects.for_org(organization).working().order_by("surname", "name", "patronymic", "id")
    return [("", "— не указан —")] + [
        (str(p.pk), f"{p.short_name}, {p.position.lower()}" if p.position else p.short_name) for p in people
    ]


class OrderItemForm(forms.Form):
    text = forms.CharField(
        label="Текст пункта",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "item-text"}),
    )
    level = forms.IntegerField(min_value=0, max_value=MAX_LEVEL, initial=0, widget=forms.HiddenInput)
    deadline = forms.CharField(
        label="Срок",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "31.01.2027 или «в течение учебного года»"}),
    )
    executor = forms.ChoiceField(label="Ответственный", required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor"].choices = choices
        self.fields["level"].error_messages["max_value"] = "Вложенность пунктов — не глубже трёх уровней (1.1.1)."

    @property
    def has_placeholder(self) -> bool:
        value = self["text"].value() or ""
        return bool(PLACEHOLDER.search(str(value)))

    def clean_deadline(self) -> str:
        value = " ".join(self.cleaned_data["deadline"].split())
        if not _DATE_LIKE.match(value):
            return value.rstrip(".")
        try:
            day = datetime.strptime(value, "%d.%m.%Y").date()
        except ValueError:
            raise forms.ValidationError("Такой даты нет: напишите срок как 31.01.2027 или словами.") from None
        if day < timezone.localdate():
            raise forms.ValidationError("Эта дата уже прошла: укажите сегодняшнюю или более позднюю.")
        if day.year > 2100:
            raise forms.ValidationError("Проверьте год срока.")
        return day.isoformat()

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("text") or "").strip() and (data.get("deadline") or data.get("executor")):
            self.add_error("text", "Напишите текст пункта или удалите строку целиком.")
        return data

    def item(self) -> dict | None:
        data = self.cleaned_data
        text = (data.get("text") or "").strip()
        if not text:
            return None
        executor = data.get("executor")
        return {
            "text": text,
            "level": data.get("level") or 0,
            "deadline": data.get("deadline") or "",
            "executor": int(executor) if executor else None,
        }


class BaseOrderItemFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Rows are added, removed and moved on the page, so a posted row is never «an unchanged extra form»
        # Django may skip: each one is read as typed.
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = False
        return form

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.items():
            raise forms.ValidationError("Напишите хотя бы один пункт распорядительной части.")
        first = next(form for form in self.forms if form.item() is not None)
        if first.cleaned_data.get("level"):
            first.add_error("text", "Первый пункт не может быть подпунктом: сдвиньте его влево.")

    def items(self) -> list[dict]:
        """The items as `Order.items` stores them (empty rows dropped, level jumps brought into line)."""
        return normalize([item for form in self.forms if (item := form.item()) is not None])


OrderItemFormSet = forms.formset_factory(
    OrderItemForm, formset=BaseOrderItemFormSet, extra=0, max_num=200, absolute_max=200, validate_max=True
)


def item_formset(
    data=None, *, items: list | None = None, organization: Organization, choices: list | None = None
) -> BaseOrderItemFormSet:
    """The formset of a draft's items; `items` (stored) give the initial rows."""
    initial = [
        {
            "text": item["text"],
            "level": item["level"],
            "deadline": _shown_deadline(item["deadline"]),
            "executor": str(item["executor"]) if item["executor"] else "",
        }
        for item in normalize(items or [])
    ]
    formset = OrderItemFormSet(
        data,
        initial=initial or [{"level": 0}],
        prefix="items",
        form_kwargs={"choices": choices if choices is not None else executor_choices(organization)},
    )
    formset.validate_max_message = "В приказе не больше 200 пунктов."
    return formset


def _shown_deadline(value: str) -> str:
    try:
        return f"{date.fromisoformat(value):%d.%m.%Y}"
    except ValueError:
        return value


class OrderBasisForm(forms.ModelForm):
    """The acts the organisation's orders cite («В соответствии с …»), one per line."""

    class Meta:
        model = Organization
        fields = ["order_basis"]
        labels = {"order_basis": "Правовые основания приказов"}
        widgets = {"order_basis": forms.Textarea(attrs={"rows": 10})}

    def clean_order_basis(self) -> str:
        lines = [" ".join(line.split()) for line in self.cleaned_data["order_basis"].splitlines()]
        lines = [line.rstrip(",;.") for line in lines if line]
        for n, line in enumerate(lines, 1):
            if line.lower().startswith("в соответствии"):
                raise forms.ValidationError(
                    f"Строка {n}: слова «В соответствии с» уже стоят в преамбуле — начните с названия акта "
                    "(«Федеральным законом от …»)."
                )
            if len(line) > 600:
                raise forms.ValidationError(f"Строка {n} длиннее 600 знаков: сократите название акта.")
        if len(lines) > 20:
            raise forms.ValidationError("Не больше 20 актов: приказ ссылается только на те, что к нему относятся.")
        return "\n".join(lines)
