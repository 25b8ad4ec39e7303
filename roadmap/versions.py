"""Редакции дорожной карты: an approved roadmap never changes; a change is a new редакция approved by an order.

«Подготовить изменения» copies the approved roadmap into a draft that `replaces` it (`prepare_changes`); the
curator edits the draft while the approved one stays current on every page; an order «О внесении изменений в
дорожную карту» approves the draft (`approve`, called by roadmap.services.apply_effects), which then becomes the
current one, and the replaced редакция becomes «Заменена новой редакцией», readable in the history. The marks of
progress made on the old редакция meanwhile move to the new one.

A roadmap of a new period is approved by its own order «Об утверждении дорожной карты» (or, in the first year,
together with the regulation); `check_approvable` says which draft an order of each kind may approve.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from roadmap.models import ActivityStatus, Order, OrderKind, Roadmap, RoadmapActivity, RoadmapStage

PROGRESS = ["status", "done_on", "note", "evidence"]


def order_stamp(order: Order | None) -> str:
    """«приказом от 05.09.2026 № 3-од», or "" while the order is not registered."""
    if order is None or not order.date or not order.reg_number:
        return ""
    return f"приказом от {order.date:%d.%m.%Y} № {order.reg_number}"


def pending_revision(roadmap: Roadmap) -> Roadmap | None:
    """The draft редакция being prepared to replace `roadmap`, if any."""
    return roadmap.revisions.filter(status=Roadmap.Status.DRAFT).order_by("-id").first()


def history(roadmap: Roadmap) -> list[Roadmap]:
    """Every редакция of the roadmap, the first approved one first: the chain `replaces` links, both ways."""
    first = roadmap
    seen = {first.pk}
    while first.replaces_id and first.replaces_id not in seen:
        first = Roadmap.objects.select_related("approved_by_order").get(pk=first.replaces_id)
        seen.add(first.pk)
    chain, current = [first], first
    while True:
        following = current.revisions.select_related("approved_by_order").order_by("id").first()
        if following is None or following.pk in {r.pk for r in chain}:
            break
        chain.append(following)
        current = following
    return chain


@transaction.atomic
def prepare_changes(roadmap: Roadmap, *, by=None) -> tuple[Roadmap, bool]:
    """A draft редакция of an approved roadmap, with the same stages, activities and marks of progress.

    Returns (the draft, True) when created now, (the existing draft, False) when one is already being prepared.
    """
    locked = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if locked.status != Roadmap.Status.APPROVED:
        raise ValidationError(
            "Изменения готовятся к действующей утверждённой дорожной карте; "
            f"эта — «{locked.get_status_display()}». Проект правьте напрямую."
        )
    existing = pending_revision(locked)
    if existing is not None:
        return existing, False
    draft = Roadmap.objects.create(
        organization=locked.organization,
        title=locked.title,
        period_label=locked.period_label,
        period_start=locked.period_start,
        period_end=locked.period_end,
        source=Roadmap.Source.REVISION,
        replaces=locked,
    )
    activities = []
    for stage in locked.stages.prefetch_related("activities").order_by("position", "id"):
        new_stage = RoadmapStage.objects.create(
            roadmap=draft,
            number=stage.number,
            model_stage=stage.model_stage,
            title=stage.title,
            position=stage.position,
        )
        for a in stage.activities.all():
            activities.append(
                RoadmapActivity(
                    roadmap=draft,
                    stage=new_stage,
                    origin=a,
                    number=a.number,
                    position=a.position,
                    content=a.content,
                    deadline_text=a.deadline_text,
                    deadline_date=a.deadline_date,
                    responsible_position=a.responsible_position,
                    responsible_person_id=a.responsible_person_id,
                    expected_result=a.expected_result,
                    check_code=a.check_code,
                    status=a.status,
                    done_on=a.done_on,
                    note=a.note,
                    evidence=a.evidence.name if a.evidence else "",
                )
            )
    RoadmapActivity.objects.bulk_create(activities)
    return draft, True


def check_approvable(roadmap: Roadmap | None, kind: str, org_id: int) -> None:
    """May an order of `kind` of organisation `org_id` approve `roadmap`? A refusal says what to choose instead."""
    if roadmap is None:
        raise ValidationError("Выберите дорожную карту, которую утверждает приказ.")
    if roadmap.organization_id != org_id:
        raise ValidationError("Приказ может утверждать только дорожную карту своей организации.")
    if roadmap.status != Roadmap.Status.DRAFT:
        raise ValidationError(
            f"Дорожная карта на {roadmap.period_label} уже «{roadmap.get_status_display().lower()}»: "
            "приказом утверждается только проект."
        )
    if kind == OrderKind.ROADMAP_CHANGE and roadmap.replaces_id is None:
        raise ValidationError(
            "Это не новая редакция утверждённой дорожной карты: её утверждает приказ «Об утверждении дорожной карты»."
        )
    if kind == OrderKind.ROADMAP and roadmap.replaces_id is not None:
        raise ValidationError(
            "Это новая редакция утверждённой дорожной карты: её утверждает приказ "
            "«О внесении изменений в дорожную карту»."
        )
    if roadmap.replaces_id is not None and roadmap.replaces.status != Roadmap.Status.APPROVED:
        raise ValidationError(
            "Редакция, которую заменяет этот проект, уже заменена другой: подготовьте изменения заново "
            "от действующей дорожной карты."
        )
    in_force = (
        Roadmap.objects.approved()
        .filter(organization_id=org_id, period_start__lt=roadmap.period_end, period_end__gt=roadmap.period_start)
        .exclude(pk=roadmap.replaces_id)
        .first()
    )
    if in_force is not None:
        raise ValidationError(
            f"На {in_force.period_label} уже действует утверждённая дорожная карта «{in_force.title}» "
            f"({in_force.period_start:%d.%m.%Y}–{in_force.period_end:%d.%m.%Y}): на один период — одна дорожная "
            "карта. Изменения в неё вносятся новой редакцией (приказ «О внесении изменений в дорожную карту»), "
            "или укажите в проекте другой период."
        )


def approve(roadmap: Roadmap, order: Order) -> None:
    """The draft becomes approved by `order`; a new редакция replaces the old one, whose marks of progress move
    over. Called inside the order's approval transaction."""
    locked = Roadmap.objects.select_for_update(of=("self",)).select_related("replaces").get(pk=roadmap.pk)
    check_approvable(locked, order.kind, order.organization_id)
    old = locked.replaces
    if old is not None:
        # The old one steps down first: one approved roadmap per period (Roadmap.Meta.constraints).
        old.status = Roadmap.Status.SUPERSEDED
        old.save(update_fields=["status"])
    locked.status, locked.approved_by_order = Roadmap.Status.APPROVED, order
    locked.save(update_fields=["status", "approved_by_order"])
    if old is not None:
        _carry_progress(old, locked)
    roadmap.status, roadmap.approved_by_order = locked.status, order


def _carry_progress(old: Roadmap, new: Roadmap) -> None:
    """Work recorded on the old редакция while the new one was prepared is not lost: an activity of the new one
    still planned and without a note takes its origin's marks."""
    marks = {a.pk: a for a in RoadmapActivity.objects.filter(roadmap=old)}
    changed = []
    for a in RoadmapActivity.objects.filter(roadmap=new, origin__in=list(marks)):
        o = marks[a.origin_id]
        if a.status == ActivityStatus.PLANNED and not a.note and o.status != ActivityStatus.PLANNED:
            a.status, a.done_on, a.note, a.evidence = o.status, o.done_on, o.note, o.evidence
            changed.append(a)
    RoadmapActivity.objects.bulk_update(changed, PROGRESS)
