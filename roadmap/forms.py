"""Forms of the roadmap app. Each block belongs to one concept; keep new classes in a block of their own."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Prefetch
from django.utils import timezone

from core.forms import DateField, ModelMultipleChoiceField, formfield
from core.tables import TableError
from mentoring.models import Mentorship
from people.models import Organization, Person
from roadmap.drafting import rewardable_mentors
from roadmap.importing import FIELDS, MAX_BYTES, read_table
from roadmap.models import ROADMAP_LOCKED, ActivityStatus, Order, OrderKind, Roadmap, RoadmapActivity

# --- order pages: editing a draft, returning it for revision (pages of the orders issue) ---------------------


class _StaffChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}, {obj.position.lower()}" if obj.position else obj.full_name


class OrderEditForm(forms.Form):
    """The text of a draft and its acknowledgement list; the items are a formset of their own (forms_items)."""

    heading = forms.CharField(label="Заголовок «О …»", max_length=500)
    preamble = forms.CharField(
        label="Преамбула", widget=forms.Textarea(attrs={"rows": 3}), help_text="«В соответствии с …», «На основании …»"
    )
    control_item = forms.CharField(label="Пункт о контроле", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acknowledgers = _StaffChoice(
        label="Лист ознакомления",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Кто должен ознакомиться с приказом после утверждения. Ответственные за пункты попадают в лист сами.",
    )

    # Values only a person gives; the text shows them where it says {начало_работы}, {дата_мероприятия}…
    start_rule = forms.ChoiceField(
        label="Пары (группы) начинают работу",
        choices=Order.StartRule.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    starts_on = DateField(
        label="Дата начала работы пар",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Пункт приказа скажет «начинают работу с ДД.ММ.ГГГГ», и с этой даты пары начнут работу.",
    )
    due_on = DateField(
        label="Срок исполнения",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    event_date = DateField(
        label="Дата проведения",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    event_place = forms.CharField(label="Место проведения", required=False, max_length=300)

    KIND_FIELDS = {
        OrderKind.PAIRS: ("start_rule", "starts_on", "due_on"),
        OrderKind.FINAL_EVENT: ("event_date", "event_place", "due_on"),
    }
    DUE_HELP = {
        OrderKind.PAIRS: "До какого дня наставники разрабатывают персонализированные программы ({срок_программ}).",
        OrderKind.FINAL_EVENT: "До какого дня готовятся материалы к мероприятию ({срок_материалов}).",
    }

    def __init__(self, *args, organization: Organization, kind: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acknowledgers"].queryset = (
            Person.objects.for_org(organization).working().order_by("surname", "name", "patronymic", "id")
        )
        shown = self.KIND_FIELDS.get(kind, ())
        for name in ("start_rule", "starts_on", "due_on", "event_date", "event_place"):
            if name not in shown:
                del self.fields[name]
        if "due_on" in self.fields:
            self.fields["due_on"].help_text = self.DUE_HELP[kind]
        self.kind_fields = [self[name] for name in shown]

    def _not_past(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value and value < timezone.localdate():
            raise forms.ValidationError("Эта дата уже прошла: укажите сегодняшнюю или более позднюю.")
        return value

    def clean_starts_on(self) -> date | None:
        return self._not_past("starts_on")

    def clean_due_on(self) -> date | None:
        return self._not_past("due_on")

    def clean_event_date(self) -> date | None:
        return self._not_past("event_date")

    def clean(self) -> dict:
        data = super().clean()
        if "start_rule" in self.fields:
            data["start_rule"] = data.get("start_rule") or Order.StartRule.DATE
            if (
                data["start_rule"] == Order.StartRule.DATE
                and not data.get("starts_on")
                and "starts_on" not in self.errors
            ):
                self.add_error("starts_on", "Укажите дату или выберите «со дня подписания приказа».")
        return data


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
        help_text="Каждый пункт — с новой строки; номера проставляются сами. Подпункт начните с «1.1.», "
        "подпункт подпункта — с «1.1.1.»: в проекте это станет вложенностью, а не текстом.",
        error_messages={"required": "Напишите хотя бы один пункт распорядительной части."},
    )
    control_item = forms.CharField(label="Пункт о контроле", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_items_text(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items_text"].splitlines() if line.strip()]


class _PairChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        mentees = ", ".join(p.short_name for p in obj.mentees.all())
        return f"{obj.mentor.short_name} — {mentees or 'без наставляемых'}"


class _PairsChoice(ModelMultipleChoiceField):
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

    roadmap = forms.ModelChoiceField(
        label="Утверждаемая дорожная карта",
        queryset=Roadmap.objects.none(),
        required=False,
        help_text=(
            "Проект дорожной карты (для изменений — новая редакция утверждённой); он станет приложением к приказу."
        ),
    )

    # The fields each kind needs, and what to say when one is missing.
    NEEDS = {
        "roadmap": {"roadmap": "Выберите проект дорожной карты, который утверждает приказ."},
        "roadmap_change": {"roadmap": "Выберите новую редакцию дорожной карты, которую утверждает приказ."},
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
        drafts = Roadmap.objects.for_org(organization).filter(status=Roadmap.Status.DRAFT)
        if self.kind_value == OrderKind.ROADMAP:
            drafts = drafts.filter(replaces__isnull=True)
        elif self.kind_value == OrderKind.ROADMAP_CHANGE:
            drafts = drafts.filter(replaces__isnull=False)
        self.fields["roadmap"].queryset = drafts.order_by("-period_start", "-id")
        self.fields["roadmap"].label_from_instance = lambda r: (
            f"{r.title}, {r.period_label}" + (" — новая редакция" if r.replaces_id else "")
        )
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
        elif kind in ("roadmap", "roadmap_change"):
            kwargs["roadmap"] = data["roadmap"]
        return kwargs


# --- end of the drafting block ---------------------------------------------------------------------------------


# --- the regulation block (roadmap issue: Положение) ------------------------------------------------------------


class RegulationTextForm(forms.Form):
    title = forms.CharField(label="Заголовок", max_length=500)
    body = forms.CharField(
        label="Текст положения",
        widget=forms.Textarea(attrs={"rows": 28, "class": "font-monospace"}),
        help_text="Строка, начинающаяся с «## », — заголовок раздела; остальные строки — пункты, как написаны.",
    )


class RegulationAdoptForm(forms.Form):
    council_date = DateField(
        label="Дата протокола педагогического совета", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    council_number = forms.CharField(label="Номер протокола", max_length=40)

    def clean_council_date(self):
        value = self.cleaned_data["council_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Дата протокола не может быть позже сегодняшней.")
        return value


# --- end of the regulation block -------------------------------------------------------------------------------


# --- roadmaps: creating a roadmap of a period, its activities (roadmap core of the roadmap issue) -------------


class RoadmapCreateForm(forms.Form):
    MODEL, COPY, BLANK = "model", "copy", "blank"
    source = forms.ChoiceField(
        label="Основа",
        choices=[
            (MODEL, "Типовая дорожная карта: семь этапов с примерными мероприятиями"),
            (COPY, "Копия дорожной карты прошлого периода (сроки сдвигаются на целые годы)"),
            (BLANK, "Пустая: только семь этапов, мероприятия впишете сами"),
        ],
        initial=MODEL,
        widget=forms.RadioSelect,
    )
    copy_from = forms.ModelChoiceField(label="Какую дорожную карту копировать", queryset=None, required=False)
    title = forms.CharField(label="Название", max_length=500, required=False, help_text="Можно оставить пустым.")
    period_label = forms.CharField(label="Период", max_length=100, help_text="Например: 2026–2027 учебный год")
    period_start = DateField(label="Начало периода", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = DateField(label="Окончание периода", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, organization: Organization, **kwargs) -> None:

        super().__init__(*args, **kwargs)
        qs = Roadmap.objects.for_org(organization).order_by("-period_start", "-id")
        self.fields["copy_from"].queryset = qs
        self.fields["copy_from"].initial = qs.first()

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", "Окончание периода должно быть позже его начала.")
        if start and end and (end - start).days > 5 * 366:
            self.add_error("period_end", "Период дорожной карты — не больше пяти лет.")
        if data.get("source") == self.COPY and not data.get("copy_from"):
            self.add_error("copy_from", "Выберите дорожную карту, которую нужно скопировать.")
        return data


class RoadmapActivityForm(forms.ModelForm):
    """An activity; the date for tracking is read from the deadline text and shown to the curator to confirm."""

    class Meta:
        model = RoadmapActivity
        formfield_callback = formfield
        fields = [
            "stage",
            "number",
            "content",
            "deadline_text",
            "deadline_date",
            "responsible_position",
            "responsible_person",
            "expected_result",
            "status",
            "done_on",
            "note",
            "evidence",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "deadline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "number": "Например, 2.3. Можно оставить пустым и нажать «Перенумеровать» на странице дорожной карты.",
            "deadline_text": "Как в документе: «ноябрь», «до 01.11», «в течение учебного года».",
            "deadline_date": "По этой дате отмечаются просроченные мероприятия. Для «ежемесячно» оставьте пустым.",
            "note": "Чем подтверждается выполнение: приказ, протокол, ссылка на публикацию.",
        }

    def __init__(self, *args, roadmap, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.fields["stage"].queryset = roadmap.stages.order_by("position", "id")
        self.fields["stage"].empty_label = None
        self.fields["responsible_person"].queryset = (
            Person.objects.for_org(roadmap.organization).working().order_by("surname", "name", "patronymic", "id")
        )
        self.fields["responsible_person"].label_from_instance = lambda p: (
            f"{p.full_name}, {p.position.lower()}" if p.position else p.full_name
        )
        self.fields["evidence"].help_text = "PDF, скан или фотография, до 10 МБ."

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and getattr(evidence, "size", 0) > 10 * 1024 * 1024:
            raise forms.ValidationError("Файл больше 10 МБ: уменьшите его или приложите ссылку в отметке.")
        return evidence

    def clean(self):

        data = super().clean()
        if data.get("status") == ActivityStatus.DONE and not data.get("done_on"):
            self.add_error("done_on", "Укажите дату выполнения.")
        if data.get("status") != ActivityStatus.DONE:
            data["done_on"] = None
        return data


class RoadmapProgressForm(forms.ModelForm):
    """The marks of progress of an activity of an approved roadmap: its content is fixed, the work is recorded."""

    class Meta:
        model = RoadmapActivity
        formfield_callback = formfield
        fields = ["status", "done_on", "note", "evidence"]
        widgets = RoadmapActivityForm.Meta.widgets
        help_texts = RoadmapActivityForm.Meta.help_texts

    def __init__(self, *args, roadmap, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.fields["evidence"].help_text = "PDF, скан или фотография, до 10 МБ."

    clean_evidence = RoadmapActivityForm.clean_evidence

    def clean(self):
        data = super().clean()
        # A page left open from before the approval may still send the content: refuse it rather than drop it.
        changed = [
            name
            for name in ("content", "number", "deadline_text", "responsible_position", "expected_result")
            if name in self.data and str(self.data[name]).strip() != str(getattr(self.instance, name) or "").strip()
        ]
        if changed:
            raise forms.ValidationError(ROADMAP_LOCKED)
        if data.get("status") == ActivityStatus.DONE and not data.get("done_on"):
            self.add_error("done_on", "Укажите дату выполнения.")
        if data.get("status") != ActivityStatus.DONE:
            data["done_on"] = None
        return data


# --- end of the roadmaps block ---------------------------------------------------------------------------------


# --- roadmap import: the file and the period, then the columns (roadmap import work of the roadmap issue) --------


def _next_academic_year():

    today = timezone.localdate()
    start = today.year if today.month >= 6 else today.year - 1
    return f"{start}–{start + 1} учебный год", date(start, 9, 1), date(start + 1, 8, 31)


class RoadmapImportForm(forms.Form):
    """The file with the table and the period the imported roadmap covers; the file is read in clean_file."""

    file = forms.FileField(
        label="Файл с дорожной картой",
        help_text="Таблица Excel (.xlsx), CSV или документ Word (.docx) с таблицей; не больше 5 МБ.",
        error_messages={"required": "Выберите файл с таблицей дорожной карты."},
    )
    title = forms.CharField(
        label="Название",
        max_length=500,
        initial="Дорожная карта реализации системы наставничества педагогических работников",
    )
    period_label = forms.CharField(label="Период", max_length=100, help_text="Например: 2026–2027 учебный год")
    period_start = DateField(label="Начало периода", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = DateField(label="Окончание периода", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        label, start, end = _next_academic_year()
        self.fields["period_label"].initial = label
        self.fields["period_start"].initial = start.isoformat()
        self.fields["period_end"].initial = end.isoformat()
        self.content = b""
        self.table = None

    def clean_file(self):

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("Файл больше 5 МБ. Оставьте в нём только таблицу дорожной карты.")
        self.content = upload.read()
        try:
            self.table = read_table(self.content, upload.name)
        except TableError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", "Окончание периода должно быть позже его начала.")
        return data


class RoadmapColumnsForm(forms.Form):
    """Which column of the file holds each of our fields; built from the file's header."""

    def __init__(self, *args, header: list[str], **kwargs) -> None:
        from openpyxl.utils import get_column_letter

        super().__init__(*args, **kwargs)
        choices = [("", "— нет в файле —")] + [
            (str(i), f"{get_column_letter(i + 1)}: {title or 'без заголовка'}"[:80]) for i, title in enumerate(header)
        ]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)

    def clean(self):
        data = super().clean()
        mapping = {name: (int(value) if value != "" else None) for name, value in data.items()}
        chosen = [v for v in mapping.values() if v is not None]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Один столбец файла выбран для двух полей: у каждого поля свой столбец.")
        if mapping.get("content") is None and mapping.get("stage") is None:
            raise forms.ValidationError("Укажите столбец с содержанием мероприятий.")
        data["mapping"] = mapping
        return data


# --- end of the roadmap import block ---------------------------------------------------------------------------
