"""The form of an order signed on paper (roadmap.paper): what the paper says, checked beside each field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone

from core import bounds
from core.forms import DateField
from core.text import initials_first
from mentoring.models import Mentorship
from people.models import Organization, Person
from roadmap import paper
from roadmap.forms import _PairsChoice, _PersonChoice, _StaffChoice
from roadmap.models import OrderKind, Regulation, Roadmap


class PaperOrderForm(forms.Form):
    """Kind first (chosen on the page before), then the order's details and whom it names."""

    kind = forms.ChoiceField(label="Вид приказа", choices=OrderKind.choices)
    date = DateField(
        label="Дата приказа",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Как на бумажном приказе; его действие начинается с этой даты.",
    )
    number = forms.CharField(
        label="Номер приказа",
        max_length=40,
        help_text="Как записан на приказе и в книге приказов: «47», «47-од», «01-05/47».",
    )
    title = forms.CharField(label="Заголовок «О …»", max_length=500)
    text = forms.CharField(
        label="Текст приказа",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Пункты распорядительной части, по одному в строке. Можно не заполнять, если приложен скан.",
    )
    scan = forms.FileField(
        label="Скан подписанного приказа (PDF)",
        required=False,
        help_text="Только PDF, не больше 10 МБ.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    mentorships = _PairsChoice(
        label="Пары и группы, которые называет приказ",
        queryset=Mentorship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    end_reason = forms.ChoiceField(label="Основание досрочного завершения", required=False)
    appointee = _PersonChoice(label="Назначенный куратор", queryset=Person.objects.none(), required=False)
    rewarded = _StaffChoice(
        label="Поощрённые наставники",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regulation = forms.ModelChoiceField(
        label="Утверждённое положение", queryset=Regulation.objects.none(), required=False
    )
    roadmap = forms.ModelChoiceField(
        label="Утверждённая дорожная карта", queryset=Roadmap.objects.none(), required=False
    )
    signer_position = forms.CharField(label="Должность подписавшего", max_length=200, required=False)
    signer_name = forms.CharField(label="Подписал (И. О. Фамилия)", max_length=200, required=False)

    # The fields each kind shows, and what to say when a required one is missing.
    NEEDS = {
        OrderKind.PAIRS: {"mentorships": "Отметьте пары и группы, которые закреплены приказом."},
        OrderKind.EARLY_END: {
            "mentorships": "Отметьте пары и группы, которые приказ завершает досрочно.",
            "end_reason": "Укажите основание досрочного завершения.",
        },
        OrderKind.CURATOR: {"appointee": "Выберите работника, назначенного куратором."},
        OrderKind.REWARD: {"rewarded": "Отметьте поощрённых наставников."},
        OrderKind.ROADMAP: {"roadmap": "Выберите дорожную карту, которую утверждает приказ."},
        OrderKind.ROADMAP_CHANGE: {"roadmap": "Выберите новую редакцию дорожной карты, которую утверждает приказ."},
        OrderKind.REGULATION: {"regulation": "", "roadmap": ""},
    }

    def __init__(self, *args, organization: Organization, kind: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind_value = kind if kind in OrderKind.values else ""
        pairs = (
            Mentorship.objects.for_org(organization)
            .select_related("mentor")
            .prefetch_related(Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id")))
            .order_by("mentor__surname", "mentor__name", "id")
        )
        wanted = Mentorship.State.ACTIVE if self.kind_value == OrderKind.EARLY_END else Mentorship.State.DRAFT
        states = [wanted] if self.kind_value == OrderKind.EARLY_END else [wanted, Mentorship.State.PROPOSED]
        self.fields["mentorships"].queryset = pairs.filter(state__in=states)
        self.fields["end_reason"].choices = [("", "— выберите —"), *Mentorship.EndReason.choices]
        staff = Person.objects.for_org(organization).working().order_by("surname", "name", "patronymic", "id")
        self.fields["appointee"].queryset = staff
        self.fields["rewarded"].queryset = staff
        self.fields["regulation"].queryset = Regulation.objects.filter(
            organization=organization, status=Regulation.Status.ADOPTED
        )
        roadmaps = Roadmap.objects.for_org(organization).filter(status=Roadmap.Status.DRAFT)
        if self.kind_value == OrderKind.ROADMAP_CHANGE:
            roadmaps = roadmaps.filter(replaces__isnull=False)
        elif self.kind_value:
            roadmaps = roadmaps.filter(replaces__isnull=True)
        self.fields["roadmap"].queryset = roadmaps.order_by("-period_start", "-id")
        self.fields["roadmap"].label_from_instance = lambda r: f"{r.title}, {r.period_label}"
        head = Person.objects.heads_of(organization).order_by("id").first()
        if head is not None:
            self.initial.setdefault("signer_position", head.position)
            self.initial.setdefault("signer_name", initials_first(head.surname, head.name, head.patronymic))
        self.initial.setdefault("kind", self.kind_value)

    def kind_fields(self) -> list:
        """The bound fields the chosen kind shows; a regulation order shows a roadmap only when there is one."""
        names = list(self.NEEDS.get(self.kind_value, {}))
        if self.kind_value == OrderKind.REGULATION and not self.fields["roadmap"].queryset.exists():
            names.remove("roadmap")
        return [self[name] for name in names]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > timezone.localdate():
            raise ValidationError(
                "Дата приказа не может быть позже сегодняшнего дня: регистрируется подписанный приказ."
            )
        return value

    def clean_number(self) -> str:
        number = paper.clean_number(self.cleaned_data["number"])
        if paper.serial_of(number) is None:
            raise ValidationError(
                "В номере нет порядкового номера (цифр): укажите номер, как он записан на приказе, например «47-од»."
            )
        return number

    def clean_scan(self) -> bytes | None:
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        if upload.size > bounds.SCAN_MAX_BYTES:
            raise paper.too_large(upload.size)  # refused before the whole file is read
        data = upload.read()
        paper.check_scan(data)
        return data

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind", "")
        for name, message in self.NEEDS.get(kind, {}).items():
            if message and not data.get(name):
                self.add_error(name, message)
        if kind == OrderKind.REGULATION and not (data.get("regulation") or data.get("roadmap")):
            self.add_error("regulation", "Выберите положение (или дорожную карту), которые утверждает приказ.")
        if not (data.get("text") or "").strip() and not data.get("scan") and "scan" not in self.errors:
            self.add_error("scan", "Приложите скан приказа (PDF) или перепишите его текст в поле «Текст приказа».")
        return data
