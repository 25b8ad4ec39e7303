from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from core.forms import DateField, ModelMultipleChoiceField, formfield
from core.text import clean_spaces
from people.declension import OVERRIDABLE, automatic_forms
from people.models import Organization, Person, ReferenceItem, Role

User = get_user_model()


class LoginForm(AuthenticationForm):
    """Login with a message that does not tell which half was wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Учётная запись отключена. Обратитесь к администратору организации.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Логин"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = "Пароль"


class ServiceDateField(DateField):
    """A date of a working life: a teacher hired in the 1980s may still work at the school."""

    first_year = 1950


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        formfield_callback = formfield
        fields = [
            "surname",
            "name",
            "patronymic",
            "position",
            "qualification_category",
            "experience_years",
            "email",
            "phone",
            "hired_on",
            "left_on",
            "name_genitive",
            "name_dative",
            "name_accusative",
            "name_instrumental",
        ]
        field_classes = {"hired_on": ServiceDateField, "left_on": ServiceDateField}
        widgets = {
            "hired_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"left_on": "Заполните, если работник уволился: он останется в истории, но пропадёт из списков."}

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        # The automatic forms show as placeholders: a field is filled only where the rules decline wrongly.
        person = self.instance
        if person.surname and person.name:
            for case, form in automatic_forms(person).items():
                self.fields[f"name_{case}"].widget.attrs["placeholder"] = form

    def clean(self) -> dict:
        data = super().clean()
        for name in ("surname", "name", "patronymic", "position", *(f"name_{c}" for c in OVERRIDABLE)):
            if data.get(name):
                data[name] = clean_spaces(data[name])
        hired, left = data.get("hired_on"), data.get("left_on")
        if hired and left and left < hired:
            self.add_error("left_on", "Дата увольнения не может быть раньше даты приёма.")
        words = len(" ".join(data.get(n) or "" for n in ("surname", "name", "patronymic")).split())
        for case in OVERRIDABLE:
            given = data.get(f"name_{case}")
            if given and words and len(given.split()) != words:
                self.add_error(
                    f"name_{case}",
                    "Впишите ФИО целиком — столько же слов, сколько в фамилии, имени и отчестве выше, — "
                    "или оставьте поле пустым.",
                )
        if data.get("experience_years") is not None and data["experience_years"] > 70:
            self.add_error("experience_years", "Стаж больше 70 лет — проверьте число.")
        return data

    def save(self, commit: bool = True) -> Person:
        self.instance.organization = self.organization
        return super().save(commit)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Роли в организации",
        choices=Role.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AccountForm(forms.Form):
    username = forms.SlugField(
        label="Логин",
        max_length=150,
        help_text="Латинские буквы, цифры, дефис и подчёркивание.",
    )
    email = forms.EmailField(
        label="Электронная почта",
        help_text="Сюда придёт письмо со ссылкой для установки пароля.",
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].lower()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Этот логин уже занят — выберите другой.")
        return username


class OperatorRequisitesMixin:
    """ИНН and ОГРН as people type them: spaces and dashes dropped, then checked by their control digits."""

    def accept_spaced_numbers(self) -> None:
        # «33 0000 0014» is longer than the digits it holds: the length is checked once the spaces are gone.
        for name in ("inn", "ogrn"):
            field = self.fields[name]
            field.max_length = 24
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.widget.attrs["maxlength"] = "24"

    def clean_inn(self) -> str:
        return "".join(ch for ch in self.cleaned_data.get("inn", "") if ch not in " -\u00a0")

    def clean_ogrn(self) -> str:
        return "".join(ch for ch in self.cleaned_data.get("ogrn", "") if ch not in " -\u00a0")

    def check_inn_matches_ogrn(self, data: dict) -> None:
        # A 13-digit ОГРН belongs to an organisation, whose ИНН has 10 digits; 12 digits is a person's ИНН.
        inn, ogrn = data.get("inn") or "", data.get("ogrn") or ""
        if len(inn) == 12 and len(ogrn) == 13 and "inn" not in self.errors:
            self.add_error(
                "inn",
                "У организации ИНН из 10 цифр; 12 цифр бывает у индивидуального предпринимателя или работника. "
                "Проверьте, не указан ли ИНН руководителя.",
            )


class OperatorRequisitesForm(OperatorRequisitesMixin, forms.ModelForm):
    """The curator's part of the organisation's settings: what the consent forms print about the operator."""

    site = forms.URLField(
        label="Официальный сайт",
        required=False,
        assume_scheme="https",
        help_text="Сайт, на котором публикуются сведения о наставничестве, — так, как он набирается в браузере.",
    )

    class Meta:
        model = Organization
        fields = ["legal_address", "inn", "ogrn", "site"]
        help_texts = {
            "legal_address": "Как в выписке из ЕГРЮЛ. Если пусто, в согласиях печатается адрес из сведений об "
            "организации.",
        }
        widgets = {
            "inn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "ogrn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.accept_spaced_numbers()

    def clean(self) -> dict:
        data = super().clean()
        self.check_inn_matches_ogrn(data)
        return data


class OrganizationForm(OperatorRequisitesMixin, forms.ModelForm):
    site = forms.URLField(label="Официальный сайт", required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "full_name",
            "short_name",
            "kind",
            "municipality",
            "region",
            "address",
            "legal_address",
            "inn",
            "ogrn",
            "city",
            "site",
            "email",
            "phone",
            "order_number_format",
            "programme_approver",
            "meeting_gap_weeks",
            "council_proposes_pairs",
            "council_reviews_programmes",
            "council_sees_monitoring",
            "order_signer",
            "acting_head",
            "acting_head_position",
            "acting_basis_number",
            "acting_basis_date",
            "approval_code",
        ]
        formfield_callback = formfield  # the shared date field: years 1990–2100, a field error otherwise
        widgets = {"acting_basis_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, editor: Person | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.accept_spaced_numbers()
        self.editor = editor
        org = self.instance
        field = self.fields["acting_head"]
        field.queryset = Person.objects.for_org(org).working().with_access() if org.pk else Person.objects.none()
        field.label_from_instance = lambda p: f"{p.short_name}, {p.position}" if p.position else p.short_name

    def clean(self) -> dict:
        data = super().clean()
        self.check_inn_matches_ogrn(data)
        if data.get("order_signer") != Organization.OrderSigner.ACTING:
            return data
        acting = data.get("acting_head")
        required = {
            "acting_head": "Выберите работника, который исполняет обязанности руководителя.",
            "acting_head_position": "Укажите должность для подписи, например «И. о. заведующего».",
            "acting_basis_number": "Укажите номер приказа о назначении исполняющего обязанности.",
            "acting_basis_date": "Укажите дату приказа о назначении исполняющего обязанности.",
        }
        for name, message in required.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if acting is None:
            return data
        if self.editor is not None and acting == self.editor:
            self.add_error(
                "acting_head",
                "Назначить исполняющим обязанности самого себя нельзя: это делает руководитель или другой "
                "администратор организации.",
            )
        elif not acting.roles.filter(kind=Role.Kind.HEAD).exists():
            self.add_error(
                "acting_head",
                f"У {acting.short_name} нет роли «Руководитель»: попросите администратора организации назначить её "
                "(себе её не назначают), иначе приказы на утверждение не будут видны.",
            )
        return data


class ReferenceItemForm(forms.ModelForm):
    """Base for the forms of all reference lists; the model is set by `reference_form_class`."""

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization

    def clean_name(self) -> str:
        name = clean_spaces(self.cleaned_data["name"])
        # Compared in Python: SQLite's iexact ignores case for Latin letters only. A list has a few dozen entries.
        others = type(self.instance).objects.filter(organization=self.instance.organization)
        taken = others.exclude(pk=self.instance.pk).values_list("name", flat=True)
        if name.casefold() in {other.casefold() for other in taken}:
            raise forms.ValidationError("Такая запись в справочнике уже есть.")
        return name


def reference_form_class(model: type[ReferenceItem]) -> type[ReferenceItemForm]:
    return forms.modelform_factory(
        model,
        form=ReferenceItemForm,
        fields=["name", "description", "position", "is_active"],
        widgets={"description": forms.Textarea(attrs={"rows": 2})},
    )


# --- Banks of mentees and mentors, mentor training ----------------------------------------------------------

# Imported here rather than at the top: this section is appended to a module other work edits as well.
from django.db.models import Exists, OuterRef, Q  # noqa: E402

from people.models import (  # noqa: E402
    Direction,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    MentoringForm,
    MentoringKind,
    Purpose,
    TrainingEvent,
    has_consent,
)

DATE_WIDGET = {"type": "date"}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


def _active_or_current(model, organization: Organization, current=()):
    """Active entries of a reference list, plus those an existing record already uses (even if switched off)."""
    return model.objects.filter(organization=organization).filter(Q(is_active=True) | Q(pk__in=list(current)))


def blocked_reason(person: Person) -> str:
    """Why a staff member annotated by `bank_candidates` cannot be put in the bank now ("" if they can)."""
    if not person.pd_consent:
        return "нет согласия на обработку ПД"
    if person.in_bank:
        return "уже в банке"
    return ""


def bank_candidates(organization: Organization, entries):
    """Working staff of the organisation annotated with `pd_consent` and `in_bank` (an open entry in `entries`)."""
    return (
        Person.objects.for_org(organization)
        .working()
        .annotate(
            pd_consent=has_consent(Purpose.PERSONAL_DATA),
            in_bank=Exists(entries.filter(person=OuterRef("pk"))),
        )
        .order_by("name_key", "id")
    )


def _initial_pks(form: forms.ModelForm, name: str) -> list[int]:
    """Ids a many-to-many field of the edited record holds (read from the initial data the form already loaded)."""
    return [getattr(value, "pk", value) for value in form.initial.get(name) or []]


class StaffSelect(forms.Select):
    """A select of staff where people who may not be chosen stay visible but disabled, with the reason."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        person = getattr(value, "instance", None)
        if person is not None and blocked_reason(person):
            option["attrs"]["disabled"] = True
        return option


