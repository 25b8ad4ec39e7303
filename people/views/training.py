"""Training of mentors (stage 4): events with their attendees; attending one makes a mentor «обучен»."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.lists import page_of
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.forms import TrainingEventForm
from people.models import MentorEntry, TrainingEvent
from people.views.bank_helpers import BANK_EDITORS, BANK_VIEWERS


def get_training(access: OrgAccess, pk: int) -> TrainingEvent:
    return get_object_or_404(TrainingEvent.objects.filter(organization=access.org), pk=pk)


@org_view(*BANK_VIEWERS)
def training_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    events = TrainingEvent.objects.filter(organization=access.org).annotate(attendee_count=Count("attendees"))
    context = {
        "access": access,
        "page": page_of(request, events.order_by("-date", "-id")),
        "can_edit": access.has(*BANK_EDITORS),
    }
    return render(request, "people/banks/training_list.html", context)


@org_view(*BANK_VIEWERS)
def training_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    event = get_training(access, pk)
    # Each attendee links to their questionnaire in the bank, if they still have one.
    entry = MentorEntry.objects.filter(person=OuterRef("pk"), organization=access.org).order_by("-created_at")
    attendees = event.attendees.annotate(mentor_entry_id=Subquery(entry.values("pk")[:1])).order_by("name_key", "id")
    context = {
        "access": access,
        "event": event,
        "attendees": list(attendees),
        "can_edit": access.has(*BANK_EDITORS),
    }
    return render(request, "people/banks/training_detail.html", context)


def _edit(request: HttpRequest, access: OrgAccess, event: TrainingEvent) -> HttpResponse:
    is_new = event.pk is None
    form = TrainingEventForm(request.POST or None, instance=event, organization=access.org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save()
            organization_changed(access.org)  # who attended makes a mentor trained
        messages.success(request, "Мероприятие добавлено." if is_new else "Изменения сохранены.")
        return redirect("people:training_detail", access.org.slug, event.pk)
    context = {"access": access, "form": form, "event": None if is_new else event}
    return render(request, "people/banks/training_form.html", context)


@org_view(*BANK_EDITORS)
def training_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return _edit(request, access, TrainingEvent(organization=access.org))


@org_view(*BANK_EDITORS)
def training_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return _edit(request, access, get_training(access, pk))
