"""Writing the programme together: the mentee's remarks on a draft programme (a comment on a row, a proposed row)
and the mentor's answers. The threads are drawn on the programme page (mentoring/programmes/_remarks.html)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core.text import as_id
from mentoring import coauthor
from mentoring.forms_choosing import AnswerForm, CommentRemarkForm, ProposalRemarkForm
from mentoring.models import PlanActivity, RowRemark
from mentoring.views.programmes import (
    PROGRAMME_READERS,
    ProgrammeAccess,
    _page_with,
    _programme_or_404,
    get_programme_access,
)
from people.access import OrgAccess, org_view


def _to_plan(access: OrgAccess, pa: ProgrammeAccess, anchor: str = "plan") -> HttpResponse:
    response = redirect("mentoring:programme", access.org.slug, pa.mentorship.pk)
    response["Location"] += f"#{anchor}"
    return response


@org_view(*PROGRAMME_READERS)
def remark_new(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """POST: a comment on the row `row`, or without it a proposed row. Only the pair's mentees, on a draft."""
    pa = get_programme_access(access, pk)
    programme = _programme_or_404(pa)
    if not pa.is_mentee:
        raise Http404
    if request.method != "POST":
        return _to_plan(access, pa)
    row_id = as_id(request.POST.get("row", ""))
    row = get_object_or_404(PlanActivity, programme=programme, pk=row_id) if row_id else None
    if row is not None:
        form = CommentRemarkForm(request.POST, prefix=f"r{row.pk}")
        extra, proposal = {"remark_row": row.pk, "remark_form": form}, {}
    else:
        form = ProposalRemarkForm(request.POST, programme=programme, prefix="proposal")
        extra, proposal = {"proposal_form": form}, {}
    if form.is_valid():
        if row is None:
            data = form.cleaned_data
            proposal = {
                "activity": data["activity"].strip(),
                "form": data["form"].strip(),
                "deadline": data["deadline"],
            }
        try:
            coauthor.leave_remark(programme, access.person, text=form.cleaned_data["text"], row=row, **proposal)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "Предложение передано наставнику." if row is None else "Замечание передано наставнику."
            )
        return _to_plan(access, pa, f"row-{row.pk}" if row else "proposals")
    return _page_with(request, access, pa, **extra)


def _remark(pa: ProgrammeAccess, pk: int) -> RowRemark:
    programme = _programme_or_404(pa)
    remark = get_object_or_404(RowRemark.objects.select_related("author"), programme=programme, pk=pk)
    remark.programme = programme
    return remark


def _mentor_only(pa: ProgrammeAccess) -> None:
    if not pa.is_mentor:
        raise Http404


@org_view(*PROGRAMME_READERS)
def remark_accept(request: HttpRequest, access: OrgAccess, pk: int, remark: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    _mentor_only(pa)
    item = _remark(pa, remark)
    if request.method == "POST":
        form = AnswerForm(request.POST, prefix=f"a{item.pk}")
        answer = form.cleaned_data["answer"] if form.is_valid() else ""
        try:
            coauthor.accept_remark(item, access.person, answer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            added = "Мероприятие добавлено в план." if item.created_row_id else "Замечание отмечено «учтено»."
            messages.success(request, added)
    return _to_plan(access, pa, f"remark-{item.pk}")


@org_view(*PROGRAMME_READERS)
def remark_answer(request: HttpRequest, access: OrgAccess, pk: int, remark: int) -> HttpResponse:
    pa = get_programme_access(access, pk)
    _mentor_only(pa)
    item = _remark(pa, remark)
    if request.method != "POST":
        return _to_plan(access, pa, f"remark-{item.pk}")
    form = AnswerForm(request.POST, prefix=f"a{item.pk}")
    if form.is_valid():
        try:
            coauthor.answer_remark(item, access.person, form.cleaned_data["answer"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error(None, exc)
                return _page_with(request, access, pa, answer_remark=item.pk, answer_form=form)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Ответ передан наставляемому.")
            return _to_plan(access, pa, f"remark-{item.pk}")
    return _to_plan(access, pa, f"remark-{item.pk}")