class BankPersonField(forms.ModelChoiceField):
    """Choice of a working staff member for a bank; the queryset comes from `bank_candidates`."""

    widget = StaffSelect

    def label_from_instance(self, person) -> str:
        label = f"{person.short_name} — {person.position}"
        reason = blocked_reason(person)
        return f"{label} ({reason})" if reason else label


class _BankPersonMixin:
    """Checks the chosen person for the reasons the select shows; the models check consent again on save."""

    already_in_bank = ""

    def clean_person(self) -> Person:
        person = self.cleaned_data["person"]
        if not person.pd_consent:
            raise forms.ValidationError(
                f"У работника {person.short_name} нет действующего согласия на обработку персональных данных. "
                "Сначала зарегистрируйте согласие."
            )
        if person.in_bank:
            raise forms.ValidationError(self.already_in_bank)
        return person


class MenteeEntryForm(_BankPersonMixin, forms.ModelForm):
    """The curator puts a staff member into the bank of mentees, or edits their request."""

    already_in_bank = "Этот работник уже есть в банке наставляемых: откройте его запись и измените её."

    person = BankPersonField(queryset=Person.objects.none(), label="Работник", empty_label="— выберите работника —")

    class Meta:
        model = MenteeEntry
        formfield_callback = formfield
        fields = ["person", "category", "directions", "difficulties", "request_date", "collected_by"]
        field_classes = {"directions": ModelMultipleChoiceField}
        widgets = {
            "directions": forms.CheckboxSelectMultiple,
            "difficulties": forms.Textarea(attrs={"rows": 5}),
            "request_date": _date_input(),
        }
        labels = {"difficulties": "Профессиональные затруднения и запрос"}
        help_texts = {
            "difficulties": "Своими словами: с чем педагогу трудно и какой помощи он ждёт от наставника.",
            "collected_by": "Кто провёл беседу или анкетирование и записал запрос.",
        }

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        if self.instance.pk:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = bank_candidates(organization, MenteeEntry.objects.open())
        current = [self.instance.category_id] if self.instance.pk else []
        self.fields["category"].queryset = _active_or_current(MenteeCategory, organization, current)
        self.fields["category"].empty_label = "— выберите категорию —"
        chosen = _initial_pks(self, "directions")
        self.fields["directions"].queryset = _active_or_current(Direction, organization, chosen)
        self.fields["collected_by"].queryset = Person.objects.for_org(organization).working()
        self.fields["collected_by"].label_from_instance = lambda p: f"{p.short_name} — {p.position}"
        self.fields["difficulties"].required = True

    def clean_difficulties(self) -> str:
        return self.cleaned_data["difficulties"].strip()


