"""Workflows of the personalised programme that span several models: starting a programme (blank, from a
template, from a completed programme), proposing a change to an approved one (an extension or a correction, with
the full content it would give the programme), the summary of what a version changes, and the approved versions."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mentoring import notify
from mentoring.models import (
    MAX_PROGRAMME_MONTHS,
    NOTE_FIELDS,
    REQUIRED_SECTIONS,
    ROW_FIELDS,
    Mentorship,
    PlanActivity,
    Programme,
    ProgrammeRevision,
    ProgrammeTemplate,
    TemplateActivity,
    missing_in_content,
)
from people.models import Direction, Organization

TEMPLATES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "programme_templates.json"

# Fields of a plan row copied into a new programme: its content, without the record of the work.
ROW_COPY_FIELDS = ROW_FIELDS
# Fields of a row a version's summary lists (the position changes whenever a row is added).
_SHOWN_ROW_FIELDS = ["direction_id", "activity", "form", "deadline", "expected_result"]


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


def template_deadline(start: date, month: int, end: date) -> date:
    """A template row falls due at the end of its month of the programme, never after the programme's end."""
    return min(add_months(start, month) - timedelta(days=1), end)


def template_end(template: ProgrammeTemplate, start: date) -> date:
    return add_months(start, template.duration_months) - timedelta(days=1)


@dataclass
class PreviewRow:
    row: TemplateActivity
    deadline: date


def preview_plan(template: ProgrammeTemplate, start: date) -> tuple[date, list[PreviewRow]]:
    """The plan a programme started from `template` on `start` gets: its end and each row with its deadline (the
    same arithmetic as `create_programme`)."""
    end = template_end(template, start)
    rows = template.activities.select_related("direction")
    return end, [PreviewRow(row, template_deadline(start, row.month, end)) for row in rows]


@transaction.atomic
def copy_template(template: ProgrammeTemplate) -> ProgrammeTemplate:
    """A copy of the template with its rows, in use, without a code (the code names the model templates)."""
    rows = list(template.activities.all())
    copy = ProgrammeTemplate.objects.get(pk=template.pk)
    copy.pk = None
    copy.code = ""
    copy.is_active = True
    copy.title = f"{template.title} (копия)"[:300]
    copy.save()
    TemplateActivity.objects.bulk_create(
        TemplateActivity(
            template=copy,
            position=r.position,
            direction_id=r.direction_id,
            activity=r.activity,
            form=r.form,
            month=r.month,
            expected_result=r.expected_result,
        )
        for r in rows
    )
    return copy


def renumber_template(template: ProgrammeTemplate) -> None:
    """Rows in the order of their month (within a month, as they were): what the preview and programmes show."""
    rows = sorted(template.activities.all(), key=lambda r: (r.month, r.position, r.pk))
    for n, row in enumerate(rows, start=1):
        row.position = n
    TemplateActivity.objects.bulk_update(rows, ["position"])


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
        programme.end = end or template_end(template, start)
        for row in template.activities.all():
            deadline = template_deadline(start, row.month, programme.end)
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


# --- changes to an approved programme: proposals kept as versions ---


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


