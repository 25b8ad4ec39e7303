"""Writing the programme together: while the programme is not yet approved, the mentee comments on its rows and
proposes new ones; the mentor takes a remark into account («учтено»: a proposed row joins the plan) or answers it.
Each side hears of the other's word (mentoring.notify)."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring import notify
from mentoring.models import PlanActivity, Programme, RowRemark
from mentoring.programmes import add_plan_row
from people.models import Person


def open_for_remarks(programme: Programme | None) -> bool:
    """Remarks are made on a programme being written: not yet approved."""
    return programme is not None and not programme.is_approved


def _check_open(programme: Programme) -> None:
    status = Programme.objects.filter(pk=programme.pk).values_list("status", flat=True).first()
    if status == Programme.Status.APPROVED:
        raise ValidationError("Программа уже утверждена: изменения в неё вносятся через «Предложить изменения».")


@transaction.atomic
def leave_remark(programme: Programme, author: Person, *, text: str, row: PlanActivity | None = None, **proposal):
    """A comment on `row`, or (no row) a proposed row with its activity, form and deadline."""
    _check_open(programme)
    if row is not None and row.programme_id != programme.pk:
        raise ValidationError("Это мероприятие не из этой программы.")
    kind = RowRemark.Kind.COMMENT if row is not None else RowRemark.Kind.PROPOSAL
    remark = RowRemark(programme=programme, row=row, kind=kind, author=author, text=text.strip(), **proposal)
    remark.full_clean(exclude=["answered_by", "created_row", "direction"])
    remark.save()
    notify.remark_left(remark)
    return remark


def _lock(remark: RowRemark) -> RowRemark:
    locked = RowRemark.objects.select_for_update().get(pk=remark.pk)
    if locked.state != RowRemark.State.OPEN:
        raise ValidationError("На это замечание уже ответили.")
    return locked


@transaction.atomic
def accept_remark(remark: RowRemark, by: Person, answer: str = "") -> RowRemark:
    """Take the remark into account: a proposed row joins the plan in its place by date."""
    _check_open(remark.programme)
    _lock(remark)
    if remark.kind == RowRemark.Kind.PROPOSAL:
        row = PlanActivity(
            activity=remark.activity,
            form=remark.form,
            deadline=remark.deadline,
            direction_id=remark.direction_id,
            expected_result="",
        )
        remark.created_row = add_plan_row(remark.programme, row)
    remark.state = RowRemark.State.ACCEPTED
    remark.answer = answer.strip()
    remark.answered_by = by
    remark.answered_at = timezone.now()
    remark.save(update_fields=["state", "answer", "answered_by", "answered_at", "created_row"])
    notify.remark_answered(remark)
    return remark


@transaction.atomic
def answer_remark(remark: RowRemark, by: Person, answer: str) -> RowRemark:
    """Answer without changing the plan (why the mentor keeps the row as it is, say)."""
    if not answer.strip():
        raise ValidationError({"answer": "Напишите ответ: почему мероприятие остаётся как есть или что уточнить."})
    _lock(remark)
    remark.state = RowRemark.State.ANSWERED
    remark.answer = answer.strip()
    remark.answered_by = by
    remark.answered_at = timezone.now()
    remark.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    notify.remark_answered(remark)
    return remark


def threads(programme: Programme | None) -> tuple[dict[int, list[RowRemark]], list[RowRemark]]:
    """The remarks of a programme in one query: comments by row id, and the proposed rows."""
    by_row: dict[int, list[RowRemark]] = defaultdict(list)
    proposals: list[RowRemark] = []
    if programme is None:
        return {}, []
    for r in programme.remarks.select_related("author", "answered_by").order_by("created_at", "id"):
        r.programme = programme
        if r.kind == RowRemark.Kind.PROPOSAL:
            proposals.append(r)
        else:
            by_row[r.row_id].append(r)
    return dict(by_row), proposals
