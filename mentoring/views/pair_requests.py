"""Requests to release a mentor or change a mentor, the curator's decisions, and support of mentees without a pair."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.lists import page_of
from mentoring.access import PAIR_EDITORS, PAIR_VIEWERS, get_mentorship_for_user
from mentoring.forms import ChangeRequestForm, DecisionForm, SupportRecordForm
from mentoring.models import ChangeRequest, Mentorship, SupportRecord
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import MenteeEntry, Role

SUPPORTABLE = [MenteeEntry.Status.WAITING, MenteeEntry.Status.SUPPORTED]


def _back(request: HttpRequest, access: OrgAccess, m: Mentorship):
    """Back to the home the request was sent from, or to the pair's page."""
    role = request.POST.get("back", "")
    if role in (Role.Kind.MENTOR, Role.Kind.MENTEE) and role in access.roles:
        return redirect("role_home", access.org.slug, role)
    return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)


@org_view()
@require_POST
def mentorship_ask(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """A participant of an active pair asks the curator to release them (mentor) or give another mentor (mentee)."""
    m = get_mentorship_for_user(access, pk)
    form = ChangeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return _back(request, access, m)
    try:
        change = m.ask_for_change(person=access.person, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Просьба передана куратору: «{change.get_kind_display()}». Решение появится здесь.")
    return _back(request, access, m)


def get_request_for_user(access: OrgAccess, pk: int) -> ChangeRequest:
    qs = ChangeRequest.objects.for_org(access.org).select_related("mentorship", "requested_by")
    return get_object_or_404(qs, pk=pk)


@org_view(*PAIR_VIEWERS)
def request_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    show = "decided" if request.GET.get("show") == "decided" else "open"
    qs = ChangeRequest.objects.for_org(access.org)
    qs = qs.open() if show == "open" else qs.exclude(status=ChangeRequest.Status.OPEN)
    qs = qs.select_related("mentorship__mentor", "requested_by", "decided_by").order_by("-created_at", "-id")
    context = {
        "access": access,
        "page": page_of(request, qs),
        "show": show,
        "open_count": ChangeRequest.objects.for_org(access.org).open().count(),
        "can_decide": access.has(*PAIR_EDITORS),
        "form": None,
    }
    return render(request, "mentoring/pairs/requests.html", context)


@org_view(*PAIR_EDITORS)
@require_POST
def request_decide(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    change = get_request_for_user(access, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(msg for errors in form.errors.values() for msg in errors))
        return redirect("mentoring:change_requests", access.org.slug)
    granted = form.cleaned_data["decision"] == "grant"
    try:
        with transaction.atomic():
            locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
            locked.decide(by=request.user, granted=granted, note=form.cleaned_data["note"].strip())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mentoring:change_requests", access.org.slug)
    if not granted:
        messages.success(request, "Просьба отклонена. Участник увидит ваш комментарий на странице пары.")
        return redirect("mentoring:change_requests", access.org.slug)
    m = change.mentorship
    if m.state == Mentorship.State.ACTIVE:
        messages.success(
            request, "Просьба удовлетворена. Завершите пару (группу) досрочно: основание уже выбрано, укажите дату."
        )
        url = reverse("mentoring:mentorship_detail", args=[access.org.slug, m.pk])
        return redirect(f"{url}?end_reason={change.end_reason}#end-early")
    messages.success(request, "Просьба удовлетворена.")
    return redirect("mentoring:change_requests", access.org.slug)


# --- support of mentees left without a pair --------------------------------------------------------------------


def get_support_entry(access: OrgAccess, pk: int) -> MenteeEntry:
    qs = MenteeEntry.objects.for_org(access.org).select_related("person", "category")
    return get_object_or_404(qs, pk=pk)


@org_view(*PAIR_VIEWERS)
def support_page(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The support a mentee without a pair has been given while a mentor is sought; the curator adds to it."""
    entry = get_support_entry(access, pk)
    can_add = access.has(*PAIR_EDITORS) and entry.status in SUPPORTABLE
    record = SupportRecord(organization=access.org, entry=entry, given_by=access.person)
    form = None
    if can_add:
        form = SupportRecordForm(request.POST or None, instance=record, organization=access.org)
        if request.method == "POST" and form.is_valid():
            form.save()
            organization_changed(access.org)
            messages.success(request, "Запись о сопровождении добавлена.")
            return redirect("mentoring:support", access.org.slug, entry.pk)
    elif request.method == "POST":
        messages.error(request, "Добавить запись нельзя: записи ведёт куратор, пока наставляемый ждёт наставника.")
        return redirect("mentoring:support", access.org.slug, entry.pk)
    context = {
        "access": access,
        "entry": entry,
        "records": list(entry.support.select_related("given_by")),
        "form": form,
        "can_add": can_add,
    }
    return render(request, "mentoring/pairs/support.html", context)
