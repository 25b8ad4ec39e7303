"""Staff surveys outside the programmes: the survey of difficulties and the questionnaire of candidate mentors.

The curator launches, watches and reviews (accepted answers go to the banks); every employee answers their own.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.lists import page_of
from monitoring import needs
from monitoring.forms_needs import AnswerForm, LaunchForm, ReviewForm
from monitoring.models import NeedsAnswer, NeedsSurvey
from people.access import OrgAccess, org_view
from people.models import Direction, Role

MANAGERS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
VIEWERS = (Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.HEAD)


def get_survey_for_user(access: OrgAccess, pk: int) -> NeedsSurvey:
    return get_object_or_404(NeedsSurvey.objects.for_org(access.org).with_counts(), pk=pk)


def answers_of(survey: NeedsSurvey) -> QuerySet[NeedsAnswer]:
    directions = Prefetch("directions", queryset=Direction.objects.order_by("position", "name"))
    return (
        survey.answers.select_related("person", "mentee_entry", "mentor_entry")
        .prefetch_related(directions)
        .order_by("answered_at", "person__surname", "person__name", "pk")
    )


def get_my_answer(access: OrgAccess, pk: int) -> NeedsAnswer:
    qs = NeedsAnswer.objects.select_related("survey").filter(person=access.person, survey__organization=access.org)
    return get_object_or_404(qs, pk=pk)


@require_GET
@org_view(*VIEWERS)
def needs_surveys(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    surveys = NeedsSurvey.objects.for_org(access.org).with_counts().order_by("-launched_at", "-pk")
    context = {"access": access, "page": page_of(request, surveys), "can_manage": access.has(*MANAGERS)}
    return render(request, "monitoring/needs/list.html", context)


@org_view(*MANAGERS)
def needs_survey_launch(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    form = LaunchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            survey = needs.launch(
                access.org,
                kind=d["kind"],
                title=d["title"],
                intro=d["intro"],
                deadline=d["deadline"],
                audience=form.audience,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("position", error)
        else:
            messages.success(request, f"Анкетирование запущено: приглашено {survey.answers.count()}.")
            return redirect("monitoring:needs_survey", access.org.slug, survey.pk)
    status = 400 if form.errors else 200
    return render(request, "monitoring/needs/launch.html", {"access": access, "form": form}, status=status)


@require_GET
@org_view(*VIEWERS)
def needs_survey(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    survey = get_survey_for_user(access, pk)
    return _survey_page(request, access, survey)


def _survey_page(request, access, survey, *, bound: ReviewForm | None = None, status: int = 200) -> HttpResponse:
    show = request.GET.get("show", "answered")
    answers = answers_of(survey)
    if show == "answered":
        answers = answers.filter(answered_at__isnull=False)
    elif show == "waiting":
        answers = answers.filter(answered_at__isnull=True)
    context = {
        "access": access,
        "survey": survey,
        "page": page_of(request, answers),
        "show": show,
        "can_manage": access.has(*MANAGERS),
        "categories": ReviewForm(org=access.org, answer=None).fields["category"].queryset,
        "bound": bound,
    }
    return render(request, "monitoring/needs/survey.html", context, status=status)


@require_POST
@org_view(*MANAGERS)
def needs_answer_review(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    survey = get_survey_for_user(access, pk)
    answer = get_object_or_404(survey.answers.select_related("person"), pk=item_pk)
    form = ReviewForm(request.POST, org=access.org, answer=answer)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "accept":
                needs.accept(answer, by=request.user, category=d["category"], note=d["note"])
            else:
                needs.decline(answer, by=request.user, note=d["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = "принят в банк" if d["decision"] == "accept" else "отклонён"
            messages.success(request, f"Ответ {answer.person.short_name} {done}.")
            return redirect("monitoring:needs_survey", access.org.slug, survey.pk)
    return _survey_page(request, access, survey, bound=form, status=400)


@require_POST
@org_view(*MANAGERS)
def needs_survey_close(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    survey = get_survey_for_user(access, pk)
    try:
        needs.close(survey)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Анкетирование завершено: ответы больше не принимаются.")
    return redirect("monitoring:needs_survey", access.org.slug, survey.pk)


@require_GET
@org_view()
def my_needs(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    answers = (
        NeedsAnswer.objects.filter(person=access.person, survey__organization=access.org)
        .select_related("survey")
        .order_by("-survey__launched_at", "-pk")
    )
    return render(request, "monitoring/needs/my_list.html", {"access": access, "answers": answers})


@org_view()
def my_needs_answer(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    answer = get_my_answer(access, pk)
    survey = answer.survey
    editable = survey.accepts_answers() and answer.review == NeedsAnswer.Review.PENDING
    initial = {
        "text": answer.text,
        "wants_mentor": answer.wants_mentor or answer.answered_at is None,
        "subjects": answer.subjects,
        "capacity": answer.capacity or 1,
        "directions": list(answer.directions.all()) if answer.answered_at else [],
    }
    data = request.POST if request.method == "POST" and editable else None
    form = AnswerForm(data, org=access.org, kind=survey.kind, initial=initial)
    if data is not None and form.is_valid():
        try:
            needs.submit(answer, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Спасибо! Ответ отправлен куратору.")
            return redirect("monitoring:my_needs", access.org.slug)
    context = {"access": access, "answer": answer, "survey": survey, "form": form, "editable": editable}
    return render(request, "monitoring/needs/my_answer.html", context, status=400 if form.errors else 200)
