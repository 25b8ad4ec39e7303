"""Pairs and groups (stage 5): the curator's list, forming a pair by hand, its page, history and state changes.

Change requests and the support of mentees without a pair live in pair_requests.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.lists import int_param, page_of
from mentoring import choosing
from mentoring.access import PAIR_EDITORS, PAIR_VIEWERS, get_mentorship_for_user
from mentoring.filters import PairFilter
from mentoring.forms import CompleteForm, EndEarlyForm, MentorshipForm
from mentoring.forms_choosing import DeclineForm
from mentoring.meetings import attach_health, can_give_feedback, can_log, meeting_log, pair_health, with_last_meeting
from mentoring.models import ChangeRequest, Mentorship, MentorshipEvent
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import Consent, MenteeEntry, MentoringForm, MentoringKind, Person, Purpose

State = Mentorship.State
EDITABLE_STATES = (State.DRAFT, State.PROPOSED)
PROGRAMME_STATUSES = {
    "none": "нет",
    "draft": "проект",
    "sent": "на ознакомлении у наставляемого",
    "acknowledged": "ждёт утверждения",
    "approved": "утверждена",
    "change_proposed": "изменения ждут согласия наставляемого",
    "change_agreed": "изменения ждут утверждения",
    "change_returned": "изменения на доработке",
}
WAITING_SHOWN = 30


def _filtered(request: HttpRequest, access: OrgAccess) -> PairFilter:
    qs = with_last_meeting(Mentorship.objects.for_org(access.org).for_list()).order_by("-created_at", "-id")
    return PairFilter(request.GET, queryset=qs, organization=access.org)


def _waiting(access: OrgAccess):
    """Mentees still without a pair, with the number of support records of each; those in a forming pair marked."""
    forming = Mentorship.objects.for_org(access.org).filter(state__in=EDITABLE_STATES).values("mentees")
    qs = (
        MenteeEntry.objects.for_org(access.org)
        .without_mentor()
        .select_related("person", "category")
        .annotate(support_count=Count("support"), in_forming=Count("person", filter=Q(person__in=forming)))
        .order_by("request_date", "id")
    )
    return qs


@org_view(*PAIR_VIEWERS)
def pair_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    filters = _filtered(request, access)
    waiting = _waiting(access)
    page = page_of(request, filters.qs)
    page.object_list = list(page.object_list)
    attach_health(page.object_list, access.org)
    context = {
        "access": access,
        "page": page,
        **filters.values,
        "states": State.choices,
        "forms": MentoringForm.objects.filter(organization=access.org),
        "kinds": MentoringKind.objects.filter(organization=access.org),
        "filtered": filters.filtered,
        "programme_statuses": PROGRAMME_STATUSES,
        "waiting": list(waiting[:WAITING_SHOWN]),
        "waiting_total": waiting.count(),
        "open_requests": ChangeRequest.objects.for_org(access.org).open().count(),
        "can_edit": access.has(*PAIR_EDITORS),
        # The organisation's approver of programmes holds the role of the same name (curator or head).
        "is_approver": access.has(access.org.programme_approver),
    }
    return render(request, "mentoring/pairs/list.html", context)


def _save_form(request: HttpRequest, form: MentorshipForm) -> Mentorship | None:
    try:
        with transaction.atomic():
            return form.save()
    except ValidationError as exc:
        form.add_error(None, exc)
    return None


@org_view(*PAIR_EDITORS)
def mentorship_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    instance = Mentorship(organization=access.org, created_by=request.user)
    initial = {}
    entry = int_param(request, "entry")
    if entry:
        initial["mentees"] = list(
            MenteeEntry.objects.for_org(access.org).filter(pk=entry).values_list("person_id", flat=True)
        )
    form = MentorshipForm(request.POST or None, instance=instance, organization=access.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        m = _save_form(request, form)
        if m is not None:
            MentorshipEvent.objects.create(
                mentorship=m, actor=request.user, to_state=State.DRAFT, note="Сформирована вручную."
            )
            messages.success(request, f"{m.kind_label} сформирована и сохранена как черновик.")
            return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    return render(request, "mentoring/pairs/form.html", {"access": access, "form": form, "m": None})


@org_view(*PAIR_EDITORS)
def mentorship_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = get_mentorship_for_user(access, pk, editing=True)
    if m.state not in EDITABLE_STATES:
        messages.error(
            request, f"Состав и сроки можно менять только до утверждения приказом (сейчас: «{m.get_state_display()}»)."
        )
        return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    before = {p.pk for p in m.participants()}
    form = MentorshipForm(request.POST or None, instance=m, organization=access.org)
    if request.method == "POST" and form.is_valid() and _save_form(request, form) is not None:
        choosing.recount_after_edit(m, before)
        messages.success(request, "Изменения сохранены.")
        return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    return render(request, "mentoring/pairs/form.html", {"access": access, "form": form, "m": m})


@org_view(*PAIR_EDITORS)
@require_POST
def mentorship_delete(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = get_mentorship_for_user(access, pk, editing=True)
    if m.state != State.DRAFT:
        messages.error(request, "Удалить можно только черновик. Верните пару в черновики или завершите её.")
        return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    m.delete()
    messages.success(request, "Черновик пары (группы) удалён.")
    return redirect("mentoring:pairs", access.org.slug)


def _missing_duties(m: Mentorship, mentees: list[Person]) -> list[Person]:
    """Participants without an active consent to the additional duties: the pair cannot be proposed without them."""
    people = [m.mentor, *mentees]
    have = set(
        Consent.objects.active().filter(person__in=people, purpose=Purpose.DUTIES).values_list("person_id", flat=True)
    )
    return [p for p in people if p.pk not in have]


def render_detail(request: HttpRequest, access: OrgAccess, m: Mentorship, **forms) -> HttpResponse:
    mentees = list(m.mentees.select_related("organization").order_by("surname", "name", "id"))
    can_edit = access.has(*PAIR_EDITORS)
    participant = access.person.pk == m.mentor_id or access.person in mentees
    requests = list(m.requests.select_related("requested_by", "decided_by").order_by("-created_at"))
    own_open = [r for r in requests if r.status == ChangeRequest.Status.OPEN and r.requested_by_id == access.person.pk]
    meetings = meeting_log(m)
    for meeting in meetings:
        meeting.own_feedback = any(f.mentee_id == access.person.pk for f in meeting.feedback.all())
    context = {
        "access": access,
        "m": m,
        "mentees": mentees,
        "kinds": list(m.kinds.all()),
        "events": list(m.events.select_related("actor")),
        "requests": requests,
        "open_requests": [r for r in requests if r.status == ChangeRequest.Status.OPEN],
        "programme": getattr(m, "programme", None),
        "can_edit": can_edit,
        "can_view_people": access.has(*PAIR_VIEWERS),
        "missing_duties": _missing_duties(m, mentees) if m.state == State.DRAFT and can_edit else [],
        "can_ask": participant and m.state == State.ACTIVE and not own_open,
        "own_open": own_open,
        "ask_kind": ChangeRequest.Kind.RELEASE if access.person.pk == m.mentor_id else ChangeRequest.Kind.CHANGE_MENTOR,
        "complete_form": forms.get("complete_form") or CompleteForm(mentorship=m),
        "end_form": forms.get("end_form") or EndEarlyForm(mentorship=m, initial=forms.get("end_initial")),
        "ask_form": forms.get("ask_form"),
        "open_panel": forms.get("open_panel", ""),
        "today": timezone.localdate(),
        "meetings": meetings,
        "health": pair_health(m),
        "can_log_meeting": can_log(access, m),
        "is_mentee": can_give_feedback(access, mentees),
        # Choosing each other: who agreed, the form of a refusal, the two sides as the banks hold them.
        "consent_rows": choosing.consent_rows(m) if m.organization.pairs_need_consent else [],
        "can_answer_consent": m.state == State.DRAFT and m.organization.pairs_need_consent and participant,
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "sides": choosing.sides(m),
    }
    return render(request, "mentoring/pairs/detail.html", context)


@org_view()
def mentorship_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = get_mentorship_for_user(access, pk)
    reason = request.GET.get("end_reason", "")
    initial = {"reason": reason} if reason in Mentorship.EndReason.values else None
    return render_detail(request, access, m, end_initial=initial, open_panel="end" if initial else "")


@org_view(*PAIR_EDITORS)
@require_POST
def mentorship_transition(request: HttpRequest, access: OrgAccess, pk: int, action: str) -> HttpResponse:
    """propose, withdraw, complete or end_early: each a model method; refusals come back as messages."""
    m = get_mentorship_for_user(access, pk, editing=True)
    note = request.POST.get("note", "").strip()
    try:
        with transaction.atomic():
            locked = Mentorship.objects.select_for_update().get(pk=m.pk)
            if action == "propose":
                locked.propose(by=request.user, note=note)
                messages.success(request, f"{m.kind_label} включена в проект приказа.")
            elif action == "withdraw":
                locked.withdraw_proposal(by=request.user, note=note)
                messages.success(request, f"{m.kind_label} возвращена в черновики.")
            elif action == "complete":
                form = CompleteForm(request.POST, mentorship=locked)
                if not form.is_valid():
                    return render_detail(request, access, m, complete_form=form, open_panel="complete")
                locked.complete(by=request.user, on=form.cleaned_data["on"], note=form.cleaned_data["note"])
                messages.success(request, f"{m.kind_label} завершена, программа выполнена.")
            elif action == "end_early":
                form = EndEarlyForm(request.POST, mentorship=locked)
                if not form.is_valid():
                    return render_detail(request, access, m, end_form=form, open_panel="end")
                data = form.cleaned_data
                locked.end_early(by=request.user, on=data["on"], reason=data["reason"], note=data["note"])
                messages.success(request, f"{m.kind_label} завершена досрочно.")
            else:
                raise Http404
            organization_changed(access.org)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
