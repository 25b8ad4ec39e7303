"""The programme's events: seminars, master-classes, professional skills contests, sessions of the mentors' school,
meetings of the mentors' community. The curator and the administrator plan them, mark them held (which completes
the linked roadmap activities) and publish them; the head, the council and the staff read them."""

from __future__ import annotations

from functools import partial

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.filters import ListFilterSet, PositiveIntegerFilter
from core.lists import page_of
from mentoring.feeds import day_event, feed_events, feed_response, live_feed
from mentoring.models.pairs import serving_people
from monitoring.forms_events import EventForm, HoldForm
from monitoring.models import Event, EventFile
from monitoring.practices import save_materials
from people.access import OrgAccess, org_view
from people.models import Role

EVENT_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)


class EventFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Event.Status.choices)
    year = PositiveIntegerFilter(field_name="date__year")


def get_event(access: OrgAccess, pk: int, *, editing: bool = False) -> Event:
    """An event of the organisation: every member of staff reads them, the curator and the administrator edit."""
    if editing and not access.has(*EVENT_EDITORS):
        raise Http404
    qs = Event.objects.for_org(access.org).prefetch_related("organisers", "participants", "files")
    return get_object_or_404(qs, pk=pk)


@org_view()
def event_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs = Event.objects.for_org(access.org).for_list().prefetch_related("activities").order_by("-date", "-id")
    filters = EventFilter(request.GET, queryset=qs)
    context = {
        "access": access,
        "filters": filters,
        "kinds": Event.Kind.choices,
        "statuses": Event.Status.choices,
        "page": page_of(request, filters.qs),
        "can_edit": access.has(*EVENT_EDITORS),
    }
    return render(request, "monitoring/events/list.html", context)


def render_event(request: HttpRequest, access: OrgAccess, event: Event, hold_form=None) -> HttpResponse:
    context = {
        "access": access,
        "event": event,
        "activities": list(event.activities.select_related("stage", "roadmap")),
        "can_edit": access.has(*EVENT_EDITORS),
        "hold_form": hold_form or HoldForm(),
    }
    return render(request, "monitoring/events/detail.html", context)


@org_view()
def event_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return render_event(request, access, get_event(access, pk))


def _form_page(request, access, form, event) -> HttpResponse:
    return render(request, "monitoring/events/form.html", {"access": access, "form": form, "event": event})


@org_view(*EVENT_EDITORS)
def event_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    instance = Event(organization=access.org, created_by=request.user)
    form = EventForm(request.POST or None, request.FILES or None, instance=instance, organization=access.org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save()
            save_materials(form.checked, partial(EventFile, event=event))
        messages.success(request, "Мероприятие запланировано.")
        return redirect("monitoring:event_detail", access.org.slug, event.pk)
    return _form_page(request, access, form, None)


@org_view(*EVENT_EDITORS)
def event_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    form = EventForm(request.POST or None, request.FILES or None, instance=event, organization=access.org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            save_materials(form.checked, partial(EventFile, event=event))
        messages.success(request, "Изменения сохранены.")
        return redirect("monitoring:event_detail", access.org.slug, event.pk)
    return _form_page(request, access, form, event)


@org_view(*EVENT_EDITORS)
@require_POST
def event_hold(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    form = HoldForm(request.POST)
    if not form.is_valid():
        return render_event(request, access, event, hold_form=form)
    try:
        completed = event.hold(results=form.cleaned_data["results"])
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return render_event(request, access, event, hold_form=form)
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:event_detail", access.org.slug, event.pk)
    done = f" Мероприятий дорожной карты отмечено выполненными: {completed}." if completed else ""
    messages.success(request, "Мероприятие отмечено проведённым." + done)
    return redirect("monitoring:event_detail", access.org.slug, event.pk)


@org_view(*EVENT_EDITORS)
@require_POST
def event_cancel(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    try:
        event.cancel()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Мероприятие отменено.")
    return redirect("monitoring:event_detail", access.org.slug, event.pk)


@org_view(*EVENT_EDITORS)
@require_POST
def event_publish(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_event(access, pk, editing=True)
    event.is_published = request.POST.get("publish") == "1"
    event.save(update_fields=["is_published"])
    shown = "опубликовано на странице организации" if event.is_published else "снято с публикации"
    messages.success(request, f"Мероприятие {shown}.")
    return redirect("monitoring:event_detail", access.org.slug, event.pk)


@org_view()
def event_material(request: HttpRequest, access: OrgAccess, pk: int, item_pk: int) -> HttpResponse:
    material = get_object_or_404(EventFile.objects.filter(event=get_event(access, pk)), pk=item_pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл материала не найден в хранилище.") from None
    response = FileResponse(handle, as_attachment=True, filename=material.original_name)
    response["Content-Type"] = material.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the calendar feed: the mentoring app's entries and the events one organises or takes part in ---


def event_entries(user) -> list:
    people = serving_people(user)
    events = (
        Event.objects.filter(Q(participants__in=people) | Q(organisers__in=people))
        .exclude(status=Event.Status.CANCELLED)
        .distinct()
        .order_by("date", "pk")
    )
    stamp = timezone.now()
    return [
        day_event(
            f"programme-event-{e.pk}",
            e.date,
            f"{e.get_kind_display()}: {e.title}",
            ", ".join(filter(None, [e.place, e.get_status_display().lower()])),
            stamp,
        )
        for e in events
    ]


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = live_feed(token)
    return feed_response(feed, feed_events(feed.user) + event_entries(feed.user))