def _approved_for_change(programme: Programme, revision: ProgrammeRevision | None) -> Programme:
    """The programme, locked, if a change may be proposed to it (or `revision`, the pending one, reworked)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.is_approved:
        raise ValidationError("До утверждения программу изменяют в самой программе, без оформления изменений.")
    pending = ProgrammeRevision.objects.pending().filter(programme=programme).first()
    if pending is not None and (revision is None or pending.pk != revision.pk):
        raise ValidationError("Изменение программы уже на согласовании: дождитесь решения по нему или отзовите его.")
    return programme


@transaction.atomic
def propose_extension(
    programme: Programme, *, new_end: date, reason: str, by, revision: ProgrammeRevision | None = None
) -> ProgrammeRevision:
    """Propose a later end date. It takes effect once the mentee agrees and the approver approves."""
    programme = _approved_for_change(programme, revision)
    check_extension(programme, new_end)
    content = programme.snapshot()
    content["note"]["end"] = new_end.isoformat()
    return _save_proposal(programme, ProgrammeRevision.Kind.EXTENSION, reason, by, content, revision)


@transaction.atomic
def propose_correction(
    programme: Programme,
    *,
    reason: str,
    note: dict,
    rows: list[dict],
    by,
    revision: ProgrammeRevision | None = None,
) -> ProgrammeRevision:
    """Propose a corrected note and plan (the full new content). `note` holds NOTE_FIELDS; each of `rows` holds
    ROW_FIELDS, `direction` (its name) and the `id` of the row it replaces, or none for a new row."""
    programme = _approved_for_change(programme, revision)
    content = {
        "note": {f: _plain(note[f]) for f in NOTE_FIELDS},
        # The plan keeps the order it is given in.
        "rows": [{**row, "position": n, "deadline": _plain(row["deadline"])} for n, row in enumerate(rows, start=1)],
    }
    missing = missing_in_content(content, REQUIRED_SECTIONS)
    if missing:
        raise ValidationError(["Чтобы предложить изменения, заполните:", *missing])
    return _save_proposal(programme, ProgrammeRevision.Kind.CORRECTION, reason, by, content, revision)


def _save_proposal(programme, kind, reason, by, content, revision) -> ProgrammeRevision:
    summary = diff_contents(programme.snapshot(), content)
    if not summary:
        raise ValidationError("Предлагаемая редакция ничем не отличается от утверждённой.")
    if revision is None:
        revision = ProgrammeRevision(programme=programme, kind=kind, author=by, created_at=timezone.now())
    revision.reason = reason
    revision.content = content
    revision.summary = summary
    revision.old_end = programme.end
    revision.new_end = date.fromisoformat(content["note"]["end"])
    # A reworked proposal goes to the mentee again: an agreement covers only the version agreed to.
    revision.status = ProgrammeRevision.Status.PROPOSED
    revision.agreed_at = revision.agreed_by = None
    revision.save()
    notify.change_proposed(revision)
    return revision


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# --- what changed ---


def _show(value, field: str, row: dict | None = None) -> str:
    if value is None or value == "":
        return "—"
    if field in ("start", "end", "deadline"):
        return date.fromisoformat(value).strftime("%d.%m.%Y") if isinstance(value, str) else f"{value:%d.%m.%Y}"
    if field == "mode":
        return Programme.Mode(value).label if value in Programme.Mode.values else str(value)
    if field == "direction_id":
        return (row or {}).get("direction") or "—"
    return str(value)


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field.removesuffix("_id")).verbose_name).capitalize()


def diff_contents(old: dict, new: dict) -> list[dict]:
    """What a version changes, as plain entries: {"kind": "field", "field", "old", "new"},
    {"kind": "added"|"removed", "activity"}, {"kind": "changed", "activity", "changes": [field changes]}."""
    summary: list[dict] = []
    for field in NOTE_FIELDS:
        before, after = old["note"].get(field), new["note"].get(field)
        if before != after:
            summary.append(
                {
                    "kind": "field",
                    "field": _label(Programme, field),
                    "old": _show(before, field),
                    "new": _show(after, field),
                }
            )
    old_rows = {row["id"]: row for row in old["rows"] if row.get("id")}
    kept = set()
    for row in new["rows"]:
        before = old_rows.get(row.get("id"))
        if before is None:
            summary.append({"kind": "added", "activity": row["activity"]})
            continue
        kept.add(before["id"])
        changes = [
            {"field": _label(PlanActivity, f), "old": _show(before[f], f, before), "new": _show(row[f], f, row)}
            for f in _SHOWN_ROW_FIELDS
            if before[f] != row[f]
        ]
        if changes:
            summary.append({"kind": "changed", "activity": row["activity"], "changes": changes})
    for pk, row in old_rows.items():
        if pk not in kept:
            summary.append({"kind": "removed", "activity": row["activity"]})
    return summary


@dataclass
class Version:
    """An approved version of the programme, readable after it was replaced."""

    number: int
    approved_at: datetime | None
    content: dict
    revision: ProgrammeRevision | None  # the change that made this version; None for the first one
    is_current: bool = False


def versions(programme: Programme) -> list[Version]:
    """The approved versions, oldest first: the first approved content, then one per approved change.

    A version's content is the frozen copy kept by the change that replaced it (`previous`), or for the current
    version the programme itself. Changes recorded before versions were kept have no copy (empty content).
    """
    approved = sorted((r for r in programme.revisions.all() if r.is_approved), key=lambda r: (r.closed_at, r.pk))
    result = [Version(1, programme.approved_at, approved[0].previous if approved else {}, None)]
    for n, revision in enumerate(approved, start=2):
        following = approved[n - 1] if n - 1 < len(approved) else None
        result.append(
            Version(n, revision.approved_at or revision.closed_at, following.previous if following else {}, revision)
        )
    result[-1].is_current = True
    return result


def _place_by_deadline(programme: Programme, deadline) -> int:
    """The position a new row takes in the plan: after every row due on or before its deadline; the rows after it
    move down by one."""
    rows = programme.activities.select_for_update().order_by("position", "deadline", "id")
    positions = [(r.position, r.deadline) for r in rows]
    before = [p for p, d in positions if d <= deadline]
    position = (max(before) + 1) if before else min((p for p, _ in positions), default=1)
    programme.activities.filter(position__gte=position).update(position=F("position") + 1)
    return position


@transaction.atomic
def add_plan_row(programme: Programme, row: PlanActivity) -> PlanActivity:
    """Save a new row of the plan in its place by date (the rows after it move down)."""
    row.programme = programme
    row.position = _place_by_deadline(programme, row.deadline)
    row.save()
    return row
