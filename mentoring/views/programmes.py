"""The personalised programme of a pair or group: the note, the plan edited in place (htmx), the chain (sent to the
mentee, acknowledged or commented, approved), changes proposed as versions, and the printable document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.pdf import render_pdf
from mentoring import choosing, coauthor
from mentoring.forms import (
    CommentForm,
    CorrectionForm,
    ExtensionForm,
    PlanProgressForm,
    PlanRowForm,
    ProgrammeNoteForm,
    ProgrammeStartForm,
    ReflectionForm,
    proposal_row_formset,
)
from mentoring.forms_choosing import ProposalRemarkForm
from mentoring.models import NOTE_FIELDS, Mentorship, PlanActivity, Programme, ProgrammeRevision
from mentoring.programmes import (
    add_plan_row,
    completed_programmes,
    create_programme,
    propose_correction,
    propose_extension,
    versions,
)
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import Person, Role

# The council reads programmes where the organisation has it review them (get_programme_access checks).
PROGRAMME_READERS = (Role.Kind.CURATOR, Role.Kind.HEAD, Role.Kind.MENTOR, Role.Kind.MENTEE, Role.Kind.COUNCIL)


@dataclass
class ProgrammeAccess:
    """What the current user may do with one pair's programme, and the one next step of its chain."""

    mentorship: Mentorship
    programme: Programme | None
    is_mentor: bool
    is_mentee: bool
    is_curator: bool
    is_approver: bool = False
    is_council: bool = False  # a member of the methodical council where it reviews programmes

    @property
    def status(self) -> str:
        return self.programme.status if self.programme else ""

    @property
    def can_write(self) -> bool:
        """The pair's mentor and the curator write the programme while the pair works or is being formed."""
        return (self.is_mentor or self.is_curator) and self.mentorship.state in Mentorship.HOLDING_STATES

    @property
    def can_edit(self) -> bool:
        """Edits of the note and the plan: until approval (after sending, an edit returns it to draft)."""
        return self.can_write and self.programme is not None and not self.programme.is_approved

    @property
    def can_mark_progress(self) -> bool:
        """After approval the mentor still records status, date done and result of each row."""
        return self.can_write and self.programme is not None and self.programme.is_approved

    @property
    def can_reflect(self) -> bool:
        return self.is_mentee and self.programme is not None

    @property
    def can_send(self) -> bool:
        return self.can_edit and self.status == Programme.Status.DRAFT

    @property
    def can_acknowledge(self) -> bool:
        return self.is_mentee and self.status == Programme.Status.SENT

    @property
    def can_approve(self) -> bool:
        return self.is_approver and self.status == Programme.Status.ACKNOWLEDGED and not self.awaits_council

    @property
    def awaits_council(self) -> bool:
        return self.programme is not None and self.programme.awaits_council()

    @property
    def can_council_review(self) -> bool:
        return self.is_council and self.awaits_council

    @property
    def change(self) -> ProgrammeRevision | None:
        return self.programme.pending_change() if self.programme else None

    @property
    def can_revise(self) -> bool:
        """Propose a change: to an approved programme with no change on its way."""
        return self.can_mark_progress and self.change is None

    @property
    def can_rework_change(self) -> bool:
        return self.can_write and self.change is not None

    @property
    def can_agree_change(self) -> bool:
        return self.is_mentee and self.change is not None and self.change.status == ProgrammeRevision.Status.PROPOSED

    @property
    def can_approve_change(self) -> bool:
        return self.is_approver and self.change is not None and self.change.status == ProgrammeRevision.Status.AGREED

    @property
    def approver_label(self) -> str:
        """Who approves programmes in this organisation, in the instrumental: «куратором», «руководителем»."""
        return "руководителем" if _head_approves(self.mentorship.organization) else "куратором"

    @property
    def next_step(self) -> str:
        """The one thing that moves the chain on, in words; empty when nothing waits."""
        if self.programme is None:
            return "Наставник составляет программу."
        if self.mentorship.state in (Mentorship.State.COMPLETED, Mentorship.State.ENDED_EARLY):
            return ""
        change = self.change
        if change is not None:
            return {
                ProgrammeRevision.Status.PROPOSED: "Изменения ждут согласия наставляемого.",
                ProgrammeRevision.Status.AGREED: f"Изменения ждут утверждения {self.approver_label}.",
                ProgrammeRevision.Status.RETURNED: "Изменения возвращены наставнику на доработку.",
            }[change.status]
        return {
            Programme.Status.DRAFT: "Наставник дорабатывает программу и отправляет её наставляемому на ознакомление.",
            Programme.Status.SENT: "Программа ждёт ознакомления наставляемого.",
            Programme.Status.ACKNOWLEDGED: (
                "Программа ждёт согласования методического совета."
                if self.awaits_council
                else f"Программа ждёт утверждения {self.approver_label}."
            ),
            Programme.Status.APPROVED: "",
        }[self.programme.status]


