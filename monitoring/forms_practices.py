"""Forms of the methodical collection (practices and their materials) and of the final event of stage 6.

Kept apart from mentoring/forms.py, which holds the pairs and programmes forms and is already long.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, Value, When

from core.forms import ModelMultipleChoiceField, formfield
from core.text import as_id
from core.widgets import DATE_WIDGET
from monitoring.models import FinalEvent, Practice
from monitoring.practices import MATERIALS_PER_UPLOAD, validate_material
from people.models import Direction, MentoringForm, Organization, Person

ACCEPT = ".pdf,.docx,.xlsx,.pptx,.jpg,.jpeg,.png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input: cleans to a list (empty when nothing was chosen)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if not data and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class StaffChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.short_name} — {obj.position.lower()}" if obj.position else obj.short_name


def staff_choices(org: Organization, current: list[int]):
    """Working staff of the organisation, and whoever is already chosen even if they have left since.

    The chosen come first, so that a long list opens with them in view.
    """
    return (
        Person.objects.for_org(org)
        .filter(Q(left_on__isnull=True) | Q(pk__in=current))
        .annotate(chosen_first=Case(When(pk__in=current, then=Value(0)), default=Value(1)))
        .order_by("chosen_first", "surname", "name", "patronymic", "id")
    )


def _current(form: forms.ModelForm, field: str) -> list[int]:
    """Who is chosen now: as submitted, else as saved, else as prefilled."""
    if form.is_bound and hasattr(form.data, "getlist"):
        # Only ids a database column can hold: a forged 40-digit «id» must stay a form error, not a 500.
        submitted = (as_id(pk) for pk in form.data.getlist(form.add_prefix(field)))
        return [pk for pk in submitted if pk is not None]
    if form.instance.pk:
        return list(getattr(form.instance, field).values_list("pk", flat=True))
    return [pk for pk in map(as_id, form.initial.get(field) or []) if pk is not None]


class MaterialsMixin(forms.Form):
    materials = MultipleFileField(
        label="Материалы",
        help_text="Можно выбрать несколько файлов: PDF, DOCX, XLSX, PPTX, JPEG, PNG, каждый не больше 10 МБ. "
        "Файлы проверяются по содержимому, а не по названию.",
    )

    def clean_materials(self) -> list:
        uploads = self.cleaned_data.get("materials") or []
        if len(uploads) > MATERIALS_PER_UPLOAD:
            raise ValidationError(f"За один раз можно загрузить не больше {MATERIALS_PER_UPLOAD} файлов.")
        errors, self.checked = [], []
        for upload in uploads:
            try:
                self.checked.append((upload, validate_material(upload)))
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(
                [*errors, ValidationError("Выберите исправленные файлы заново: остальное, что вы ввели, сохранено.")]
            )
        return uploads


class PracticeForm(MaterialsMixin, forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["title", "description", "direction", "form", "authors", "is_published"]
        field_classes = {"authors": ModelMultipleChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "description": "Суть практики, для кого она, как её повторить и какие результаты она дала.",
            "is_published": "Практика появится в разделе наставничества на сайте организации. "
            "Имена авторов показываются только при их согласии на публикацию.",
        }

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checked = []
        self.instance.organization = organization
        self.fields["direction"].queryset = Direction.objects.filter(organization=organization, is_active=True)
        self.fields["form"].queryset = MentoringForm.objects.filter(organization=organization, is_active=True)
        self.fields["direction"].empty_label = "— не указано —"
        self.fields["form"].empty_label = "— не указана —"
        self.fields["authors"] = StaffChoice(
            queryset=staff_choices(organization, _current(self, "authors")),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Авторы",
            help_text="Наставник и наставляемые, чей опыт лёг в основу практики.",
        )
        if not self.instance.source_ended:
            self.fields["is_published"].disabled = True
            self.fields["is_published"].help_text = "Опубликовать можно после завершения программы пары (группы)."

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("is_published") and not self.instance.source_ended:
            self.add_error("is_published", "Практику из программы можно опубликовать только после её завершения.")
        return data

    def save(self, commit: bool = True) -> Practice:
        practice = super().save(commit=False)
        was_published = Practice.objects.filter(pk=practice.pk, is_published=True).exists() if practice.pk else False
        practice.is_published = was_published  # set_published decides the date
        practice.set_published(bool(self.cleaned_data.get("is_published")))
        if commit:
            practice.save()
            self.save_m2m()
        return practice


class MaterialsForm(MaterialsMixin):
    """Adding materials on the practice page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checked = []
        self.fields["materials"].required = True
        self.fields["materials"].error_messages["required"] = "Выберите хотя бы один файл."
        self.fields["materials"].label = "Добавить материалы"


class FinalEventForm(forms.ModelForm):
    class Meta:
        model = FinalEvent
        formfield_callback = formfield
        fields = ["title", "event_format", "held_on", "participants", "guests", "outcome"]
        field_classes = {"participants": ModelMultipleChoiceField}
        widgets = {
            "held_on": DATE_WIDGET,
            "guests": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "guests": "Кто был приглашён со стороны: представители управления образованием, родители, коллеги.",
            "outcome": "Что обсудили и решили: итоги программ, лучшие практики, предложения на следующий год.",
        }

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["event_format"].widget.attrs["list"] = "event-formats"
        self.fields["participants"] = StaffChoice(
            queryset=staff_choices(organization, _current(self, "participants")),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Участники из числа работников",
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class RecommendForm(forms.Form):
    recommended = StaffChoice(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Отметьте наставников завершённых пар и групп",
    )

    def __init__(self, *args, candidates: list[Person], chosen: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pks = {p.pk for p in candidates} | {p.pk for p in chosen}
        self.fields["recommended"].queryset = Person.objects.filter(pk__in=pks).order_by("surname", "name", "id")
