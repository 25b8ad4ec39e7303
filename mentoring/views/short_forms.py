"""Situational and speed mentoring: a light record (who, when, the request, the result) without a programme.

The curator and the administrator keep the records; the head and the methodical council read them; a participant
reads the records they took part in (from their card).
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.filters import ListFilterSet, PositiveIntegerFilter
from core.lists import page_of
from mentoring.forms_short import ShortMentoringForm
from mentoring.models import ShortMentoring
from people.access import OrgAccess, org_view
from people.models import Role

SHORT_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
SHORT_VIEWERS = (*SHORT_EDITORS, Role.Kind.HEAD, Role.Kind.COUNCIL)


class ShortFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(choices=ShortMentoring.Kind.choices)
    person = PositiveIntegerFilter(method="with_person")
    year = PositiveIntegerFilter(field_name="date__year")

    def with_person(self, qs, name: str, value: int):
        return qs.filter(Q(mentors=value) | Q(mentees=value)).distinct()


def get_short_for_user(access: OrgAccess, pk: int, *, editing: bool = False) -> ShortMentoring:
    """A record of the organisation: any for those who keep or read them, one's own for a participant."""
    qs = ShortMentoring.objects.for_org(access.org).for_list()
    if editing:
        if not access.has(*SHORT_EDITORS):
            raise Http404
    elif not access.has(*SHORT_VIEWERS):
        qs = qs.for_person(access.person)
    return get_object_or_404(qs, pk=pk)


@org_view(*SHORT_VIEWERS)
def short_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs = ShortMentoring.objects.for_org(access.org).for_list().order_by("-date", "-id")
    filters = ShortFilter(request.GET, queryset=qs)
    context = {
        "access": access,
        "filters": filters,
        "kinds": ShortMentoring.Kind.choices,
        "page": page_of(request, filters.qs),
        "can_edit": access.has(*SHORT_EDITORS),
    }
    return render(request, "mentoring/short_forms/list.html", context)


@org_view()
def short_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    record = get_short_for_user(access, pk)
    context = {"access": access, "record": record, "can_edit": access.has(*SHORT_EDITORS)}
    return render(request, "mentoring/short_forms/detail.html", context)


def _form_page(request: HttpRequest, access: OrgAccess, form: ShortMentoringForm, record) -> HttpResponse:
    return render(request, "mentoring/short_forms/form.html", {"access": access, "form": form, "record": record})


@org_view(*SHORT_EDITORS)
def short_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in ShortMentoring.Kind.values else None
    record = ShortMentoring(organization=access.org, created_by=request.user)
    form = ShortMentoringForm(request.POST or None, instance=record, organization=access.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = form.save()
        messages.success(request, f"Записано: {record.get_kind_display().lower()}, {record.date:%d.%m.%Y}.")
        return redirect("mentoring:short_detail", access.org.slug, record.pk)
    return _form_page(request, access, form, None)


@org_view(*SHORT_EDITORS)
def short_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    record = get_short_for_user(access, pk, editing=True)
    form = ShortMentoringForm(request.POST or None, instance=record, organization=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Изменения сохранены.")
        return redirect("mentoring:short_detail", access.org.slug, record.pk)
    return _form_page(request, access, form, record)


@org_view(*SHORT_EDITORS)
@require_POST
def short_delete(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    record = get_short_for_user(access, pk, editing=True)
    record.delete()
    messages.success(request, "Запись удалена.")
    return redirect("mentoring:short_list", access.org.slug)