def _head_approves(org) -> bool:
    return org.programme_approver == org.ProgrammeApprover.HEAD


def get_programme_access(access: OrgAccess, pk: int) -> ProgrammeAccess:
    """The pair or group `pk` of the organisation and its programme, for its mentor, its mentees, the curator and
    the head, and the methodical council where it reviews programmes; 404 for everyone else."""
    qs = (
        Mentorship.objects.for_org(access.org)
        .select_related("mentor", "form", "organization")
        .prefetch_related("mentees", "kinds")
    )
    mentorship = get_object_or_404(qs, pk=pk)
    is_mentor = mentorship.mentor_id == access.person.pk
    is_mentee = any(p.pk == access.person.pk for p in mentorship.mentees.all())
    is_curator = access.has(Role.Kind.CURATOR)
    is_head = access.has(Role.Kind.HEAD)
    is_council = access.has(Role.Kind.COUNCIL) and access.org.council_reviews_programmes
    if not (is_mentor or is_mentee or is_curator or is_head or is_council):
        raise Http404
    is_approver = is_head if _head_approves(access.org) else is_curator
    programme = (
        Programme.objects.filter(mentorship=mentorship)
        .select_related("acknowledged_by", "approved_by", "template")
        .select_related("sent_by", "remark_by", "council_agreed_by")
        .prefetch_related(Prefetch("revisions", ProgrammeRevision.objects.select_related("agreed_by", "remark_by")))
        .first()
    )
    if programme is not None:
        programme.mentorship = mentorship  # the rows and the document reach the pair through it
    return ProgrammeAccess(mentorship, programme, is_mentor, is_mentee, is_curator, is_approver, is_council)


def _programme_or_404(pa: ProgrammeAccess) -> Programme:
    if pa.programme is None:
        raise Http404
    return pa.programme


def _row(pa: ProgrammeAccess, row_pk: int) -> PlanActivity:
    programme = _programme_or_404(pa)
    row = get_object_or_404(PlanActivity.objects.select_related("direction"), programme=programme, pk=row_pk)
    row.programme = programme
    return row


def _back(access: OrgAccess, pa: ProgrammeAccess) -> HttpResponse:
    return redirect("mentoring:programme", access.org.slug, pa.mentorship.pk)


def _activities(programme: Programme) -> list[PlanActivity]:
    rows = list(programme.activities.select_related("direction"))
    for row in rows:
        row.programme = programme
    return rows


def _name_users(access: OrgAccess, programme: Programme | None) -> None:
    """Who approved and who revised, as «Иванова М. П.»: the staff member behind each account, in one query."""
    if programme is None:
        return
    revisions = list(programme.revisions.all())
    users = {programme.approved_by_id, programme.sent_by_id}
    users |= {r.author_id for r in revisions} | {r.approved_by_id for r in revisions}
    users -= {None}
    names = {}
    if users:
        people = Person.objects.filter(organization=access.org, user_id__in=users)
        names = {p.user_id: p.short_name for p in people}
    programme.approved_by_name = names.get(programme.approved_by_id, "")
    programme.sent_by_name = names.get(programme.sent_by_id, "")
    for revision in revisions:
        revision.author_name = names.get(revision.author_id, "")
        revision.approved_by_name = names.get(revision.approved_by_id, "")


def plan_summary(rows) -> dict:
    return {
        "rows_count": len(rows),
        "overdue_count": sum(1 for r in rows if r.is_overdue),
        "done_count": sum(1 for r in rows if r.status == PlanActivity.Status.DONE),
    }


def programme_context(access: OrgAccess, pa: ProgrammeAccess) -> dict:
    """What the page and the document show; the PDF reuses it."""
    programme = pa.programme
    rows = _activities(programme) if programme else []
    _name_users(access, programme)
    return {
        "access": access,
        "pa": pa,
        "mentorship": pa.mentorship,
        "programme": programme,
        "organization": access.org,
        "mentees": list(pa.mentorship.mentees.all()),
        "kinds": list(pa.mentorship.kinds.all()),
        "rows": rows,
        **plan_summary(rows),
        "revisions": list(programme.revisions.all()) if programme else [],
        "change": pa.change,
        "versions": versions(programme) if programme and programme.is_approved else [],
        "ended": pa.mentorship.state in (Mentorship.State.COMPLETED, Mentorship.State.ENDED_EARLY),
        **_remarks_context(pa, rows),
    }


