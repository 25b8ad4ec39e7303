"""Forms of the questionnaires: a question set and its questions, launching a round, a participant's answers."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import DateField
from core.widgets import DATE_WIDGET
from mentoring.models import Programme
from monitoring.models import Question, QuestionSet, SurveyRound

MAX_SCALE_POINTS = 11  # a row of radio buttons stays readable on a phone up to 0..10


class QuestionSetForm(forms.ModelForm):
    class Meta:
        model = QuestionSet
        fields = ["title", "purpose", "audience", "intro", "is_active"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "intro": "Показывается участнику над вопросами: зачем анкета, кто увидит ответы, как оценивать.",
            "is_active": "Неиспользуемую анкету нельзя выбрать при запуске анкетирования.",
        }


class QuestionForm(forms.ModelForm):
    """A question; for an answered one the kind, the scale and the choices stay as they were (answers refer to them)."""

    choices_text = forms.CharField(
        label="Варианты ответа",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Для вопросов с выбором: каждый вариант с новой строки, не меньше двух.",
    )

    class Meta:
        model = Question
        fields = ["text", "kind", "scale_min", "scale_max", "domain", "required"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "scale_min": "Для шкалы: наименьшая оценка.",
            "scale_max": "Для шкалы: наибольшая оценка (не больше 10 делений от нижней).",
            "domain": "Для самооценки роста: какую сторону роста показывает вопрос.",
        }

    LOCKED = ("kind", "scale_min", "scale_max", "choices_text")

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])
        if locked:
            for name in self.LOCKED:
                self.fields[name].disabled = True
            self.fields["kind"].help_text = "На вопрос уже отвечали: вид ответа, шкалу и варианты изменить нельзя."

    def clean(self):
        data = super().clean()
        if self.locked:
            data["choices"] = list(self.instance.choices or [])
            return data
        kind = data.get("kind")
        lines = [line.strip() for line in (data.get("choices_text") or "").splitlines()]
        choices = list(dict.fromkeys(line for line in lines if line))
        if kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE):
            if len(choices) < 2:
                self.add_error("choices_text", "Укажите хотя бы два варианта ответа, каждый с новой строки.")
        else:
            choices = []
        data["choices"] = self.instance.choices = choices  # the model's own clean() checks them next
        low, high = data.get("scale_min"), data.get("scale_max")
        if kind == Question.Kind.SCALE and low is not None and high is not None:
            if high <= low:
                self.add_error("scale_max", "Верхняя граница шкалы должна быть больше нижней.")
            elif high - low + 1 > MAX_SCALE_POINTS:
                self.add_error("scale_max", f"Не больше {MAX_SCALE_POINTS} делений шкалы, например от 0 до 10.")
        return data

    def _update_errors(self, errors) -> None:
        """The model reports the choices under `choices`; the form shows them beside `choices_text`, once."""
        error_dict = getattr(errors, "error_dict", None)
        if error_dict and "choices" in error_dict:
            moved = error_dict.pop("choices")
            if not self.has_error("choices_text"):
                error_dict["choices_text"] = moved
        super()._update_errors(errors)

    def save(self, commit: bool = True) -> Question:
        self.instance.choices = self.cleaned_data["choices"]
        return super().save(commit=commit)


def programme_label(p: Programme) -> str:
    m = p.mentorship
    mentees = ", ".join(x.short_name for x in m.mentees.all())
    return f"{m.mentor.short_name} → {mentees}"


class RoundForm(forms.Form):
    """Launching a round: which set, when in the programme, whom, until when, for which programmes."""

    question_set = forms.ModelChoiceField(queryset=QuestionSet.objects.none(), label="Анкета")
    title = forms.CharField(
        label="Название анкетирования",
        required=False,
        max_length=300,
        help_text="Если оставить пустым, будет названо по анкете и моменту программы.",
    )
    moment = forms.ChoiceField(label="Когда в программе", choices=SurveyRound.Moment.choices)
    audience = forms.ChoiceField(label="Кого опрашиваем", choices=QuestionSet.Audience.choices)
    deadline = DateField(label="Ответить до", widget=DATE_WIDGET)
    anonymous = forms.BooleanField(
        label="Анонимно",
        required=False,
        initial=True,
        help_text="Куратор и руководитель видят ответы без имён; наставник не видит ответов наставляемого никогда.",
    )
    programmes = forms.TypedMultipleChoiceField(
        label="Программы", coerce=int, widget=forms.CheckboxSelectMultiple, error_messages={"required": ""}
    )

    def __init__(self, *args, org, programmes: list[Programme], **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_list = programmes
        self.fields["question_set"].queryset = QuestionSet.objects.filter(organization=org, is_active=True)
        self.fields["programmes"].choices = [(p.pk, programme_label(p)) for p in programmes]
        self.fields["programmes"].error_messages["required"] = "Отметьте хотя бы одну программу."

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("Срок ответа не может быть в прошлом.")
        return deadline

    def clean(self):
        data = super().clean()
        qset, audience = data.get("question_set"), data.get("audience")
        both = QuestionSet.Audience.BOTH
        if qset and audience and qset.audience != both and audience != qset.audience:
            self.add_error(
                "audience", f"Эта анкета адресована группе «{qset.get_audience_display().lower()}»: выберите её."
            )
        return data

    def chosen_programmes(self) -> list[Programme]:
        chosen = set(self.cleaned_data["programmes"])
        return [p for p in self.programme_list if p.pk in chosen]


class AnswerForm(forms.Form):
    """The participant's answers: one field per question, named q<pk>; the choice fields check range and list."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        K = Question.Kind
        for q in questions:
            common = {"label": q.text, "required": q.required}
            if q.kind == K.SCALE:
                points = [(str(n), str(n)) for n in range(q.scale_min, q.scale_max + 1)]
                field = forms.TypedChoiceField(choices=points, coerce=int, widget=forms.RadioSelect, **common)
            elif q.kind == K.CHOICE:
                field = forms.ChoiceField(choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, **common)
            elif q.kind == K.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q.choices], widget=forms.CheckboxSelectMultiple, **common
                )
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)
            field.error_messages["required"] = "Ответьте на этот вопрос: он обязательный."
            field.error_messages["invalid_choice"] = "Выберите ответ из предложенных."
            self.fields[f"q{q.pk}"] = field

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]
