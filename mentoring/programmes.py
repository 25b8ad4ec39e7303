"""Workflows of the personalised programme that span several models: starting a programme (blank, from a
template, from a completed programme), extending and correcting an approved one, and the summary of what a
revision changed, computed from the simple-history records of the programme and its plan."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.models import (
    MAX_PROGRAMME_MONTHS,
    Mentorship,
    PlanActivity,
    Programme,
    ProgrammeRevision,
    ProgrammeTemplate,
    TemplateActivity,
)
from people.models import Direction, Organization

TEMPLATES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "programme_templates.json"

# Fields of the note copied from a template or an earlier programme, and compared between versions.
NOTE_FIELDS = [
    "title",
    "problem",
    "goals",
    "tasks",
    "content",
    "start",
    "end",
    "results_intermediate",
    "results_planned",
    "meeting_schedule",
    "mode",
    "conditions",
]
# Fields of a plan row that make the plan; status, results and reflections are its progress, not its content.
ROW_FIELDS = ["direction_id", "activity", "form", "deadline", "expected_result"]
ROW_COPY_FIELDS = ["position", "direction_id", "activity", "form", "deadline", "expected_result"]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- templates ---


def ensure_programme_templates(org: Organization) -> int:
    """Install the model templates of fixtures/programme_templates.json the organisation does not have yet.

    Templates are matched by code: one the organisation already has (perhaps edited) is left as it is. Rows
    take the organisation's directions by code, so the reference lists go in first (config.setup does).
    Returns how many templates were installed.
    """
    existing = set(ProgrammeTemplate.objects.filter(organization=org).values_list("code", flat=True))
    specs = [spec for spec in load_programme_templates() if spec["code"] not in existing]
    if not specs:
        return 0
    directions = {d.code: d for d in Direction.objects.filter(organization=org).exclude(code="")}
    with transaction.atomic():
        for spec in specs:
            fields = {k: v for k, v in spec.items() if k != "activities"}
            template = ProgrammeTemplate.objects.create(organization=org, **fields)
            TemplateActivity.objects.bulk_create(
                TemplateActivity(
                    template=template,
                    position=i,
                    direction=directions.get(row["direction"]),
                    activity=row["activity"],
                    form=row["form"],
                    month=row["month"],
                    expected_result=row["expected_result"],
                )
                for i, row in enumerate(spec["activities"], start=1)
            )
    return len(specs)


def load_programme_templates(path: Path = TEMPLATES_FIXTURE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def completed_programmes(org: Organization):
    """Programmes of the organisation's completed pairs and groups, to start a new programme from."""
    return (
        Programme.objects.filter(mentorship__organization=org, mentorship__state=Mentorship.State.COMPLETED)
        .select_related("mentorship__mentor")
        .order_by("-end", "-id")
    )


# --- creating a programme ---


@transaction.atomic
def create_programme(
    mentorship: Mentorship,
    *,
    start: date,
    end: date | None = None,
    template: ProgrammeTemplate | None = None,
    source: Programme | None = None,
) -> Programme:
    """A new programme for the pair or group: blank (needs `end`), from a template, or from an earlier programme.

    From a template, rows fall due at the end of their month of the programme; from a programme, the note and
    rows are copied and every deadline keeps its distance from the start. `end` defaults to the template's
    duration or the source programme's length.
    """
    if Programme.objects.filter(mentorship=mentorship).exists():
        raise ValidationError("У этой пары (группы) программа уже есть.")
    programme = Programme(mentorship=mentorship, start=start)
    rows: list[PlanActivity] = []
    if template is not None:
        programme.template = template
        for field in ("title", "problem", "goals", "tasks", "content", "results_planned", "meeting_schedule"):
            setattr(programme, field, getattr(template, field))
        programme.end = end or add_months(start, template.duration_months) - timedelta(days=1)
        for row in template.activities.all():
            deadline = min(add_months(start, row.month) - timedelta(days=1), programme.end)
            rows.append(
                PlanActivity(
                    position=row.position,
                    direction_id=row.direction_id,
                    activity=row.activity,
                    form=row.form,
                    deadline=deadline,
                    expected_result=row.expected_result,
                )
            )
    elif source is not None:
        programme.copied_from = source
        for field in NOTE_FIELDS:
            if field not in ("start", "end"):
                setattr(programme, field, getattr(source, field))
        shift = start - source.start
        programme.end = end or min(source.end + shift, add_months(start, MAX_PROGRAMME_MONTHS))
        for row in source.activities.all():
            copy = PlanActivity(**{f: getattr(row, f) for f in ROW_COPY_FIELDS})
            copy.deadline = min(max(row.deadline + shift, start), programme.end)
            rows.append(copy)
    else:
        if end is None:
            raise ValidationError({"end": "Укажите окончание программы."})
        programme.end = end
        programme.title = "Персонализированная программа наставничества"
    programme.full_clean(exclude=["mentorship"])
    programme.save()
    for row in rows:
        row.programme = programme
        row.save()  # one by one: each row gets its history record
    return programme


# --- revisions of an approved programme ---


