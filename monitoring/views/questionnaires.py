"""Questionnaires: the organisation's question sets, rounds launched by the curator, participants' answers.

The curator and the administrator edit sets and run rounds; the head reads them. A participant reaches only
their own invitations (404 for anyone else's), so a mentor never sees a mentee's answers.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, ProtectedError, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.lists import int_param, page_of
from monitoring.filters import SurveyRoundFilter
from monitoring.forms_questionnaires import AnswerForm, QuestionForm, QuestionSetForm, RoundForm
from monitoring.models import Invitation, Question, QuestionSet, SurveyRound
from monitoring.questionnaires import (
    SURVEYED_STATES,
    answered_question_ids,
    copy_question_set,
    domain_averages,
    launch_round,
    move_question,
    next_position,
    own_answers,
    programme_rows,
    progress_of,
    question_results,
    remind_round,
    submit_answers,
    surveyable_programmes,
)
from people.access import OrgAccess, org_view, require_council_right
from people.models import Role

EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
VIEWERS = (*EDITORS, Role.Kind.HEAD)
COUNCIL_VIEWERS = (*VIEWERS, Role.Kind.COUNCIL)  # where the organisation gives the council the right
DEFAULT_DAYS = 14


def _set_for(access: OrgAccess, pk: int) -> QuestionSet:
    return get_object_or_404(QuestionSet.objects.filter(organization=access.org), pk=pk)


def _question_for(access: OrgAccess, pk: int, item_pk: int) -> Question:
    qs = Question.objects.filter(question_set__organization=access.org, question_set_id=pk).select_related(
        "question_set"
    )
    return get_object_or_404(qs, pk=item_pk)


def _round_for(access: OrgAccess, pk: int) -> SurveyRound:
    qs = SurveyRound.objects.for_org(access.org).select_related("question_set", "launched_by")
    return get_object_or_404(qs, pk=pk)


# --- question sets ------------------------------------------------------------------------------------------------


@org_view(*VIEWERS)
def question_sets(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    sets = QuestionSet.objects.filter(organization=access.org).annotate(
        question_count=Count("questions", distinct=True), round_count=Count("rounds", distinct=True)
    )
    context = {"access": access, "sets": list(sets), "can_edit": access.has(*EDITORS)}
    return render(request, "monitoring/questionnaires/sets.html", context)


@org_view(*EDITORS)
def question_set_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    form = QuestionSetForm(request.POST or None, instance=QuestionSet(organization=access.org))
    if request.method == "POST" and form.is_valid():
        qset = form.save()
        messages.success(request, "Анкета создана. Добавьте в неё вопросы.")
        return redirect("monitoring:question_set", access.org.slug, qset.pk)
    return render(request, "monitoring/questionnaires/set_form.html", {"access": access, "form": form})


@org_view(*VIEWERS)
def question_set(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    qset = _set_for(access, pk)
    can_edit = access.has(*EDITORS)
    form = QuestionSetForm(request.POST or None, instance=qset) if can_edit else None
    if request.method == "POST":
        if form is None:
            return redirect("monitoring:question_set", access.org.slug, qset.pk)
        if form.is_valid():
            form.save()
            messages.success(request, "Анкета сохранена.")
            return redirect("monitoring:question_set", access.org.slug, qset.pk)
    answered = answered_question_ids(qset)
    questions = list(qset.questions.all())
    for q in questions:
        q.answered = q.pk in answered
    context = {
        "access": access,
        "qset": qset,
        "form": form,
        "questions": questions,
        "round_count": qset.rounds.count(),
        "can_edit": can_edit,
    }
    return render(request, "monitoring/questionnaires/set.html", context)


@org_view(*EDITORS)
@require_POST
def question_set_copy(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    copy = copy_question_set(_set_for(access, pk))
    messages.success(request, "Создана копия анкеты: измените её под свою задачу.")
    return redirect("monitoring:question_set", access.org.slug, copy.pk)


def _question_form(request: HttpRequest, access: OrgAccess, qset: QuestionSet, question: Question) -> HttpResponse:
    locked = bool(question.pk) and question.pk in answered_question_ids(qset)
    form = QuestionForm(request.POST or None, instance=question, locked=locked)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Вопрос сохранён.")
        return redirect("monitoring:question_set", access.org.slug, qset.pk)
    context = {"access": access, "qset": qset, "form": form, "question": question, "locked": locked}
    return render(request, "monitoring/questionnaires/question_form.html", context)


@org_view(*EDITORS)
def question_create(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    qset = _set_for(access, pk)
    question = Question(question_set=qset, position=next_position(qset))
    if qset.purpose == QuestionSet.Purpose.GROWTH:
        question.scale_max = 5
    return _question_form(request, access, qset, question)


@org_view(*EDITORS)
def question_edit(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    question = _question_for(access, pk, item_pk)
    return _question_form(request, access, question.question_set, question)


@org_view(*EDITORS)
@require_POST
def question_delete(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    question = _question_for(access, pk, item_pk)
    if question.answers.exists():
        messages.error(
            request,
            "На этот вопрос уже отвечали участники анкетирования: удалить его нельзя, иначе ответы потеряют смысл. "
            "Скопируйте анкету и измените копию.",
        )
    else:
        try:
            question.delete()
            messages.success(request, "Вопрос удалён.")
        except ProtectedError:  # answered between the check and the delete
            messages.error(request, "На этот вопрос уже отвечали: удалить его нельзя.")
    return redirect("monitoring:question_set", access.org.slug, pk)


@org_view(*EDITORS)
@require_POST
def question_move(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    question = _question_for(access, pk, item_pk)
    move_question(question, -1 if request.POST.get("direction") == "up" else 1)
    return redirect(f"{_set_url(access, pk)}#q{question.pk}")


def _set_url(access: OrgAccess, pk: int) -> str:
    return reverse("monitoring:question_set", args=[access.org.slug, pk])


# --- rounds -------------------------------------------------------------------------------------------------------


@org_view(*COUNCIL_VIEWERS)
def survey_rounds(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    require_council_right(access, "sees_monitoring", *VIEWERS)
    qs = (
        SurveyRound.objects.for_org(access.org)
        .select_related("question_set")
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        )
        .order_by("-launched_at", "-id")
    )
    filters = SurveyRoundFilter(request.GET, queryset=qs)
    context = {
        "access": access,
        "page": page_of(request, filters.qs),
        **filters.values,
        "statuses": SurveyRound.Status.choices,
        "can_edit": access.has(*EDITORS),
        "today": timezone.localdate(),
    }
    return render(request, "monitoring/questionnaires/rounds.html", context)


@org_view(*EDITORS)
def round_launch(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    which = request.GET.get("which", "active")
    which = which if which in (*SURVEYED_STATES, "all") else "active"
    programmes = surveyable_programmes(access.org, "" if which == "all" else which)
    initial = {
        "deadline": timezone.localdate() + timedelta(days=DEFAULT_DAYS),
        "anonymous": True,
        "audience": QuestionSet.Audience.BOTH,
    }
    chosen_set = QuestionSet.objects.filter(organization=access.org, pk=int_param(request, "set") or 0).first()
    if chosen_set:
        initial.update(question_set=chosen_set, audience=chosen_set.audience)
    form = RoundForm(request.POST or None, org=access.org, programmes=programmes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey, mailed = launch_round(
                access.org,
                question_set=data["question_set"],
                programmes=form.chosen_programmes(),
                deadline=data["deadline"],
                moment=data["moment"],
                audience=data["audience"],
                anonymous=data["anonymous"],
                title=data["title"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            invited = survey.invitations.count()
            done = f"Анкетирование запущено: приглашено {invited}, писем поставлено в отправку {mailed}."
            messages.success(request, done)
            return redirect("monitoring:survey_round", access.org.slug, survey.pk)
    chosen = {str(v) for v in (form["programmes"].value() or [])}
    context = {"access": access, "form": form, "programmes": programmes, "which": which, "chosen": chosen}
    return render(request, "monitoring/questionnaires/launch.html", context)


@org_view(*COUNCIL_VIEWERS)
def survey_round(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    require_council_right(access, "sees_monitoring", *VIEWERS)
    survey = _round_for(access, pk)
    questions = list(survey.question_set.questions.all())
    results = question_results(survey, questions)
    context = {
        "access": access,
        "survey": survey,
        "progress": progress_of(survey),
        "rows": programme_rows(survey),
        "results": results,
        "domains": domain_averages(results),
        "can_edit": access.has(*EDITORS),
        "accepts": survey.accepts_answers(),
        "texts_min": settings.ANONYMOUS_TEXTS_MIN_RESPONSES,
    }
    return render(request, "monitoring/questionnaires/round.html", context)


@org_view(*EDITORS)
@require_POST
def round_remind(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    survey = _round_for(access, pk)
    try:
        sent = remind_round(survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Напоминания поставлены в отправку: писем {sent}.")
    return redirect("monitoring:survey_round", access.org.slug, survey.pk)


@org_view(*EDITORS)
@require_POST
def round_close(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    survey = _round_for(access, pk)
    try:
        survey.close(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Анкетирование завершено: ответы больше не принимаются.")
    return redirect("monitoring:survey_round", access.org.slug, survey.pk)


# --- participants -------------------------------------------------------------------------------------------------


def _own_invitations(access: OrgAccess):
    return Invitation.objects.filter(person=access.person, round__organization=access.org).select_related(
        "round__question_set", "programme__mentorship__mentor"
    )


@org_view()
def my_questionnaires(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    today = timezone.localdate()
    invitations = list(_own_invitations(access).order_by("-round__launched_at", "-id"))
    pending = [i for i in invitations if i.answered_at is None and i.round.accepts_answers(today)]
    answered = [i for i in invitations if i.answered_at is not None]
    missed = [i for i in invitations if i.answered_at is None and not i.round.accepts_answers(today)]
    context = {"access": access, "pending": pending, "answered": answered, "missed": missed}
    return render(request, "monitoring/questionnaires/my_list.html", context)


@org_view()
def my_questionnaire(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    invitation = get_object_or_404(_own_invitations(access), pk=pk)
    survey = invitation.round
    questions = list(survey.question_set.questions.all())
    open_now = invitation.answered_at is None and survey.accepts_answers()
    form = AnswerForm(request.POST or None, questions=questions) if open_now else None
    if request.method == "POST":
        if form is None:
            if invitation.answered_at is not None:
                messages.error(request, "Вы уже ответили на эту анкету: ответ принимается один раз.")
            else:
                messages.error(request, "Анкетирование завершено или срок ответа истёк: ответы больше не принимаются.")
            return redirect("monitoring:my_questionnaire", access.org.slug, invitation.pk)
        if form.is_valid():
            try:
                submit_answers(invitation, questions, form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Спасибо! Ваши ответы сохранены.")
            return redirect("monitoring:my_questionnaire", access.org.slug, invitation.pk)
    context = {
        "access": access,
        "invitation": invitation,
        "survey": survey,
        "form": form,
        "own": own_answers(invitation, questions),
        "required_count": sum(1 for q in questions if q.required),
    }
    return render(request, "monitoring/questionnaires/answer.html", context)