class MenteeRequestForm(forms.ModelForm):
    """A teacher's own professional request, submitted from their account."""

    class Meta:
        model = MenteeEntry
        fields = ["category", "directions", "difficulties"]
        field_classes = {"directions": ModelMultipleChoiceField}
        widgets = {
            "directions": forms.CheckboxSelectMultiple,
            "difficulties": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "category": "К какой категории вы относитесь",
            "directions": "В каких направлениях нужна помощь",
            "difficulties": "Ваши профессиональные затруднения",
        }
        help_texts = {
            "difficulties": (
                "Опишите, что вызывает трудности в работе и чему вы хотели бы научиться с помощью наставника."
            ),
        }

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        current = [self.instance.category_id] if self.instance.pk else []
        self.fields["category"].queryset = _active_or_current(MenteeCategory, organization, current)
        self.fields["category"].empty_label = "— выберите категорию —"
        chosen = _initial_pks(self, "directions")
        self.fields["directions"].queryset = _active_or_current(Direction, organization, chosen)
        self.fields["difficulties"].required = True

    def clean_difficulties(self) -> str:
        return self.cleaned_data["difficulties"].strip()


class StatusChangeForm(forms.Form):
    """One transition of a bank entry: the target status and, where the rules want them, a reason or support."""

    status = forms.ChoiceField(label="Новый статус")
    note = forms.CharField(label="Основание", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    support = forms.CharField(
        label="Какая поддержка оказывается", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, choices: list[tuple[str, str]], note_required: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices
        self.note_required = note_required
        self.fields["status"].error_messages["invalid_choice"] = "Такой переход для этой записи сейчас невозможен."

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        if status in self.note_required and not data.get("note", "").strip():
            self.add_error("note", self.note_required[status])
        if status == "supported" and not data.get("support", "").strip():
            self.add_error("support", "Опишите, какая поддержка оказывается, пока наставник не найден.")
        return data


class MentorEntryForm(_BankPersonMixin, forms.ModelForm):
    """The questionnaire (анкета) of a mentor: filled by the curator after an interview or by the teacher."""

    already_in_bank = "Анкета этого работника уже есть в банке наставников: откройте её и измените."

    person = BankPersonField(queryset=Person.objects.none(), label="Работник", empty_label="— выберите работника —")
    qualification_category = forms.ChoiceField(
        label="Квалификационная категория",
        choices=Person.Category.choices,
        required=False,
        help_text="Сохраняется в карточке работника.",
    )
    experience_years = forms.IntegerField(
        label="Педагогический стаж, лет",
        required=False,
        min_value=0,
        max_value=70,
        help_text="Сохраняется в карточке работника.",
    )

    class Meta:
        model = MentorEntry
        formfield_callback = formfield
        fields = [
            "person",
            "competencies",
            "subjects",
            "preferred_forms",
            "preferred_kinds",
            "motivation",
            "capacity",
            "interview_date",
        ]
        field_classes = dict.fromkeys(["competencies", "preferred_forms", "preferred_kinds"], ModelMultipleChoiceField)
        widgets = {
            "competencies": forms.CheckboxSelectMultiple,
            "preferred_forms": forms.CheckboxSelectMultiple,
            "preferred_kinds": forms.CheckboxSelectMultiple,
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "capacity": forms.NumberInput(attrs={"min": 1, "max": 10}),
            "interview_date": _date_input(),
        }
        labels = {
            "competencies": "Компетенции (направления, в которых может помочь)",
            "motivation": "Мотивация: почему готов(а) быть наставником",
            "capacity": "Сколько наставляемых может взять",
        }
        help_texts = {"capacity": "От 1 до 10 человек одновременно."}

    def __init__(
        self, *args, organization: Organization, owner: Person | None = None, self_service: bool = False, **kwargs
    ) -> None:
        """`owner` is the person the questionnaire is about when already known (editing, or the teacher)."""
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.owner = self.instance.person if self.instance.person_id else owner
        if self.owner is not None:
            del self.fields["person"]
            self.fields["qualification_category"].initial = self.owner.qualification_category
            self.fields["qualification_category"].required = True
            self.fields["experience_years"].initial = self.owner.experience_years
        else:
            self.fields["person"].queryset = bank_candidates(organization, MentorEntry.objects.in_bank())
            unchanged = ("", "— как в карточке работника —")
            self.fields["qualification_category"].choices = [unchanged, *Person.Category.choices]
            self.fields["qualification_category"].help_text = "Если выбрать, категория обновится в карточке работника."
            self.fields["experience_years"].help_text = "Если заполнить, стаж обновится в карточке работника."
        if self_service:
            del self.fields["interview_date"]
        for name, model in (
            ("competencies", Direction),
            ("preferred_forms", MentoringForm),
            ("preferred_kinds", MentoringKind),
        ):
            chosen = _initial_pks(self, name)
            self.fields[name].queryset = _active_or_current(model, organization, chosen)
        capacity = self.fields["capacity"]
        capacity.validators = []
        capacity.widget.attrs.update({"min": 1, "max": 10})

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if capacity is None or not 1 <= capacity <= 10:
            raise forms.ValidationError("Наставник может взять от 1 до 10 наставляемых.")
        return capacity

    def apply_to_person(self, person: Person) -> list[str]:
        """Copy the qualification fields to the person's card; return the names of the fields that changed.

        When the person was chosen in this very form, blank fields mean «leave the card as it is».
        """
        changed = []
        category = self.cleaned_data.get("qualification_category")
        if category and category != person.qualification_category:
            person.qualification_category = category
            changed.append("qualification_category")
        experience = self.cleaned_data.get("experience_years")
        if (experience is not None or self.owner is not None) and experience != person.experience_years:
            person.experience_years = experience
            changed.append("experience_years")
        return changed


class TrainingEventForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        formfield_callback = formfield
        fields = ["date", "topic", "form", "description", "attendees"]
        field_classes = {"attendees": ModelMultipleChoiceField}
        widgets = {
            "date": _date_input(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "attendees": forms.CheckboxSelectMultiple,
        }
        labels = {"attendees": "Участники (наставники из банка)"}
        help_texts = {"attendees": "Наставник считается обученным, если посетил хотя бы одно мероприятие."}

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        in_bank = MentorEntry.objects.for_org(organization).in_bank().values("person_id")
        current = _initial_pks(self, "attendees")
        self.fields["attendees"].queryset = (
            Person.objects.for_org(organization).filter(Q(pk__in=in_bank) | Q(pk__in=current)).order_by("name_key")
        )
        self.fields["attendees"].label_from_instance = lambda p: f"{p.short_name} — {p.position}"
        self.fields["attendees"].required = False

    def clean_topic(self) -> str:
        return clean_spaces(self.cleaned_data["topic"])


# --- consents ----------------------------------------------------------------------------------------------------

# Imported here rather than at the top: this section is appended to a module other work edits as well.
from django.utils import timezone  # noqa: E402

from people.consents import (  # noqa: E402
    ALREADY_ACTIVE,
    PLACEHOLDERS,
    unknown_placeholders,
    validate_scan,
)
from people.models import Consent  # noqa: E402
from people.models.consent import Purpose as ConsentPurpose  # noqa: E402


def _consent_date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(value, what: str):
    if value > timezone.localdate():
        raise forms.ValidationError(f"{what} не может быть позже сегодняшнего дня.")
    if value.year < 2000:
        raise forms.ValidationError("Проверьте год: дата слишком давняя.")
    return value


class ConsentTextForm(forms.Form):
    """A new version of a consent text. `current` is the version being edited, to catch concurrent edits."""

    title = forms.CharField(label="Заголовок", max_length=300)
    body = forms.CharField(
        label="Текст согласия",
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Каждая строка — отдельный абзац; строка, начинающаяся с тире, — пункт перечня. "
        "В фигурных скобках — подстановки, которые при печати заменяются сведениями: "
        "{ФИО}, {должность}, {организация}, {адрес организации}, {ИНН}, {ОГРН}, {сайт}.",
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, current, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.fields["base_version"].initial = current.version

    def clean_title(self) -> str:
        return clean_spaces(self.cleaned_data["title"])

    def clean_body(self) -> str:
        body = "\n".join(line.rstrip() for line in self.cleaned_data["body"].replace("\r\n", "\n").split("\n"))
        body = body.strip()
        if unknown := unknown_placeholders(body):
            names = ", ".join(f"{{{name}}}" for name in unknown)
            allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise forms.ValidationError(
                f"Неизвестная подстановка: {names}. Допустимы только {allowed} — проверьте написание."
            )
        return body

    def clean(self) -> dict:
        data = super().clean()
        if data.get("base_version") not in (None, self.current.version):
            raise forms.ValidationError(
                f"Пока вы редактировали текст, сохранена версия {self.current.version}. "
                "Откройте её, перенесите свои правки и сохраните снова."
            )
        if data.get("title") == self.current.title and data.get("body") == self.current.body:
            raise forms.ValidationError("Текст не изменился — новая версия не нужна.")
        return data


class ConsentRegisterForm(forms.Form):
    """Registering a consent the person signed on paper."""

    purpose = forms.ChoiceField(label="Согласие", widget=forms.RadioSelect)
    given_on = DateField(label="Дата подписания", widget=_consent_date_input())
    scan = forms.FileField(
        label="Скан подписанного согласия",
        required=False,
        help_text="Необязательно. PDF, JPEG или PNG, не больше 5 МБ.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.scan_extension: str | None = None
        active = dict(Consent.objects.active().filter(person=person).values_list("purpose", "given_on"))
        self.fields["purpose"].choices = [
            (value, f"{label} — уже действует, дано {active[value]:%d.%m.%Y}" if value in active else label)
            for value, label in ConsentPurpose.choices
        ]

    def clean_purpose(self) -> str:
        purpose = self.cleaned_data["purpose"]
        if Consent.objects.active().filter(person=self.person, purpose=purpose).exists():
            raise forms.ValidationError(ALREADY_ACTIVE.format(purpose=ConsentPurpose(purpose).label))
        return purpose

    def clean_given_on(self):
        return _not_in_future(self.cleaned_data["given_on"], "Дата подписания")

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            self.scan_extension = validate_scan(scan)
        return scan


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = DateField(label="Дата отзыва", widget=_consent_date_input())

    def __init__(self, *args, consent, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.fields["withdrawn_on"].initial = timezone.localdate()

    def clean_withdrawn_on(self):
        value = _not_in_future(self.cleaned_data["withdrawn_on"], "Дата отзыва")
        if value < self.consent.given_on:
            raise forms.ValidationError(
                f"Дата отзыва не может быть раньше даты согласия ({self.consent.given_on:%d.%m.%Y})."
            )
        return value


class OnlineConsentForm(forms.Form):
    """A teacher consenting in their account to the version of the text they were shown.

    The page holds one such form per purpose: build it with ``prefix=purpose``.
    """

    agree = forms.BooleanField(
        label="Я ознакомлен(а) с текстом согласия и согласен(на)",
        error_messages={"required": "Отметьте, что вы прочитали текст и согласны с ним."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, text, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.text = text
        self.fields["version"].initial = text.version

    def clean(self) -> dict:
        data = super().clean()
        if data.get("version") is not None and data["version"] != self.text.version:
            raise forms.ValidationError(
                "Текст согласия изменился, пока вы его читали. Прочитайте новую редакцию и подтвердите согласие."
            )
        return data


# --- Staff import ------------------------------------------------------------------------------------------------

from core.tables import Table, TableError  # noqa: E402
from people.importing import MAX_FILE_SIZE, read_staff_file  # noqa: E402


class StaffImportForm(forms.Form):
    """The upload of a staff list. A valid form has read the file: `table` and `content` are ready for the import."""

    file = forms.FileField(
        label="Файл со списком работников",
        help_text="XLSX, CSV или DOCX (таблица Word), не больше 5 МБ.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.docx"}),
        error_messages={
            "required": "Выберите файл со списком работников.",
            "empty": "Файл пустой: в нём нет ни одной строки.",
            "invalid": "Файл не получен. Выберите его ещё раз.",
        },
    )

    table: Table | None = None
    content: bytes = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError("Файл больше 5 МБ. Удалите лишние листы и оформление или разделите список.")
        data = upload.read()
        try:
            # A first look: a wrong file, sheet or header is refused here, beside the field, at once; the whole list
            # (its bounds and every row) is read by the check job the upload starts (people.tasks).
            self.table = read_staff_file(data, upload.name, peek=True)
        except TableError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.content = data
        return upload
