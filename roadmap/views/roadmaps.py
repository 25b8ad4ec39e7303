"""Roadmaps of the organisation: the list by period, creating one, the roadmap page, its activities and its PDF.

Everyone in the organisation reads the roadmap; the curator and the administrator edit it; the head approves it
through an order (orders pages) and reads it here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.lists import int_param
from core.pdf import pdf_bytes
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import Role
from roadmap import roadmaps as service
from roadmap import versions
from roadmap.drafting import draft_order
from roadmap.forms import RoadmapActivityForm, RoadmapCreateForm, RoadmapProgressForm
from roadmap.models import ROADMAP_LOCKED, ActivityStatus, Order, OrderKind, Roadmap, RoadmapActivity

ROADMAP_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)


def can_edit(access: OrgAccess) -> bool:
    return access.has(*ROADMAP_EDITORS)


def get_roadmap_for_user(access: OrgAccess, pk: int, *, editing: bool = False) -> Roadmap:
    """A roadmap of the user's organisation; `editing` narrows it to the curator and the administrator."""
    if editing and not can_edit(access):
        raise Http404
    qs = Roadmap.objects.for_org(access.org).select_related("organization", "approved_by_order")
    return get_object_or_404(qs, pk=pk)


def get_activity_for_user(access: OrgAccess, roadmap: Roadmap, pk: int) -> RoadmapActivity:
    return get_object_or_404(RoadmapActivity.objects.filter(roadmap=roadmap).select_related("stage"), pk=pk)


@org_view()
def roadmap_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    today = timezone.localdate()
    open_q = Q(activities__status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS])
    roadmaps = (
        Roadmap.objects.for_org(access.org)
        .select_related("approved_by_order")
        .annotate(
            n_total=Count("activities", filter=~Q(activities__status=ActivityStatus.CANCELLED)),
            n_done=Count("activities", filter=Q(activities__status=ActivityStatus.DONE)),
            n_overdue=Count("activities", filter=open_q & Q(activities__deadline_date__lt=today)),
        )
        .order_by("-period_start", "-id")
    )
    context = {"access": access, "roadmaps": roadmaps, "can_edit": can_edit(access)}
    return render(request, "roadmap/roadmaps/list.html", context)


@org_view(*ROADMAP_EDITORS)
def roadmap_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    label, start, end = service.next_period(access.org)
    form = RoadmapCreateForm(
        request.POST or None,
        organization=access.org,
        initial={"period_label": label, "period_start": start, "period_end": end},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        args = (d["period_label"], d["period_start"], d["period_end"])
        if d["source"] == form.COPY:
            roadmap = service.copy_roadmap(d["copy_from"], *args, title=d["title"])
        elif d["source"] == form.BLANK:
            roadmap = service.create_blank(access.org, *args, title=d["title"])
        else:
            roadmap = service.create_from_model(access.org, *args, title=d["title"])
        organization_changed(access.org)  # its activities whose check the data already shows done are done
        messages.success(
            request,
            "Дорожная карта создана как проект. Проверьте мероприятия, сроки и ответственных и сформируйте приказ "
            "о её утверждении: до утверждения она не заменяет действующую.",
        )
        return redirect("roadmap:roadmap", access.org.slug, roadmap.pk)
    return render(request, "roadmap/roadmaps/create.html", {"access": access, "form": form})


@org_view()
def roadmap_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk)
    editor = can_edit(access)
    context = {
        **service.roadmap_context(roadmap),
        "access": access,
        "can_edit": editor and roadmap.status == Roadmap.Status.DRAFT,
        "can_mark": editor and roadmap.status != Roadmap.Status.SUPERSEDED,
        "is_editor": editor,
        "history": versions.history(roadmap),
        "pending_revision": versions.pending_revision(roadmap) if roadmap.status == Roadmap.Status.APPROVED else None,
        "pending_orders": Order.objects.for_org(access.org)
        .filter(roadmap=roadmap)
        .exclude(status=Order.Status.CANCELLED)
        .order_by("-created_at"),
    }
    return render(request, "roadmap/roadmaps/detail.html", context)


@org_view()
def roadmap_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk)
    data = pdf_bytes("documents/roadmap.html", service.roadmap_context(roadmap), request=request)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"Дорожная карта {roadmap.period_label}.pdf".replace("/", "-")
    response["Content-Disposition"] = content_disposition_header(request.GET.get("download") == "1", name)
    return response


def _activity_form_page(request, access, roadmap, form, activity=None, hint="") -> HttpResponse:
    context = {
        "access": access,
        "roadmap": roadmap,
        "form": form,
        "activity": activity,
        "deadline_hint": hint,
        "progress_only": roadmap.status != Roadmap.Status.DRAFT,
        "stamp": versions.order_stamp(roadmap.approved_by_order),
    }
    return render(request, "roadmap/roadmaps/activity_form.html", context)


def _refuse_locked(request: HttpRequest, access: OrgAccess, roadmap: Roadmap) -> HttpResponse | None:
    """An approved (or replaced) roadmap's content is fixed: say so and go back to it."""
    if roadmap.status == Roadmap.Status.DRAFT:
        return None
    messages.error(request, ROADMAP_LOCKED)
    return redirect("roadmap:roadmap", access.org.slug, roadmap.pk)


def _save_progress(request, access, roadmap, activity) -> HttpResponse:
    """The marks of progress of an approved roadmap's activity: status, date done, note, evidence."""
    form = RoadmapProgressForm(request.POST or None, request.FILES or None, instance=activity, roadmap=roadmap)
    if request.method != "POST":
        return _activity_form_page(request, access, roadmap, form, activity)
    if not form.is_valid():
        return _activity_form_page(request, access, roadmap, form, activity)
    form.save()
    messages.success(request, "Отметка о выполнении сохранена.")
    return redirect(f"{roadmap_url(access, roadmap)}#activity-{activity.pk}")


