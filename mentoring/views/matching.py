"""Matching (stage 4): the whole-bank proposal, one mentee's ranked mentors, and the curator's own choice."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from mentoring import matching as m
from mentoring.forms import MentorChoiceForm
from people.access import OrgAccess, org_view
from people.models import MenteeEntry, Role

# The curator forms pairs (the administrator often does the typing); the head and the methodical council,
# which helps to match pairs, follow the proposal without changing anything.
MATCH_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.COUNCIL)
MATCH_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
PAGE_SIZE = 25
PICK = re.compile(r"^(\d{1,9}):(\d{1,9}(?:\.\d{1,9}){0,9})$")


def get_waiting_entry_for_user(access: OrgAccess, pk: int) -> MenteeEntry:
    """A mentee of the organisation's bank who waits for a mentor (or is supported without a pair)."""
    if not access.has(*MATCH_VIEWERS):
        raise Http404
    qs = MenteeEntry.objects.for_org(access.org).without_mentor()
    return get_object_or_404(qs, pk=pk)


def _after_created(access: OrgAccess, pairs: list) -> HttpResponse:
    """To the new draft's page when there is one draft and that page exists; otherwise back to the proposal."""
    if len(pairs) == 1:
        try:
            return redirect(reverse("mentoring:mentorship_detail", args=[access.org.slug, pairs[0].pk]))
        except NoReverseMatch:
            pass
    return redirect("mentoring:matching", access.org.slug)


def _report(request: HttpRequest, result: m.Accepted) -> None:
    created = result.created
    if len(created) == 1:
        pair = created[0]
        mentees = ", ".join(p.short_name for p in pair.mentees.all())
        kind = f"группы из {pair.mentees.count()}" if pair.is_group else "пары"
        messages.success(
            request, f"Создан черновик {kind}: наставник {pair.mentor.short_name}, наставляемые: {mentees}."
        )
    elif created:
        groups = sum(1 for p in created if p.is_group)
        messages.success(
            request,
            f"Создано черновиков: {len(created)} (пар — {len(created) - groups}, групп — {groups}). "
            "Места наставников заняты, пока черновик не удалён.",
        )
    for text in result.skipped:
        messages.warning(request, f"Не создано: {text}")


@org_view(*MATCH_VIEWERS)
@require_GET
def matching(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    bank = m.load_bank(access.org)
    proposal = m.propose(bank)
    proposed_to = {e.entry_id: g.mentor for g in proposal.groups for e, _ in g.members}
    open_mentors = [t for t in bank.mentors if m.mentor_exclusion(t) is None]
    waiting = Paginator(sorted(bank.mentees, key=lambda e: e.in_pair_draft), PAGE_SIZE).get_page(
        request.GET.get("wpage")
    )
    context = {
        "access": access,
        "proposal": proposal,
        "page": Paginator(proposal.groups, PAGE_SIZE).get_page(request.GET.get("page")),
        "waiting": waiting,
        "waiting_rows": [(e, proposed_to.get(e.entry_id)) for e in waiting.object_list],
        "placed": sum(len(g.members) for g in proposal.groups),
        "candidates": len(bank.candidates()),
        "free_places": sum(t.capacity_left for t in open_mentors),
        "open_mentors": len(open_mentors),
        "min_score": m.MIN_PROPOSAL_SCORE,
        "can_manage": access.has(*MATCH_EDITORS),
    }
    return render(request, "mentoring/matching/proposal.html", context)


@org_view(*MATCH_EDITORS)
@require_POST
def matching_accept(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    picks = []
    for value in request.POST.getlist("pick"):
        found = PICK.match(value)
        if found:
            picks.append((int(found[1]), [int(x) for x in found[2].split(".")]))
    if not picks:
        messages.error(request, "Отметьте хотя бы одну строку предложения, которую нужно принять.")
        return redirect("mentoring:matching", access.org.slug)
    result = m.accept(access.org, picks, by=request.user, note="Создана по предложению автоматического подбора.")
    _report(request, result)
    return _after_created(access, result.created)


def _mentee_page(request: HttpRequest, access: OrgAccess, entry: MenteeEntry, form=None) -> HttpResponse:
    bank = m.load_bank(access.org)
    mentee = next(e for e in bank.mentees if e.entry_id == entry.pk)
    matches, excluded = m.rank(mentee, bank)
    context = {
        "access": access,
        "entry": entry,
        "mentee": mentee,
        "page": Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page")),
        "excluded": excluded,
        "form": form or MentorChoiceForm(mentors=bank.mentors),
        "can_manage": access.has(*MATCH_EDITORS),
    }
    return render(request, "mentoring/matching/mentee.html", context)


@org_view(*MATCH_VIEWERS)
@require_GET
def mentee_matches(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return _mentee_page(request, access, get_waiting_entry_for_user(access, pk))


@org_view(*MATCH_EDITORS)
@require_POST
def match_choose(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    entry = get_waiting_entry_for_user(access, pk)
    bank_mentors = m.load_bank(access.org).mentors
    form = MentorChoiceForm(request.POST, mentors=bank_mentors)
    if not form.is_valid():
        return _mentee_page(request, access, entry, form)
    manual = request.POST.get("manual") == "1"
    note = "Наставник выбран куратором вручную." if manual else "Наставник выбран куратором из списка подбора."
    result = m.accept(
        access.org, [(form.cleaned_data["mentor"], [entry.pk])], by=request.user, note=note, manual=manual
    )
    if not result.created:
        for text in result.skipped:
            messages.error(request, f"Пара не создана: {text}")
        return redirect("mentoring:mentee_matches", access.org.slug, entry.pk)
    _report(request, result)
    return _after_created(access, result.created)
