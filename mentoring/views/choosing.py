"""Choosing each other: the mentee's page of proposed mentors and their preference; a participant confirming a
proposed pair or declining it with the reason (on the pair's page, mentoring/pairs/_consent.html)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.text import as_id
from mentoring import choosing
from mentoring.access import get_mentorship_for_user
from mentoring.forms_choosing import DeclineForm
from mentoring.models import Mentorship
from mentoring.views.pairs import render_detail
from people.access import OrgAccess, org_view
from people.models import MenteeEntry, Role


def _own_entry(access: OrgAccess) -> MenteeEntry | None:
    """The mentee's own entry of the bank still without a mentor, if any."""
    return (
        MenteeEntry.objects.for_org(access.org)
        .without_mentor()
        .filter(person=access.person)
        .select_related("organization", "preferred_mentor")
        .order_by("-request_date", "-id")
        .first()
    )


@org_view(Role.Kind.MENTEE)
def choose_mentor(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    entry = _own_entry(access)
    cards = choosing.offered_mentors(entry) if entry else []
    error = ""
    if request.method == "POST":
        chosen = next((c.person for c in cards if c.person.pk == as_id(request.POST.get("mentor", ""))), None)
        try:
            if entry is None or chosen is None:
                raise ValidationError("Выберите одного из предложенных наставников.")
            choosing.prefer(entry, chosen, offered=cards)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, f"Вы выбрали наставника: {chosen.short_name}. Куратор учтёт ваш выбор при подборе."
            )
            return redirect("mentoring:choose_mentor", access.org.slug)
    context = {"access": access, "entry": entry, "cards": cards, "error": error}
    return render(request, "mentoring/choosing/choose.html", context, status=400 if error else 200)


def _participant_pair(access: OrgAccess, pk: int) -> Mentorship:
    m = get_mentorship_for_user(access, pk)
    if access.person.pk not in {p.pk for p in m.participants()}:
        raise Http404
    return m


@org_view()
@require_POST
def pair_confirm(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = _participant_pair(access, pk)
    try:
        choosing.confirm(m, access.person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Вы подтвердили участие в паре (группе).")
    return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)


@org_view()
@require_POST
def pair_decline(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = _participant_pair(access, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            choosing.decline(m, access.person, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Вы отказались от предложенной пары. Куратор увидит причину.")
        return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    return render_detail(request, access, m, decline_form=form, open_panel="decline")