def _deadline_needs_confirming(request: HttpRequest, form: RoadmapActivityForm, roadmap: Roadmap):
    """When the curator wrote a deadline but no date, read the date from the text and show it to confirm."""
    data = form.cleaned_data
    if data.get("deadline_date") or not data.get("deadline_text") or request.POST.get("confirmed"):
        return None
    parsed = service.parse_deadline(data["deadline_text"], roadmap.period_start, roadmap.period_end)
    if parsed is None:
        return None
    post = request.POST.copy()
    post["deadline_date"] = parsed.isoformat()
    post["confirmed"] = "1"
    return post, parsed


def _save_activity(request, access, roadmap, activity=None) -> HttpResponse:
    initial = {}
    if activity is None and (stage := int_param(request, "stage")) is not None:
        initial["stage"] = stage
    form = RoadmapActivityForm(
        request.POST or None, request.FILES or None, instance=activity, roadmap=roadmap, initial=initial
    )
    if request.method != "POST" or not form.is_valid():
        return _activity_form_page(request, access, roadmap, form, activity)
    pending = _deadline_needs_confirming(request, form, roadmap)
    if pending:
        post, parsed = pending
        form = RoadmapActivityForm(post, request.FILES or None, instance=activity, roadmap=roadmap)
        hint = f"Срок для контроля прочитан из текста: {parsed:%d.%m.%Y}. Проверьте его и сохраните ещё раз."
        return _activity_form_page(request, access, roadmap, form, activity, hint)
    item = form.save(commit=False)
    item.roadmap = roadmap
    if activity is None or "stage" in form.changed_data:
        item.position = service.next_position(item.stage)
    item.save()
    messages.success(request, "Мероприятие сохранено.")
    return redirect(f"{roadmap_url(access, roadmap)}#activity-{item.pk}")


def roadmap_url(access: OrgAccess, roadmap: Roadmap) -> str:

    return reverse("roadmap:roadmap", args=[access.org.slug, roadmap.pk])


@org_view(*ROADMAP_EDITORS)
def activity_new(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    if refused := _refuse_locked(request, access, roadmap):
        return refused
    if not roadmap.stages.exists():
        raise Http404
    return _save_activity(request, access, roadmap)


@org_view(*ROADMAP_EDITORS)
def activity_edit(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    activity = get_activity_for_user(access, roadmap, item_pk)
    if roadmap.status != Roadmap.Status.DRAFT:
        if request.method == "POST" and request.POST.get("action") == "delete":
            return _refuse_locked(request, access, roadmap)
        return _save_progress(request, access, roadmap, activity)
    if request.method == "POST" and request.POST.get("action") == "delete":
        activity.delete()
        messages.success(request, "Мероприятие удалено. Номера остальных можно обновить кнопкой «Перенумеровать».")
        return redirect("roadmap:roadmap", access.org.slug, roadmap.pk)
    return _save_activity(request, access, roadmap, activity)


@org_view(*ROADMAP_EDITORS)
@require_POST
def activity_move(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    activity = get_activity_for_user(access, roadmap, item_pk)
    if refused := _refuse_locked(request, access, roadmap):
        return refused
    service.move_activity(activity, request.POST.get("direction", ""))
    return redirect(f"{roadmap_url(access, roadmap)}#activity-{activity.pk}")


@org_view(*ROADMAP_EDITORS)
@require_POST
def roadmap_renumber(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    if refused := _refuse_locked(request, access, roadmap):
        return refused
    messages.success(request, service.renumber_message(service.renumber(roadmap)))
    return redirect("roadmap:roadmap", access.org.slug, roadmap.pk)


@org_view(*ROADMAP_EDITORS)
@require_POST
def roadmap_revise(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """«Подготовить изменения»: a draft редакция of the approved roadmap; the approved one stays in force."""
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    try:
        draft, created = versions.prepare_changes(roadmap, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roadmap:roadmap", access.org.slug, roadmap.pk)
    if created:
        messages.success(
            request,
            "Подготовлена новая редакция дорожной карты (проект). Внесите изменения и сформируйте приказ о внесении "
            "изменений: до его утверждения действует прежняя редакция.",
        )
    else:
        messages.info(request, "Новая редакция уже готовится — продолжите её.")
    return redirect("roadmap:roadmap", access.org.slug, draft.pk)


@org_view(*ROADMAP_EDITORS)
@require_POST
def roadmap_order(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """«Сформировать приказ» for this draft: approving it, or — for a new редакция — changing the roadmap."""
    roadmap = get_roadmap_for_user(access, pk, editing=True)
    kind = OrderKind.ROADMAP_CHANGE if roadmap.replaces_id else OrderKind.ROADMAP
    try:
        order = draft_order(access.org, kind, by=request.user, roadmap=roadmap)
    except ValidationError as exc:
        messages.error(request, "Проект приказа не сформирован. " + " ".join(exc.messages))
        return redirect("roadmap:roadmap", access.org.slug, roadmap.pk)
    messages.success(request, "Проект приказа сформирован. Проверьте текст и отправьте на утверждение.")
    return redirect("roadmap:order", access.org.slug, order.pk)


@org_view()
def activity_evidence(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    """The evidence file of an activity, served only through the roadmap's access check (never from MEDIA_URL)."""
    activity = get_activity_for_user(access, get_roadmap_for_user(access, pk), item_pk)
    if not activity.evidence:
        raise Http404
    suffix = activity.evidence.name.rsplit(".", 1)[-1].lower()
    name = f"Подтверждение к мероприятию {activity.number or activity.pk}.{suffix}"
    return FileResponse(activity.evidence.open("rb"), as_attachment=True, filename=name)
