"""Forms of the staff surveys: launching one, answering it, the curator's decision on an answer."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from core.forms import DateField
from monitoring.models import NeedsAnswer, NeedsSurvey
from monitoring.needs import Audience
from people.models import Direction, MenteeCategory, Organization

DEFAULT_TITLES = {
    NeedsSurvey.Kind.NEEDS: "Анкета профессиональных затруднений педагогов",
    NeedsSurvey.Kind.CANDIDATES: "Анкета кандидата в наставники",
}


class LaunchForm(forms.Form):
    kind = forms.ChoiceField(label="Анкета", choices=NeedsSurvey.Kind.choices, initial=NeedsSurvey.Kind.NEEDS)
    title = forms.CharField(
        label="Название", max_length=300, required=False, help_text="Если оставить пустым — по названию анкеты."
    )
    intro = forms.CharField(
        label="Обращение к работникам",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Коллеги, расскажите, с чем в работе вам нужна помощь: по ответам мы подберём наставников.",
    )
    deadline = DateField(label="Ответить до", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    position = forms.CharField(
        label="Должность или предмет содержит",
        max_length=200,
        required=False,
        help_text="Например: «учитель» или «математик, физик» — через запятую. Пусто — все работники.",
    )
    experience_min = forms.IntegerField(label="Стаж от, лет", required=False, min_value=0, max_value=60)
    experience_max = forms.IntegerField(label="Стаж до, лет", required=False, min_value=0, max_value=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + timedelta(days=14)
        self.fields["deadline"].error_messages["required"] = "Укажите, до какого дня принимаются ответы."
        for name in ("experience_min", "experience_max"):
            self.fields[name].error_messages.update(
                invalid="Введите целое число лет, например 3.",
                min_value="Стаж не может быть отрицательным.",
                max_value="Не больше 60 лет.",
            )

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError("Срок ответа уже прошёл: выберите сегодняшний или более поздний день.")
        return value

    def clean(self):
        data = super().clean()
        low, high = data.get("experience_min"), data.get("experience_max")
        if low is not None and high is not None and high < low:
            self.add_error("experience_max", "Верхняя граница стажа меньше нижней.")
        if not data.get("title") and data.get("kind"):
            data["title"] = DEFAULT_TITLES[data["kind"]]
        return data

    @property
    def audience(self) -> Audience:
        d = self.cleaned_data
        return Audience(d.get("position") or "", d.get("experience_max"), d.get("experience_min"))


class AnswerForm(forms.Form):
    directions = forms.ModelMultipleChoiceField(
        label="Направления", queryset=Direction.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label="Ответ", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    wants_mentor = forms.BooleanField(label="Мне нужен наставник", required=False)
    subjects = forms.CharField(label="Предметы, направления работы", max_length=300, required=False)
    capacity = forms.IntegerField(label="Скольких наставляемых готовы вести одновременно", required=False)

    def __init__(self, *args, org: Organization, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directions"].queryset = Direction.objects.filter(organization=org, is_active=True).order_by(
            "position", "name"
        )
        if kind == NeedsSurvey.Kind.CANDIDATES:
            self.fields["directions"].label = "В чём вы сильны (компетенции)"
            self.fields["text"].label = "Чем вы можете помочь коллегам и почему хотите стать наставником"
            self.fields["text"].error_messages["required"] = "Напишите, чем вы можете помочь коллегам."
            self.fields["capacity"] = forms.IntegerField(
                label=self.fields["capacity"].label,
                min_value=1,
                max_value=10,
                initial=1,
                error_messages={
                    "required": "Укажите число от 1 до 10.",
                    "invalid": "Укажите число от 1 до 10.",
                    "min_value": "Не меньше одного.",
                    "max_value": "Не больше 10: программа требует времени на каждого.",
                },
            )
            del self.fields["wants_mentor"]
        else:
            self.fields["directions"].label = "В чём испытываете затруднения"
            self.fields["text"].label = "Опишите затруднения своими словами"
            self.fields["text"].error_messages["required"] = (
                "Опишите хотя бы одно затруднение — или напишите «затруднений нет»."
            )
            del self.fields["subjects"]
            del self.fields["capacity"]
        self.fields["text"].error_messages["max_length"] = "Слишком длинный ответ: сократите его до 4000 знаков."

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            "text": d["text"],
            "directions": d["directions"],
            "wants_mentor": d.get("wants_mentor", False),
            "subjects": d.get("subjects", ""),
            "capacity": d.get("capacity"),
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Принять в банк"), ("decline", "Отклонить")],
        error_messages={"required": "Выберите решение.", "invalid_choice": "Выберите решение."},
    )
    category = forms.ModelChoiceField(
        label="Категория наставляемого",
        queryset=MenteeCategory.objects.none(),
        required=False,
        empty_label="— выберите —",
        error_messages={"invalid_choice": "Выберите категорию из списка."},
    )
    note = forms.CharField(label="Комментарий", required=False, max_length=1000)

    def __init__(self, *args, org: Organization, answer: NeedsAnswer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MenteeCategory.objects.filter(organization=org, is_active=True)
        self.answer = answer

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", "Укажите причину отказа: работник увидит её в своей анкете.")
        return data