def _remarks_context(pa: ProgrammeAccess, rows: list[PlanActivity]) -> dict:
    """The mentee's remarks on a programme being written, threaded by row, and the two sides of the pair."""
    by_row, proposals = coauthor.threads(pa.programme)
    for row in rows:
        row.thread = by_row.get(row.pk, [])
    can_remark = pa.is_mentee and coauthor.open_for_remarks(pa.programme)
    return {
        "proposal_form": ProposalRemarkForm(programme=pa.programme, prefix="proposal") if can_remark else None,
        "sides": choosing.sides(pa.mentorship),
        "proposals": proposals,
        "open_remarks": sum(r.is_open for r in proposals) + sum(r.is_open for t in by_row.values() for r in t),
        "can_remark": pa.is_mentee and coauthor.open_for_remarks(pa.programme),
        "can_answer_remarks": pa.is_mentor and coauthor.open_for_remarks(pa.programme),
        "remarks_shown": bool(by_row or proposals) or (pa.is_mentee and coauthor.open_for_remarks(pa.programme)),
    }


# --- the page, starting a programme, the note ---


@org_view(*PROGRAMME_READERS)
def programme_page(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    context = programme_context(access, pa)
    if pa.programme is None and pa.can_write:
        context["start_form"] = _start_form(access, None)
    return render(request, "mentoring/programmes/programme.html", context)


def _start_form(access: OrgAccess, data) -> ProgrammeStartForm:
    templates = access.org.programmetemplate_set.filter(is_active=True)
    no_templates = data is None and not templates.exists()
    initial = {"start": timezone.localdate(), **({"source": "blank"} if no_templates else {})}
    form = ProgrammeStartForm(data, templates=templates, programmes=completed_programmes(access.org), initial=initial)
    if no_templates:
        # All switched off, or an organisation that was never set up: a blank sheet is what is left.
        form.fields["template"].empty_label = "— у организации нет шаблонов —"
    return form


@org_view(*PROGRAMME_READERS)
def programme_create(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    if not pa.can_write:
        raise Http404
    if pa.programme is not None:
        return _back(access, pa)
    form = _start_form(access, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_programme(
                pa.mentorship,
                start=data["start"],
                end=data.get("end"),
                template=data["template"] if data["source"] == "template" else None,
                source=data["copy_from"] if data["source"] == "copy" else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Программа создана. Проверьте пояснительную записку и план мероприятий.")
            return redirect("mentoring:programme_note", access.org.slug, pk)
    context = {**programme_context(access, pa), "start_form": form}
    return render(request, "mentoring/programmes/programme.html", context)


@org_view(*PROGRAMME_READERS)
def programme_note(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.can_edit:
        if pa.can_write:
            messages.error(
                request,
                "Программа утверждена: изменения предлагаются через «Внести изменения» или «Продлить программу».",
            )
            return _back(access, pa)
        raise Http404
    was_sent = programme.status != Programme.Status.DRAFT
    form = ProgrammeNoteForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Пояснительная записка сохранена.")
        if was_sent and programme.status == Programme.Status.DRAFT:
            messages.warning(request, "Ознакомление наставляемого снято: отправьте программу ему ещё раз.")
        return _back(access, pa)
    return render(request, "mentoring/programmes/note_form.html", {"access": access, "pa": pa, "form": form})


# --- plan rows, in place ---


def _row_response(request: HttpRequest, access: OrgAccess, pa: ProgrammeAccess, row: PlanActivity) -> HttpResponse:
    context = {"access": access, "pa": pa, "row": row}
    return render(request, "mentoring/programmes/_row.html", context)


def _row_form_response(request, access, pa, form, row: PlanActivity | None) -> HttpResponse:
    context = {"access": access, "pa": pa, "form": form, "row": row}
    return render(request, "mentoring/programmes/_row_form.html", context)


def _htmx_only(request: HttpRequest, access: OrgAccess, pa: ProgrammeAccess) -> HttpResponse | None:
    """Row fragments are for htmx; a plain request (no JavaScript, a bookmark) gets the whole page."""
    return None if request.htmx else _back(access, pa)


@org_view(*PROGRAMME_READERS)
def row_new(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.can_edit:
        raise Http404
    if request.method == "GET" and (redirect_to := _htmx_only(request, access, pa)):
        return redirect_to
    if request.GET.get("cancel"):
        return HttpResponse("")  # the unsaved row is removed
    row = PlanActivity(programme=programme)
    form = PlanRowForm(request.POST or None, instance=row, programme=programme)
    if request.method == "POST" and form.is_valid():
        row = add_plan_row(programme, form.save(commit=False))
        if request.htmx:  # the row takes its place by date: the whole plan is drawn again
            rows = list(programme.activities.select_related("direction"))
            response = render(request, "mentoring/programmes/_rows.html", {"access": access, "pa": pa, "rows": rows})
            response["HX-Retarget"] = "#plan-rows"
            response["HX-Reswap"] = "innerHTML"
            if _sent_back_to_draft(pa):
                response["HX-Refresh"] = "true"
            return _plan_changed(response)
        return _after_post(request, access, pa, row)
    return _row_form_response(request, access, pa, form, None)


def _after_post(request, access, pa, row) -> HttpResponse:
    if request.htmx:
        response = _plan_changed(_row_response(request, access, pa, row))
        if _sent_back_to_draft(pa):
            response["HX-Refresh"] = "true"  # the page shows why the acknowledgement was withdrawn
        return response
    messages.success(request, "Мероприятие сохранено.")
    return _back(access, pa)


def _sent_back_to_draft(pa: ProgrammeAccess) -> bool:
    """The edit just saved returned a sent or acknowledged programme to draft."""
    if pa.programme is None or pa.programme.status in (Programme.Status.DRAFT, Programme.Status.APPROVED):
        return False
    return Programme.objects.filter(pk=pa.programme.pk, status=Programme.Status.DRAFT).exists()


def _plan_changed(response: HttpResponse) -> HttpResponse:
    """Tell the page the plan changed: its counts of done and overdue rows reload themselves."""
    response["HX-Trigger"] = "plan-changed"
    return response


@org_view(*PROGRAMME_READERS)
def plan_summary_fragment(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if redirect_to := _htmx_only(request, access, pa):
        return redirect_to
    context = {"access": access, "pa": pa, **plan_summary(list(programme.activities.all()))}
    return render(request, "mentoring/programmes/_plan_summary.html", context)


@org_view(*PROGRAMME_READERS)
def row_detail(request: HttpRequest, access: OrgAccess, pk: int, row: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    activity = _row(pa, row)
    return _htmx_only(request, access, pa) or _row_response(request, access, pa, activity)


@org_view(*PROGRAMME_READERS)
def row_edit(request: HttpRequest, access: OrgAccess, pk: int, row: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    activity = _row(pa, row)
    if pa.can_edit:
        form_class = PlanRowForm
    elif pa.can_mark_progress:
        form_class = PlanProgressForm
    else:
        raise Http404
    if request.method == "GET" and (redirect_to := _htmx_only(request, access, pa)):
        return redirect_to
    form = form_class(request.POST or None, instance=activity, programme=pa.programme)
    if request.method == "POST" and form.is_valid():
        return _after_post(request, access, pa, form.save())
    return _row_form_response(request, access, pa, form, activity)


@org_view(*PROGRAMME_READERS)
@require_POST
def row_delete(request: HttpRequest, access: OrgAccess, pk: int, row: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    activity = _row(pa, row)
    if not pa.can_edit:
        raise Http404
    activity.delete()
    if request.htmx:
        response = _plan_changed(HttpResponse(""))
        if _sent_back_to_draft(pa):
            response["HX-Refresh"] = "true"
        return response
    messages.success(request, "Мероприятие удалено из плана.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
def row_reflection(request: HttpRequest, access: OrgAccess, pk: int, row: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    activity = _row(pa, row)
    if not pa.can_reflect:
        raise Http404
    if request.method == "GET" and (redirect_to := _htmx_only(request, access, pa)):
        return redirect_to
    form = ReflectionForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        return _after_post(request, access, pa, form.save())
    context = {"access": access, "pa": pa, "form": form, "row": activity}
    return render(request, "mentoring/programmes/_reflection_form.html", context)


# --- the chain: sent to the mentee, acknowledged or commented, approved or returned ---


def _state_change(request: HttpRequest, change, success: str) -> bool:
    try:
        change()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


def _page_with(request: HttpRequest, access: OrgAccess, pa: ProgrammeAccess, **extra) -> HttpResponse:
    """The programme page again, with what went wrong beside the form that was sent."""
    context = {**programme_context(access, pa), **extra}
    return render(request, "mentoring/programmes/programme.html", context)


def _commented(request, access, pa, form_name: str, act) -> HttpResponse:
    """A comment that sends the programme or a change back: errors beside the field, else the change is made."""
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            act(form.cleaned_data["comment"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Замечания переданы наставнику.")
        return _back(access, pa)
    return _page_with(request, access, pa, **{form_name: form})


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_send(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.can_edit:
        raise Http404
    try:
        programme.send(request.user)
    except ValidationError as exc:
        return _page_with(request, access, pa, send_problems=exc.messages)
    messages.success(request, "Программа отправлена наставляемому на ознакомление.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_acknowledge(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_mentee:
        raise Http404
    _state_change(request, lambda: programme.acknowledge(access.person), "Вы ознакомились с программой.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_comment(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_mentee:
        raise Http404
    return _commented(request, access, pa, "comment_form", lambda text: programme.comment(access.person, text))


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_approve(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_approver:
        raise Http404

    def approve() -> None:
        programme.approve(request.user)
        organization_changed(access.org)  # the pair works by an approved programme now

    _state_change(request, approve, "Программа утверждена.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_return(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_approver:
        raise Http404
    return _commented(request, access, pa, "return_form", lambda text: programme.return_to_mentor(access.person, text))


@org_view(Role.Kind.COUNCIL)
@require_POST
def programme_council_agree(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_council:
        raise Http404
    _state_change(request, lambda: programme.council_agree(access.person), "Программа согласована.")
    return _back(access, pa)


@org_view(Role.Kind.COUNCIL)
@require_POST
def programme_council_return(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_council:
        raise Http404
    return _commented(request, access, pa, "council_form", lambda text: programme.council_return(access.person, text))


# --- changes to an approved programme: proposals kept as versions ---


def _change_or_404(pa: ProgrammeAccess) -> ProgrammeRevision:
    change = pa.change
    if change is None:
        raise Http404
    return change


def _proposal_form_allowed(pa: ProgrammeAccess, kind: str) -> ProgrammeRevision | None:
    """The pending change of this kind being reworked, or None for a new one; 404 when neither is possible."""
    change = pa.change
    if change is not None and pa.can_rework_change and change.kind == kind:
        return change
    if not pa.can_revise:
        raise Http404
    return None


@org_view(*PROGRAMME_READERS)
def programme_extend(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    change = _proposal_form_allowed(pa, ProgrammeRevision.Kind.EXTENSION)
    initial = {"new_end": change.new_end, "reason": change.reason} if change else None
    form = ExtensionForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            propose_extension(
                programme, new_end=data["new_end"], reason=data["reason"], by=request.user, revision=change
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Продление до {data['new_end']:%d.%m.%Y} предложено. Оно вступит в силу после согласия "
                f"наставляемого и утверждения {pa.approver_label}.",
            )
            return _back(access, pa)
    context = {"access": access, "pa": pa, "form": form, "kind": "extension", "change": change}
    return render(request, "mentoring/programmes/revision_form.html", context)


@org_view(*PROGRAMME_READERS)
def programme_correction(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    change = _proposal_form_allowed(pa, ProgrammeRevision.Kind.CORRECTION)
    content = change.content if change else programme.snapshot()
    data = request.POST if request.method == "POST" else None
    form = CorrectionForm(data, initial={"reason": change.reason} if change else None)
    shown = Programme(mentorship=pa.mentorship, status=Programme.Status.APPROVED, **_note_values(content))
    note_form = ProgrammeNoteForm(data, instance=shown, prefix="note")
    rows = proposal_row_formset(data, programme=programme, rows=content["rows"])
    if data is not None and form.is_valid() and note_form.is_valid() and rows.is_valid():
        note = {f: note_form.cleaned_data.get(f, getattr(shown, f)) for f in NOTE_FIELDS}
        try:
            propose_correction(
                programme,
                reason=form.cleaned_data["reason"],
                note=note,
                rows=rows.rows(),
                by=request.user,
                revision=change,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Изменения предложены. Они вступят в силу после согласия наставляемого и утверждения "
                f"{pa.approver_label}; до тех пор действует утверждённая редакция.",
            )
            return _back(access, pa)
    context = {
        "access": access,
        "pa": pa,
        "form": form,
        "note_form": note_form,
        "rows": rows,
        "kind": "correction",
        "change": change,
    }
    return render(request, "mentoring/programmes/revision_form.html", context)


def _note_values(content: dict) -> dict:
    note = dict(content["note"])
    for field in ("start", "end"):
        note[field] = date.fromisoformat(note[field])
    return note


def _pending_change(access: OrgAccess, pk: int, may) -> tuple[ProgrammeAccess, ProgrammeRevision]:
    """The programme's pending change for a decision on it; 404 unless `may(pa)` (whose turn it is)."""
    pa = get_programme_access(access, pk)
    _programme_or_404(pa)
    change = _change_or_404(pa)
    if not may(pa):
        raise Http404
    return pa, change


@org_view(*PROGRAMME_READERS)
@require_POST
def change_agree(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa, change = _pending_change(access, pk, lambda pa: pa.is_mentee)
    _state_change(request, lambda: change.agree(access.person), "Вы согласились с изменениями программы.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
@require_POST
def change_decline(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa, change = _pending_change(access, pk, lambda pa: pa.is_mentee)
    return _commented(request, access, pa, "decline_form", lambda text: change.send_back(access.person, text))


@org_view(*PROGRAMME_READERS)
@require_POST
def change_approve(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa, change = _pending_change(access, pk, lambda pa: pa.is_approver)

    def approve() -> None:
        change.approve(request.user)
        organization_changed(access.org)

    _state_change(request, approve, "Изменения утверждены и внесены в программу; прежняя редакция сохранена.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
@require_POST
def change_return(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa, change = _pending_change(access, pk, lambda pa: pa.is_approver)
    return _commented(request, access, pa, "change_return_form", lambda text: change.send_back(access.person, text))


@org_view(*PROGRAMME_READERS)
@require_POST
def change_withdraw(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa, change = _pending_change(access, pk, lambda pa: pa.can_write)
    _state_change(request, change.withdraw, "Предложенные изменения отозваны; действует утверждённая редакция.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
def programme_version(request: HttpRequest, access: OrgAccess, pk: int, number: int) -> HttpResponse:
    """An approved version as it was, or (number 0) the change on its way, read-only."""
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if number == 0:
        change = _change_or_404(pa)
        shown = {"number": 0, "content": change.content, "change": change}
    else:
        found = [v for v in versions(programme) if v.number == number] if programme.is_approved else []
        if not found:
            raise Http404
        version = found[0]
        content = programme.snapshot() if version.is_current else version.content
        shown = {"number": number, "content": content, "version": version}
    _name_users(access, programme)
    shown["content"] = _readable(shown["content"])
    context = {"access": access, "pa": pa, "programme": programme, "mentorship": pa.mentorship, **shown}
    return render(request, "mentoring/programmes/version.html", context)


def _readable(content: dict) -> dict:
    """A version's content with its dates as 05.06.2026."""
    if not content:
        return {}

    def day(value: str) -> str:
        return f"{date.fromisoformat(value):%d.%m.%Y}" if value else ""

    note = {**content["note"], "start": day(content["note"]["start"]), "end": day(content["note"]["end"])}
    rows = [{**row, "deadline": day(row["deadline"])} for row in content["rows"]]
    return {"note": note, "rows": rows}


@org_view(*PROGRAMME_READERS)
def programme_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    _programme_or_404(pa)
    context = {**programme_context(access, pa), "curator": _signer(access, pa.programme)}
    context["approver_is_head"] = _head_approves(access.org)
    context["current_version"] = current = context["versions"][-1] if context["versions"] else None
    # The stamp names the approver: position, name under the signature line, date (and the change in force).
    signer = context["curator"]
    default_position = "Руководитель организации" if context["approver_is_head"] else "Куратор"
    context["approver_position"] = signer.position if signer and signer.position else default_position
    if current and current.revision and current.approved_at:
        context["stamp_note"] = f"в редакции изменений от {current.approved_at:%d.%m.%Y}"
    filename = f"Программа наставничества — {pa.mentorship.mentor.surname}.pdf"
    return render_pdf(request, "documents/programme.html", context, filename)


def _signer(access: OrgAccess, programme: Programme) -> Person | None:
    """Who signs as the approver: the one who approved the programme, or the organisation's curator (or head)."""
    people = Person.objects.for_org(access.org).working()
    if programme.approved_by_id:
        found = people.filter(user_id=programme.approved_by_id).first()
        if found:
            return found
    role = Role.Kind.HEAD if _head_approves(access.org) else Role.Kind.CURATOR
    return people.filter(roles__kind=role).order_by("surname", "name").first()
