"""The methodical council's proposals of pairs and groups, where the organisation gives it that right: a member
proposes a mentor and mentees from the banks with the reasons; the curator accepts (a draft pair is created, as
from matching) or declines with an answer the council reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.lists import page_of
from mentoring import matching
from mentoring.forms_short import PairProposalForm
from mentoring.models import PairProposal
from people.access import OrgAccess, org_view
from people.models import Role

DECIDERS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
READERS = (*DECIDERS, Role.Kind.HEAD, Role.Kind.COUNCIL)


def _council_may_propose(access: OrgAccess) -> bool:
    return access.has(Role.Kind.COUNCIL) and access.org.council_proposes_pairs


def _require_right(access: OrgAccess) -> None:
    """The council's pages exist only where the organisation gave it the right; 404 otherwise."""
    if not access.org.council_proposes_pairs:
        raise Http404


def get_proposal(access: OrgAccess, pk: int) -> PairProposal:
    _require_right(access)
    return get_object_or_404(PairProposal.objects.for_org(access.org).for_list(), pk=pk)


@org_view(*READERS)
def proposal_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    _require_right(access)
    qs = PairProposal.objects.for_org(access.org).for_list().order_by("status", "-proposed_at", "-id")
    context = {
        "access": access,
        "page": page_of(request, qs),
        "can_propose": _council_may_propose(access),
        "can_decide": access.has(*DECIDERS),
    }
    return render(request, "mentoring/council/proposals.html", context)


@org_view(Role.Kind.COUNCIL)
def proposal_new(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    _require_right(access)
    form = PairProposalForm(request.POST or None, organization=access.org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            proposal = PairProposal.objects.create(
                organization=access.org, mentor=data["mentor"], reasons=data["reasons"], proposed_by=access.person
            )
            proposal.mentees.set(data["mentees"])
        messages.success(request, "Предложение передано куратору.")
        return redirect("mentoring:council_proposals", access.org.slug)
    return render(request, "mentoring/council/proposal_form.html", {"access": access, "form": form})


@org_view(*DECIDERS)
@require_POST
def proposal_accept(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    proposal = get_proposal(access, pk)
    if proposal.status != PairProposal.Status.OPEN:
        messages.error(request, "По этому предложению решение уже принято.")
        return redirect("mentoring:council_proposals", access.org.slug)
    mentees = [e.pk for e in proposal.mentees.all()]
    note = f"Предложено методическим советом: {proposal.reasons}"
    with transaction.atomic():
        result = matching.accept(access.org, [(proposal.mentor_id, mentees)], by=request.user, note=note)
        if not result.created:
            messages.error(request, "Пару создать нельзя: " + " ".join(result.skipped))
            return redirect("mentoring:council_proposals", access.org.slug)
        pair = result.created[0]
        try:
            proposal.accept(by=request.user, mentorship=pair)
        except ValidationError as exc:
            transaction.set_rollback(True)
            messages.error(request, " ".join(exc.messages))
            return redirect("mentoring:council_proposals", access.org.slug)
    messages.success(request, "Предложение принято: создан черновик пары (группы).")
    return redirect("mentoring:mentorship_detail", access.org.slug, pair.pk)


@org_view(*DECIDERS)
@require_POST
def proposal_decline(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    proposal = get_proposal(access, pk)
    try:
        proposal.decline(by=request.user, answer=request.POST.get("answer", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Предложение отклонено; совет увидит ваш ответ.")
    return redirect("mentoring:council_proposals", access.org.slug)
