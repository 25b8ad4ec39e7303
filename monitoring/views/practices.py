"""Best practices (методическая копилка) with their materials, and the final event with its reward proposals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.lists import page_of
from mentoring.access import PAIR_VIEWERS, get_mentorship_for_user
from mentoring.models import Mentorship
from monitoring.filters import PracticeFilter
from monitoring.forms_practices import FinalEventForm, MaterialsForm, PracticeForm, RecommendForm
from monitoring.models import FinalEvent, Practice, PracticeFile
from monitoring.practices import (
    add_materials,
    approved_final_event_order,
    check_ended,
    delete_material,
    draft_final_event_order,
    draft_reward_order,
    practice_initial,
    reward_order_in_force,
)
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import Direction, MentoringForm, Person, Role
from roadmap.drafting import rewardable_mentors

# The collection is a methodical resource: every role of the organisation reads it; the curator keeps it.
PRACTICE_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
EVENT_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN)
EVENT_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
PRACTICES_PAGE = 20


def get_practice(access: OrgAccess, pk: int, *, editing: bool = False) -> Practice:
    if editing and not access.has(*PRACTICE_EDITORS):
        raise Http404
    qs = Practice.objects.for_org(access.org).select_related("direction", "form", "mentorship__mentor")
    return get_object_or_404(qs, pk=pk)


@org_view()
def practice_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs = Practice.objects.for_org(access.org).for_list().order_by("-created_at", "-id")
    filters = PracticeFilter(request.GET, queryset=qs)
    context = {
        "access": access,
        "page": page_of(request, filters.qs, PRACTICES_PAGE),
        **filters.values,
        "filtered": filters.filtered,
        "directions": Direction.objects.filter(organization=access.org, is_active=True),
        "forms": MentoringForm.objects.filter(organization=access.org, is_active=True),
        "can_edit": access.has(*PRACTICE_EDITORS),
    }
    return render(request, "monitoring/practices/list.html", context)


def _can_see_pair(access: OrgAccess, m: Mentorship | None) -> bool:
    if m is None:
        return False
    if access.has(*PAIR_VIEWERS):
        return True
    return m.mentor_id == access.person.pk or m.mentees.filter(pk=access.person.pk).exists()


def render_practice(request: HttpRequest, access: OrgAccess, practice: Practice, materials_form=None) -> HttpResponse:
    can_edit = access.has(*PRACTICE_EDITORS)
    context = {
        "access": access,
        "practice": practice,
        "authors": list(practice.authors.order_by("surname", "name", "id")),
        "materials": list(practice.files.all()),
        "can_edit": can_edit,
        "can_see_pair": _can_see_pair(access, practice.mentorship),
        "materials_form": materials_form or (MaterialsForm() if can_edit else None),
    }
    return render(request, "monitoring/practices/detail.html", context)


@org_view()
def practice_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return render_practice(request, access, get_practice(access, pk))


def _save_practice(request: HttpRequest, form: PracticeForm) -> Practice | None:
    try:
        with transaction.atomic():
            practice = form.save()
            add_materials(practice, form.checked)
            organization_changed(practice.organization)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return practice


def _practice_form_page(request: HttpRequest, access: OrgAccess, form: PracticeForm, **extra) -> HttpResponse:
    return render(request, "monitoring/practices/form.html", {"access": access, "form": form, **extra})


@org_view(*PRACTICE_EDITORS)
def practice_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    instance = Practice(organization=access.org, created_by=request.user)
    form = PracticeForm(request.POST or None, request.FILES or None, instance=instance, organization=access.org)
    if request.method == "POST" and form.is_valid() and (practice := _save_practice(request, form)):
        messages.success(request, f"Практика «{practice.title}» внесена в методическую копилку.")
        return redirect("monitoring:practice_detail", access.org.slug, practice.pk)
    return _practice_form_page(request, access, form, practice=None, source=None)


@org_view(*PRACTICE_EDITORS)
def practice_from_pair(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """«Сохранить как практику»: the form prefilled from the ended pair's (group's) programme."""
    m = get_mentorship_for_user(access, pk, editing=True)
    try:
        check_ended(m)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    instance = Practice(organization=access.org, created_by=request.user, mentorship=m)
    initial = practice_initial(m) if request.method != "POST" else None
    form = PracticeForm(
        request.POST or None, request.FILES or None, instance=instance, initial=initial, organization=access.org
    )
    if request.method == "POST" and form.is_valid() and (practice := _save_practice(request, form)):
        messages.success(request, f"Практика «{practice.title}» сохранена из программы и внесена в копилку.")
        return redirect("monitoring:practice_detail", access.org.slug, practice.pk)
    saved = list(m.practices.all())
    return _practice_form_page(request, access, form, practice=None, source=m, saved_from_pair=saved)


@org_view(*PRACTICE_EDITORS)
def practice_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    practice = get_practice(access, pk, editing=True)
    form = PracticeForm(request.POST or None, request.FILES or None, instance=practice, organization=access.org)
    if request.method == "POST" and form.is_valid() and _save_practice(request, form):
        messages.success(request, "Изменения сохранены.")
        return redirect("monitoring:practice_detail", access.org.slug, practice.pk)
    return _practice_form_page(request, access, form, practice=practice, source=practice.mentorship)


@org_view(*PRACTICE_EDITORS)
@require_POST
def practice_delete(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    practice = get_practice(access, pk, editing=True)
    with transaction.atomic():
        for material in practice.files.all():
            delete_material(material)
        practice.delete()
        organization_changed(access.org)
    messages.success(request, f"Практика «{practice.title}» удалена из копилки вместе с материалами.")
    return redirect("monitoring:practices", access.org.slug)


@org_view(*PRACTICE_EDITORS)
@require_POST
def material_add(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    practice = get_practice(access, pk, editing=True)
    form = MaterialsForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_practice(request, access, practice, materials_form=form)
    with transaction.atomic():
        saved = add_materials(practice, form.checked)
    messages.success(request, f"Материалы добавлены: {len(saved)}.")
    return redirect("monitoring:practice_detail", access.org.slug, practice.pk)


def get_material(access: OrgAccess, pk: int, item_pk: int, *, editing: bool = False) -> PracticeFile:
    practice = get_practice(access, pk, editing=editing)
    return get_object_or_404(PracticeFile.objects.filter(practice=practice), pk=item_pk)


@org_view()
def material_download(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    material = get_material(access, pk, item_pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл материала не найден в хранилище.") from None
    response = FileResponse(handle, as_attachment=True, filename=material.original_name)
    response["Content-Type"] = material.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@org_view(*PRACTICE_EDITORS)
@require_POST
def material_delete(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    material = get_material(access, pk, item_pk, editing=True)
    delete_material(material)
    messages.success(request, f"Материал «{material.original_name}» удалён.")
    return redirect("monitoring:practice_detail", access.org.slug, pk)


# --- the final event (stage 6) ----------------------------------------------------------------------------------


def get_event(access: OrgAccess, pk: int, *, editing: bool = False) -> FinalEvent:
    if editing and not access.has(*EVENT_EDITORS):
        raise Http404
    qs = FinalEvent.objects.filter(organization=access.org).select_related("order", "reward_order")
    return get_object_or_404(qs, pk=pk)


@org_view(*EVENT_VIEWERS)
def final_event_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs = (
        FinalEvent.objects.filter(organization=access.org)
        .select_related("order", "reward_order")
        .annotate(
            participant_count=Count("participants", distinct=True),
            recommended_count=Count("recommended", distinct=True),
        )
        .order_by("-held_on", "-id")
    )
    context = {
        "access": access,
        "page": page_of(request, qs),
        "can_edit": access.has(*EVENT_EDITORS),
        "approved_order": approved_final_event_order(access.org),
    }
    return render(request, "monitoring/final_events/list.html", context)


def _rewardable(access: OrgAccess) -> list[Person]:

    return rewardable_mentors(access.org)


def render_event(request: HttpRequest, access: OrgAccess, event: FinalEvent, recommend_form=None) -> HttpResponse:
    can_edit = access.has(*EVENT_EDITORS)
    recommended = list(event.recommended.order_by("surname", "name", "id"))
    reward_order = reward_order_in_force(event)
    candidates = _rewardable(access) if can_edit else []
    if recommend_form is None and can_edit and reward_order is None:
        recommend_form = RecommendForm(
            candidates=candidates, chosen=recommended, initial={"recommended": [p.pk for p in recommended]}
        )
    linked = event.order
    context = {
        "access": access,
        "event": event,
        "participants": list(event.participants.order_by("surname", "name", "id")),
        "recommended": recommended,
        "candidates": candidates,
        "recommend_form": recommend_form if reward_order is None else None,
        "reward_order": reward_order,
        "cancelled_reward": event.reward_order if event.reward_order and reward_order is None else None,
        "order": linked,
        "approved_order": approved_final_event_order(access.org) if linked is None else None,
        "can_edit": can_edit,
    }
    return render(request, "monitoring/final_events/detail.html", context)


@org_view(*EVENT_VIEWERS)
def final_event_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return render_event(request, access, get_event(access, pk))


def _event_form_page(request: HttpRequest, access: OrgAccess, form: FinalEventForm, event) -> HttpResponse:
    formats = ["Круглый стол", "Конференция", "Педагогический совет", "Методический день", "Фестиваль наставничества"]
    context = {"access": access, "form": form, "event": event, "formats": formats}
    return render(request, "monitoring/final_events/form.html", context)


@org_view(*EVENT_EDITORS)
def final_event_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    instance = FinalEvent(organization=access.org, created_by=request.user)
    form = FinalEventForm(request.POST or None, instance=instance, organization=access.org)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        organization_changed(access.org)
        messages.success(request, "Итоговое мероприятие записано.")
        return redirect("monitoring:final_event_detail", access.org.slug, event.pk)
    return _event_form_page(request, access, form, None)


@org_view(*EVENT_EDITORS)
def final_event_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    form = FinalEventForm(request.POST or None, instance=event, organization=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        organization_changed(access.org)
        messages.success(request, "Изменения сохранены.")
        return redirect("monitoring:final_event_detail", access.org.slug, event.pk)
    return _event_form_page(request, access, form, event)


@org_view(*EVENT_EDITORS)
@require_POST
def final_event_order(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """Link the approved order on holding the event, or draft one («Сформировать приказ о проведении»)."""
    event = get_event(access, pk, editing=True)
    if request.POST.get("link"):
        approved = approved_final_event_order(access.org)
        if approved is None:
            messages.error(request, "Утверждённого приказа о проведении итогового мероприятия нет.")
        else:
            event.order = approved
            event.save(update_fields=["order"])
            messages.success(request, f"Мероприятие связано с приказом № {approved.reg_number}.")
        return redirect("monitoring:final_event_detail", access.org.slug, event.pk)
    try:
        order = draft_final_event_order(event, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:final_event_detail", access.org.slug, event.pk)
    messages.success(request, "Проект приказа о проведении итогового мероприятия сформирован.")
    return redirect("roadmap:order", access.org.slug, order.pk)


@org_view(*EVENT_EDITORS)
@require_POST
def final_event_recommend(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    if reward_order_in_force(event) is not None:
        messages.error(
            request,
            "Приказ о поощрении уже сформирован: список рекомендованных изменяется в его проекте "
            "или после отмены приказа.",
        )
        return redirect("monitoring:final_event_detail", access.org.slug, event.pk)
    chosen = list(event.recommended.all())
    form = RecommendForm(request.POST, candidates=_rewardable(access), chosen=chosen)
    if not form.is_valid():
        return render_event(request, access, event, recommend_form=form)
    event.recommended.set(form.cleaned_data["recommended"])
    messages.success(request, f"Рекомендованных к поощрению: {len(form.cleaned_data['recommended'])}.")
    return redirect("monitoring:final_event_detail", access.org.slug, event.pk)


@org_view(*EVENT_EDITORS)
@require_POST
def final_event_reward_order(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    try:
        order = draft_reward_order(event, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:final_event_detail", access.org.slug, event.pk)
    messages.success(request, "Проект приказа о поощрении наставников сформирован: проверьте текст и отправьте.")
    return redirect("roadmap:order", access.org.slug, order.pk)
