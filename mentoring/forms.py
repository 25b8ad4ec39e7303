"""Forms of the mentoring app. Each block belongs to one concept; keep new classes in a block of their own."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone

from core.forms import DateField, ModelMultipleChoiceField, formfield
from core.widgets import DATE_WIDGET
from mentoring.models import (
    Mentorship,
    PlanActivity,
    Programme,
    ProgrammeTemplate,
    SupportRecord,
    check_programme_length,
    lock_people,
    pairing_breaches,
    recount_places,
)
from mentoring.programmes import check_extension
from people.models import Direction, MenteeEntry, MentorEntry, MentoringForm, MentoringKind, Organization, Person

# --- pairs and groups, change requests, support of mentees without a pair ------------------------------------


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        extra = getattr(obj, "choice_note", "")
        return f"{obj.full_name}, {obj.position.lower()}" + (f" ({extra})" if extra else "")


class _PeopleChoice(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        extra = getattr(obj, "choice_note", "")
        return f"{obj.full_name}, {obj.position.lower()}" + (f" ({extra})" if extra else "")


def mentor_places(org: Organization, mentorship: Mentorship | None = None) -> dict[int, int]:
    """Selected mentors of the bank and how many mentees each can still take (this pair's own places count as free)."""
    entries = MentorEntry.objects.for_org(org).in_bank().with_capacity_left().filter(status=MentorEntry.Status.SELECTED)
    places = {e.person_id: e.capacity_left for e in entries}
    if mentorship is not None and mentorship.pk:
        own = mentorship.mentees.count()
        places[mentorship.mentor_id] = places.get(mentorship.mentor_id, 0) + own
    return {pk: n for pk, n in places.items() if n > 0}


def waiting_people(org: Organization, mentorship: Mentorship | None = None):
    """Mentees who wait for a mentor (or are supported without a pair) and are not in another pair being formed."""
    open_statuses = [MenteeEntry.Status.WAITING, MenteeEntry.Status.SUPPORTED]
    busy = Mentorship.objects.for_org(org).current().values("mentees")
    if mentorship is not None and mentorship.pk:
        busy = busy.exclude(pk=mentorship.pk)
    return (
        Person.objects.for_org(org)
        .working()
        .filter(mentee_entries__organization=org, mentee_entries__status__in=open_statuses)
        .exclude(pk__in=busy)
        .distinct()
        .order_by("surname", "name", "patronymic", "id")
    )


class MentorshipForm(forms.ModelForm):
    """A pair or group formed by hand: a mentor from the bank with free places, mentees who wait."""

    mentor = _PersonChoice(queryset=Person.objects.none(), label="Наставник")
    mentees = _PeopleChoice(
        queryset=Person.objects.none(),
        label="Наставляемые",
        widget=forms.CheckboxSelectMultiple,
        help_text="Один наставляемый — пара, несколько — группа.",
    )

    class Meta:
        model = Mentorship
        formfield_callback = formfield
        fields = ["mentor", "mentees", "form", "kinds", "planned_start", "planned_end"]
        field_classes = {"kinds": ModelMultipleChoiceField}
        widgets = {
            "kinds": forms.CheckboxSelectMultiple,
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
        }
        labels = {"form": "Форма наставничества", "kinds": "Виды наставничества"}

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        current = self.instance if self.instance.pk else None
        self.places = mentor_places(organization, current)
        mentors = list(Person.objects.filter(pk__in=self.places).order_by("surname", "name", "patronymic", "id"))
        for person in mentors:
            person.choice_note = f"свободных мест: {self.places[person.pk]}"
        self.fields["mentor"].queryset = Person.objects.filter(pk__in=[p.pk for p in mentors])
        self.fields["mentor"].widget.choices = [("", "— выберите наставника —")] + [
            (p.pk, self.fields["mentor"].label_from_instance(p)) for p in mentors
        ]
        self.fields["mentees"].queryset = waiting_people(organization, current)
        self.fields["form"].queryset = MentoringForm.objects.filter(organization=organization, is_active=True)
        self.fields["form"].required = True
        self.fields["form"].empty_label = "— выберите форму —"
        self.fields["kinds"].queryset = MentoringKind.objects.filter(organization=organization, is_active=True)
        self.fields["kinds"].required = True
        self.fields["planned_start"].required = True
        self.fields["planned_end"].required = True
        for name in ("mentor", "mentees", "form", "kinds", "planned_start", "planned_end"):
            self.fields[name].error_messages["required"] = {
                "mentor": "Выберите наставника.",
                "mentees": "Отметьте хотя бы одного наставляемого.",
                "form": "Выберите форму наставничества.",
                "kinds": "Отметьте хотя бы один вид наставничества.",
                "planned_start": "Укажите планируемое начало.",
                "planned_end": "Укажите планируемое окончание.",
            }[name]
        self.fields["mentor"].error_messages["invalid_choice"] = (
            "Этого наставника выбрать нельзя: он не отобран в банк наставников или у него нет свободных мест."
        )
        self.fields["mentees"].error_messages["invalid_choice"] = (
            "Этого работника выбрать нельзя: он не ждёт наставника или уже включён в другую пару."
        )

    def clean(self) -> dict:
        data = super().clean()
        mentor, mentees = data.get("mentor"), data.get("mentees")
        if mentor and mentees is not None:
            if mentor in mentees:
                self.add_error("mentees", "Наставник не может быть наставляемым в своей же паре.")
            elif len(mentees) > self.places.get(mentor.pk, 0):
                self.add_error(
                    "mentees",
                    f"У наставника {mentor.short_name} свободных мест: {self.places.get(mentor.pk, 0)}, "
                    f"а отмечено наставляемых: {len(mentees)}.",
                )
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", "Окончание должно быть позже начала.")
        return data

    def save(self, commit: bool = True) -> Mentorship:
        """Save the pair and its mentees, then recount the places of its mentor and of the one it had before.

        The choices were checked when the form was read, without a lock; two curators may have chosen the same
        mentee or the last place of a mentor at the same moment. So the people are locked and the rules checked
        again before anything is written (call inside a transaction: the locks hold until it ends); a breach is
        refused with a ValidationError the page shows above the form.
        """
        if self.instance.pk:
            state = Mentorship.objects.select_for_update().filter(pk=self.instance.pk).values_list("state", flat=True)
            if state.first() not in (Mentorship.State.DRAFT, Mentorship.State.PROPOSED):
                raise forms.ValidationError("Состав и сроки можно менять только до утверждения пары (группы) приказом.")
        mentor, mentees = self.cleaned_data["mentor"], self.cleaned_data["mentees"]
        lock_people([mentor.pk, self.initial.get("mentor"), *(p.pk for p in mentees)])
        problems = pairing_breaches(mentor=mentor, mentee_ids=[p.pk for p in mentees], exclude_pk=self.instance.pk)
        if problems:
            raise forms.ValidationError(problems)
        m = super().save(commit=commit)
        mentors = {self.initial.get("mentor"), m.mentor_id}
        if commit:
            recount_places(mentor_ids=mentors)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_recount() -> None:
                save_m2m()
                recount_places(mentor_ids=mentors)

            self.save_m2m = save_m2m_and_recount
        return m


class TransitionNoteForm(forms.Form):
    note = forms.CharField(
        label="Комментарий (необязательно)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(forms.Form):
    on = DateField(label="Дата завершения", widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label="Итог (необязательно)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, mentorship: Mentorship, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mentorship = mentorship
        self.fields["on"].error_messages["required"] = "Укажите дату завершения."

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("Дата завершения не может быть позже сегодняшнего дня.")
        if self.mentorship.started_on and on < self.mentorship.started_on:
            raise forms.ValidationError(
                f"Дата завершения не может быть раньше начала работы ({self.mentorship.started_on:%d.%m.%Y})."
            )
        return on


class EndEarlyForm(CompleteForm):
    reason = forms.ChoiceField(
        label="Основание", choices=[("", "— выберите основание —"), *Mentorship.EndReason.choices]
    )
    note = forms.CharField(label="Пояснение", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["reason", "on", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Выберите основание досрочного завершения."
        self.fields["on"].label = "Дата досрочного завершения"


class ChangeRequestForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Укажите причину: куратор примет решение с её учётом."},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", "Удовлетворить"), ("refuse", "Отклонить")],
        error_messages={"required": "Выберите решение."},
    )
    note = forms.CharField(label="Комментарий куратора", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", "Объясните, почему просьба отклонена: участник увидит этот комментарий.")
        return data


class SupportRecordForm(forms.ModelForm):
    class Meta:
        model = SupportRecord
        formfield_callback = formfield
        fields = ["date", "description", "given_by"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "description": {"required": "Опишите, какая поддержка оказана."},
            "date": {"required": "Укажите дату."},
        }

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = Person.objects.for_org(organization).working().order_by("surname", "name")
        self.fields["given_by"].label_from_instance = lambda p: f"{p.short_name}, {p.position.lower()}"

    def clean_date(self):
        on = self.cleaned_data["date"]
        if on > timezone.localdate():
            raise forms.ValidationError("Дата не может быть позже сегодняшнего дня.")
        return on


# --- end of pairs and groups block ----------------------------------------------------------------------------


# --- personalised programme: note, plan rows, reflections, extension and correction ---------------------------
# (mentoring/views/programmes.py; the dates of a programme are checked by mentoring.models.check_programme_length)


PROGRAMME_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeStartForm(forms.Form):
    """How a new programme begins: blank, from one of the organisation's templates, or from a completed one."""

    SOURCES = [
        ("template", "По шаблону организации"),
        ("copy", "По завершённой программе"),
        ("blank", "С чистого листа"),
    ]
    source = forms.ChoiceField(label="Основа программы", choices=SOURCES, widget=forms.RadioSelect, initial="template")
    template = forms.ModelChoiceField(
        label="Шаблон", queryset=ProgrammeTemplate.objects.none(), required=False, empty_label="— выберите шаблон —"
    )
    copy_from = forms.ModelChoiceField(
        label="Завершённая программа",
        queryset=Programme.objects.none(),
        required=False,
        empty_label="— выберите программу —",
    )
    start = DateField(label="Начало", widget=PROGRAMME_DATE, error_messages={"required": "Укажите начало."})
    end = DateField(
        label="Окончание",
        widget=PROGRAMME_DATE,
        required=False,
        help_text="Для шаблона и завершённой программы срок подставляется сам; его можно изменить позже.",
    )

    def __init__(self, *args, templates, programmes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["copy_from"].queryset = programmes
        self.fields["copy_from"].label_from_instance = lambda p: (
            f"{p.title or 'Без названия'} — {p.mentorship.mentor.short_name}, {p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}"
        )

    def clean(self) -> dict:
        data = super().clean()
        source = data.get("source")
        if source == "template" and not data.get("template"):
            self.add_error("template", "Выберите шаблон.")
        elif source == "copy" and not data.get("copy_from"):
            self.add_error("copy_from", "Выберите программу, которую нужно взять за основу.")
        elif source == "blank":
            if not data.get("end"):
                self.add_error("end", "Укажите окончание программы.")
            else:
                try:
                    check_programme_length(data.get("start"), data.get("end"))
                except forms.ValidationError as exc:
                    self.add_error(None, exc)
        return data


class ProgrammeNoteForm(forms.ModelForm):
    """The explanatory note. After approval the dates change only through an extension."""

    class Meta:
        model = Programme
        formfield_callback = formfield
        fields = [
            "title",
            "problem",
            "goals",
            "tasks",
            "content",
            "start",
            "end",
            "results_intermediate",
            "results_planned",
            "meeting_schedule",
            "mode",
            "conditions",
        ]
        widgets = {
            "start": PROGRAMME_DATE,
            "end": PROGRAMME_DATE,
            **{
                f: forms.Textarea(attrs={"rows": 3})
                for f in ("problem", "goals", "tasks", "content", "results_intermediate", "results_planned")
            },
            "meeting_schedule": forms.Textarea(attrs={"rows": 2}),
            "conditions": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "end": "Программа рассчитана на срок от 3 до 12 месяцев.",
            "meeting_schedule": "Например: «еженедельно по вторникам в 15:00» — тогда встречи попадут в календарь.",
        }
        error_messages = {"start": {"required": "Укажите начало."}, "end": {"required": "Укажите окончание."}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = "Укажите название программы."
        if self.instance.is_approved:
            for name in ("start", "end"):
                self.fields[name].disabled = True
            self.fields["end"].help_text = "После утверждения срок меняется только продлением программы."


class PlanRowForm(forms.ModelForm):
    """A plan row as the mentor writes it (before approval, or during a correction)."""

    class Meta:
        model = PlanActivity
        formfield_callback = formfield
        fields = ["direction", "activity", "form", "deadline", "expected_result", "status", "done_on", "mentor_note"]
        widgets = {
            "deadline": PROGRAMME_DATE,
            "done_on": PROGRAMME_DATE,
            "activity": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "mentor_note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "activity": {"required": "Опишите мероприятие."},
            "deadline": {"required": "Укажите срок.", "invalid": "Укажите срок датой."},
        }

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        if self.instance.pk is None:
            # A new row is planned; its progress is recorded later.
            for name in ("status", "done_on", "mentor_note"):
                self.fields.pop(name, None)
        if "direction" in self.fields:
            current = [self.instance.direction_id] if self.instance.direction_id else []
            self.fields["direction"].queryset = Direction.objects.filter(
                organization=programme.mentorship.organization
            ).filter(Q(is_active=True) | Q(pk__in=current))
            self.fields["direction"].empty_label = "— направление —"

    def clean(self) -> dict:
        data = super().clean()
        deadline = data.get("deadline")
        p = self.programme
        if deadline and not (p.start <= deadline <= p.end):
            self.add_error("deadline", f"Срок должен быть в пределах программы: {p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}.")
        self._check_progress(data)
        return data

    def _check_progress(self, data: dict) -> None:
        """«Выполнено» without a date means done today; a date in the future is refused."""
        status, done_on = data.get("status"), data.get("done_on")
        if status == PlanActivity.Status.DONE and not done_on and "done_on" not in self.errors:
            data["done_on"] = done_on = timezone.localdate()
        if done_on and done_on > timezone.localdate():
            self.add_error("done_on", "Дата выполнения не может быть позже сегодняшнего дня.")


class PlanProgressForm(PlanRowForm):
    """After approval the plan itself is fixed; the mentor still records how each row went."""

    class Meta(PlanRowForm.Meta):
        fields = ["status", "done_on", "mentor_note"]

    def clean(self) -> dict:
        data = forms.ModelForm.clean(self)
        self._check_progress(data)
        return data


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = PlanActivity
        fields = ["mentee_reflection"]
        widgets = {"mentee_reflection": forms.Textarea(attrs={"rows": 2})}
        labels = {"mentee_reflection": "Ваша рефлексия: что получилось, что осталось трудным"}


class ExtensionForm(forms.Form):
    new_end = DateField(label="Новая дата окончания", widget=PROGRAMME_DATE)
    reason = forms.CharField(
        label="Основание продления",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Укажите основание: продление оформляется по взаимному согласию сторон."},
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["new_end"].error_messages["required"] = "Укажите новую дату окончания."
        self.fields["new_end"].help_text = (
            f"Сейчас программа заканчивается {programme.end:%d.%m.%Y}. За одно продление — не более 12 месяцев; "
            "общий срок продлённой программы может превысить год."
        )

    def clean_new_end(self):

        new_end = self.cleaned_data["new_end"]
        try:
            check_extension(self.programme, new_end)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["new_end"]) from exc
        return new_end


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Основание изменений",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Укажите, почему программа изменяется."},
    )


class CommentForm(forms.Form):
    """The mentee's comment on a programme or a change, or the approver's reason to return it."""

    comment = forms.CharField(
        label="Замечания",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Напишите, что нужно изменить."},
    )


class ProposalRowForm(forms.Form):
    """A row of the plan in a proposed correction: an existing row (its id) changed, or a new one."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    direction = forms.ModelChoiceField(label="Направление", queryset=Direction.objects.none(), required=False)
    activity = forms.CharField(
        label="Мероприятие",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Опишите мероприятие."},
    )
    form = forms.CharField(label="Форма", max_length=200, required=False)
    deadline = DateField(
        label="Срок",
        widget=PROGRAMME_DATE,
        error_messages={"required": "Укажите срок.", "invalid": "Укажите срок датой."},
    )
    expected_result = forms.CharField(
        label="Ожидаемый результат", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, programme: Programme, directions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["direction"].queryset = directions
        self.fields["direction"].empty_label = "— направление —"

    def clean(self) -> dict:
        data = super().clean()
        deadline, p = data.get("deadline"), self.programme
        if deadline and not (p.start <= deadline <= p.end):
            self.add_error("deadline", f"Срок должен быть в пределах программы: {p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}.")
        return data


class BaseProposalRowFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.kept_forms():
            raise forms.ValidationError("В плане должно остаться хотя бы одно мероприятие.")

    def kept_forms(self) -> list[ProposalRowForm]:
        """The rows that stay: every shown row not marked for removal, and the empty ones that were filled in."""
        return [
            form
            for i, form in enumerate(self.forms)
            if not self._should_delete_form(form) and (i < self.initial_form_count() or form.has_changed())
        ]

    def rows(self) -> list[dict]:
        """The rows as the proposal keeps them, in the order shown; ids only of rows the programme has."""
        own = set(self.programme.activities.values_list("pk", flat=True))
        rows = []
        for form in self.kept_forms():
            data = form.cleaned_data
            direction = data.get("direction")
            rows.append(
                {
                    "id": data.get("id") if data.get("id") in own else None,
                    "position": len(rows) + 1,
                    "direction_id": direction.pk if direction else None,
                    "direction": direction.name if direction else "",
                    "activity": data["activity"],
                    "form": data.get("form", ""),
                    "deadline": data["deadline"],
                    "expected_result": data.get("expected_result", ""),
                }
            )
        return rows


ProposalRowFormSet = forms.formset_factory(
    ProposalRowForm, formset=BaseProposalRowFormSet, extra=2, can_delete=True, max_num=200
)


def proposal_row_formset(data, *, programme: Programme, rows: list[dict]) -> BaseProposalRowFormSet:
    """The plan of a proposed correction: the rows of `rows` (a version's content) and two empty ones."""
    org = programme.mentorship.organization
    current = [r["direction_id"] for r in rows if r.get("direction_id")]
    directions = Direction.objects.filter(organization=org).filter(Q(is_active=True) | Q(pk__in=current))
    initial = [
        {k: row.get(k) for k in ("id", "activity", "form", "expected_result")}
        | {"direction": row.get("direction_id"), "deadline": date.fromisoformat(row["deadline"])}
        for row in rows
    ]
    formset = ProposalRowFormSet(
        data, initial=initial, prefix="rows", form_kwargs={"programme": programme, "directions": directions}
    )
    formset.programme = programme
    return formset


# --- end of personalised programme block -----------------------------------------------------------------------


# --- matching: the curator's own choice of a mentor (mentoring/views/matching.py) ------------------------------


class MentorChoiceForm(forms.Form):
    """Any mentor of the bank for one mentee; the hard rules (consents, places) are checked when the pair is made."""

    mentor = forms.TypedChoiceField(
        label="Любой наставник из банка",
        coerce=int,
        error_messages={
            "required": "Выберите наставника.",
            "invalid_choice": "Этого наставника нет в банке наставников организации.",
        },
    )

    def __init__(self, *args, mentors, **kwargs) -> None:
        """`mentors`: mentoring.matching.MentorData of the bank (released ones are left out here)."""
        super().__init__(*args, **kwargs)
        choices = [("", "— выберите наставника —")]
        for t in mentors:
            if t.status == "released":
                continue
            note = "кандидат" if t.is_candidate else "отобран(а)"
            choices.append(
                (t.entry_id, f"{t.short_name}, {t.position.lower()} ({note}, свободно мест: {max(t.capacity_left, 0)})")
            )
        self.fields["mentor"].choices = choices


# --- end of matching block -------------------------------------------------------------------------------------