def check_extension(programme: Programme, new_end: date | None) -> None:
    """An extension moves the end later by at most 12 months at a time.

    The 3–12 months rule applies when the programme is written; the regulation lets the parties extend it by
    mutual consent, so the total may pass 12 months.
    """
    if new_end is None:
        raise ValidationError({"new_end": "Укажите новую дату окончания."})
    if new_end <= programme.end:
        raise ValidationError(
            {"new_end": f"Новая дата окончания должна быть позже нынешней ({programme.end:%d.%m.%Y})."}
        )
    if new_end > add_months(programme.end, MAX_PROGRAMME_MONTHS):
        raise ValidationError({"new_end": "За одно продление программу можно продлить не более чем на 12 месяцев."})


@transaction.atomic
def extend_programme(programme: Programme, *, new_end: date, reason: str, by) -> ProgrammeRevision:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.is_approved:
        raise ValidationError("Продлить можно только утверждённую программу; до утверждения измените даты в записке.")
    if programme.open_correction() is not None:
        raise ValidationError("Сначала завершите внесение изменений в программу.")
    check_extension(programme, new_end)
    since = _last_mark(programme)
    old_end = programme.end
    programme.end = new_end
    programme.save(update_fields=["end", "updated_at"])
    return ProgrammeRevision.objects.create(
        programme=programme,
        kind=ProgrammeRevision.Kind.EXTENSION,
        reason=reason,
        author=by,
        old_end=old_end,
        new_end=new_end,
        summary=summarize_changes(programme, since),
        closed_at=timezone.now(),
    )


@transaction.atomic
def start_correction(programme: Programme, *, reason: str, by) -> ProgrammeRevision:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.is_approved:
        raise ValidationError("До утверждения программу можно изменять без оформления изменений.")
    if programme.open_correction() is not None:
        raise ValidationError("Изменения в программу уже вносятся: завершите их.")
    return ProgrammeRevision.objects.create(
        programme=programme, kind=ProgrammeRevision.Kind.CORRECTION, reason=reason, author=by, old_end=programme.end
    )


@transaction.atomic
def finish_correction(programme: Programme) -> ProgrammeRevision:
    """Close the open correction and record what it changed."""
    open_ones = ProgrammeRevision.objects.select_for_update().filter(
        programme=programme, kind=ProgrammeRevision.Kind.CORRECTION, closed_at__isnull=True
    )
    revision = open_ones.first()
    if revision is None:
        raise ValidationError("Изменения в программу сейчас не вносятся.")
    revision.summary = summarize_changes(programme, _last_mark(programme, before=revision))
    revision.new_end = programme.end
    revision.closed_at = timezone.now()
    revision.save(update_fields=["summary", "new_end", "closed_at"])
    return revision


def _last_mark(programme: Programme, before: ProgrammeRevision | None = None) -> datetime:
    """When the version a new revision is compared with was fixed: the previous closed revision, or approval."""
    revisions = ProgrammeRevision.objects.filter(programme=programme)
    if before is not None:
        revisions = revisions.exclude(pk=before.pk)
    # A revision is fixed when closed; one recorded without a closing time (an extension) when created.
    marks = [r.closed_at or r.created_at for r in revisions if not r.is_open]
    last = max(marks, default=None)
    return last or programme.approved_at


# --- what changed ---


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


def _show(value, field: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if field == "mode":
        return Programme.Mode(value).label if value in Programme.Mode.values else str(value)
    if field == "direction_id":
        direction = Direction.objects.filter(pk=value).first()
        return direction.name if direction else "—"
    return str(value)


def _state_at(records: list, moment: datetime | None):
    """The newest history record at `moment` (records newest first), or None if the object did not exist."""
    for record in records:
        if moment is None or record.history_date <= moment:
            return None if record.history_type == "-" else record
    return None


def _field_changes(model, old, new, fields: list[str]) -> list[dict]:
    changes = []
    for field in fields:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            name = field.removesuffix("_id")
            label = str(model._meta.get_field(name).verbose_name)
            changes.append({"field": label.capitalize(), "old": _show(before, field), "new": _show(after, field)})
    return changes


def summarize_changes(programme: Programme, since: datetime | None) -> list[dict]:
    """What changed in the note and the plan between `since` and now, as a list of plain entries:
    {"kind": "field", "field", "old", "new"}, {"kind": "added"|"removed", "activity"},
    {"kind": "changed", "activity", "changes": [field changes]}."""
    summary: list[dict] = []
    note_records = list(programme.history.order_by("-history_date", "-history_id"))
    old_note, new_note = _state_at(note_records, since), _state_at(note_records, None)
    if old_note is not None and new_note is not None:
        for change in _field_changes(Programme, old_note, new_note, NOTE_FIELDS):
            summary.append({"kind": "field", **change})
    by_row: dict[int, list] = {}
    for record in PlanActivity.history.filter(programme_id=programme.pk).order_by("-history_date", "-history_id"):
        by_row.setdefault(record.id, []).append(record)
    for records in by_row.values():
        old, new = _state_at(records, since), _state_at(records, None)
        if old is None and new is not None:
            summary.append({"kind": "added", "activity": new.activity})
        elif old is not None and new is None:
            summary.append({"kind": "removed", "activity": old.activity})
        elif old is not None and new is not None:
            changes = _field_changes(PlanActivity, old, new, ROW_FIELDS)
            if changes:
                summary.append({"kind": "changed", "activity": new.activity, "changes": changes})
    return summary
