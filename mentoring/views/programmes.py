"""The personalised programme of a pair or group: the note, the plan edited in place (htmx), acknowledgement,
approval, extensions and corrections kept as versions, and the printable document."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.pdf import render_pdf
from mentoring.forms import (
    CorrectionForm,
    ExtensionForm,
    PlanProgressForm,
    PlanRowForm,
    ProgrammeNoteForm,
    ProgrammeStartForm,
    ReflectionForm,
)
from mentoring.models import Mentorship, PlanActivity, Programme, ProgrammeRevision
from mentoring.programmes import (
    completed_programmes,
    create_programme,
    extend_programme,
    finish_correction,
    start_correction,
)
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import Person, Role

PROGRAMME_READERS = (Role.Kind.CURATOR, Role.Kind.HEAD, Role.Kind.MENTOR, Role.Kind.MENTEE)


@dataclass
class ProgrammeAccess:
    """What the current user may do with one pair's programme."""

    mentorship: Mentorship
    programme: Programme | None
    is_mentor: bool
    is_mentee: bool
    is_curator: bool

    @property
    def can_write(self) -> bool:
        """The pair's mentor and the curator write the programme while the pair works or is being formed."""
        return (self.is_mentor or self.is_curator) and self.mentorship.state in Mentorship.HOLDING_STATES

    @property
    def can_edit(self) -> bool:
        """Plain edits of the note and the plan: before approval, or while a correction is open."""
        return self.can_write and self.programme is not None and not self.programme.is_locked()

    @property
    def can_mark_progress(self) -> bool:
        """After approval the mentor still records status, date done and result of each row."""
        return self.can_write and self.programme is not None and self.programme.is_locked()

    @property
    def can_reflect(self) -> bool:
        return self.is_mentee and self.programme is not None

    @property
    def can_revise(self) -> bool:
        p = self.programme
        return self.can_write and p is not None and p.is_approved and p.open_correction() is None


def get_programme_access(access: OrgAccess, pk: int) -> ProgrammeAccess:
    """The pair or group `pk` of the organisation and its programme, for its mentor, its mentees, the curator and
    the head; 404 for everyone else."""
    qs = (
        Mentorship.objects.for_org(access.org)
        .select_related("mentor", "form", "organization")
        .prefetch_related("mentees", "kinds")
    )
    mentorship = get_object_or_404(qs, pk=pk)
    is_mentor = mentorship.mentor_id == access.person.pk
    is_mentee = any(p.pk == access.person.pk for p in mentorship.mentees.all())
    is_curator = access.has(Role.Kind.CURATOR)
    if not (is_mentor or is_mentee or is_curator or access.has(Role.Kind.HEAD)):
        raise Http404
    programme = (
        Programme.objects.filter(mentorship=mentorship)
        .select_related("acknowledged_by", "approved_by", "template")
        .prefetch_related(Prefetch("revisions", ProgrammeRevision.objects.select_related("author")))
        .first()
    )
    if programme is not None:
        programme.mentorship = mentorship  # the rows and the document reach the pair through it
    return ProgrammeAccess(mentorship, programme, is_mentor, is_mentee, is_curator)


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
    users = {programme.approved_by_id, *(r.author_id for r in revisions)} - {None}
    names = {}
    if users:
        people = Person.objects.filter(organization=access.org, user_id__in=users)
        names = {p.user_id: p.short_name for p in people}
    programme.approved_by_name = names.get(programme.approved_by_id, "")
    for revision in revisions:
        revision.author_name = names.get(revision.author_id, "")


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
        "open_correction": programme.open_correction() if programme else None,
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
            messages.error(request, "Программа утверждена: изменения вносятся через «Внести изменения».")
            return _back(access, pa)
        raise Http404
    form = ProgrammeNoteForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Пояснительная записка сохранена.")
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
    next_position = max((r.position for r in programme.activities.all()), default=0) + 1
    row = PlanActivity(programme=programme, position=next_position)
    form = PlanRowForm(request.POST or None, instance=row, programme=programme)
    if request.method == "POST" and form.is_valid():
        row = form.save()
        row.programme = programme
        return _after_post(request, access, pa, row)
    return _row_form_response(request, access, pa, form, None)


def _after_post(request, access, pa, row) -> HttpResponse:
    if request.htmx:
        return _plan_changed(_row_response(request, access, pa, row))
    messages.success(request, "Мероприятие сохранено.")
    return _back(access, pa)


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
        return _plan_changed(HttpResponse(""))
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


# --- acknowledgement, approval, versions ---


def _state_change(request: HttpRequest, change, success: str) -> None:
    try:
        change()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_acknowledge(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_mentee:
        raise Http404
    _state_change(request, lambda: programme.acknowledge(access.person), "Вы ознакомились с программой.")
    return _back(access, pa)


@org_view(Role.Kind.CURATOR)
@require_POST
def programme_approve(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)

    def approve() -> None:
        programme.approve(request.user)
        organization_changed(access.org)  # the pair works by an approved programme now

    _state_change(request, approve, "Программа утверждена.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
def programme_extend(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.can_revise:
        raise Http404
    form = ExtensionForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extend_programme(programme, new_end=data["new_end"], reason=data["reason"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Программа продлена до {data['new_end']:%d.%m.%Y}.")
            return _back(access, pa)
    context = {"access": access, "pa": pa, "form": form, "kind": "extension"}
    return render(request, "mentoring/programmes/revision_form.html", context)


@org_view(*PROGRAMME_READERS)
def programme_correction(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.can_revise:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            start_correction(programme, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Внесите изменения в записку и план, затем нажмите «Завершить изменения».")
            return _back(access, pa)
    context = {"access": access, "pa": pa, "form": form, "kind": "correction"}
    return render(request, "mentoring/programmes/revision_form.html", context)


@org_view(*PROGRAMME_READERS)
@require_POST
def programme_correction_finish(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.can_write:
        raise Http404
    _state_change(request, lambda: finish_correction(programme), "Изменения внесены и сохранены как новая версия.")
    return _back(access, pa)


@org_view(*PROGRAMME_READERS)
def programme_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    _programme_or_404(pa)
    context = {**programme_context(access, pa), "curator": _curator(access, pa.programme)}
    filename = f"Программа наставничества — {pa.mentorship.mentor.surname}.pdf"
    return render_pdf(request, "documents/programme.html", context, filename)


def _curator(access: OrgAccess, programme: Programme) -> Person | None:
    """Who signs as curator: the one who approved the programme, or the organisation's curator."""
    people = Person.objects.for_org(access.org).working()
    if programme.approved_by_id:
        found = people.filter(user_id=programme.approved_by_id).first()
        if found:
            return found
    return people.filter(roles__kind=Role.Kind.CURATOR).order_by("surname", "name").first()
