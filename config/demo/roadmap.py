"""The roadmap part of the demo: the kindergarten's roadmap of the current academic year in progress, the
school's one from an imported table.

Kindergarten: created from the model roadmap; stages 1–4 done (with dates and notes), stage 5 under way (one
activity done, the others in progress, one of them overdue), stages 6–7 planned — except the activities whose data
check the rest of the demo makes true (practices, the final event, answers, publications): the system completes
those itself once the demo is committed (people.changes.organization_changed). School: imported from a sample
table (``roadmap.importing.import_demo_roadmap``). An organisation that already has a roadmap of the period is
left as it is, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from people.models import Organization, Role
from roadmap import roadmaps as service
from roadmap import tracking
from roadmap.importing import import_demo_roadmap
from roadmap.models import ActivityStatus, Roadmap, RoadmapActivity

DONE_NOTES = {
    1: "Документы утверждены, ознакомление проведено на совещании при заведующем.",
    2: "Запросы собраны анкетированием; согласия на обработку персональных данных получены.",
    3: "Проведены собеседования с опытными воспитателями; банк наставников сформирован.",
    4: "Установочная встреча наставников проведена, материалы размещены в методическом кабинете.",
}


def seed_roadmap(org: Organization) -> int:
    """Create the demo roadmap of `org` for the current academic year; return how many were added (0 or 1)."""
    label, start, end = _current_period()
    if Roadmap.objects.for_org(org).filter(period_start__lte=end, period_end__gte=start).exists():
        return 0
    if org.kind == Organization.Kind.KINDERGARTEN:
        roadmap = service.create_from_model(org, label, start, end)
        _kindergarten(roadmap)
        _curator_links(roadmap, "Открыть на официальном сайте")
        return 1
    _curator_links(import_demo_roadmap(org), "Размещение локальных актов")
    return 1


def _curator_links(roadmap: Roadmap, starts: str) -> None:
    """The curator's correction on «Этапы и проверки»: an activity about the site, left unlinked by the model or by
    the import's guess (its stage has no check of publishing), is linked to the check of publications."""
    activity = roadmap.activities.filter(content__startswith=starts, check_code="").first()
    if activity is None:
        return
    role = Role.objects.filter(person__organization=roadmap.organization, kind=Role.Kind.CURATOR).first()
    user = role.person.user if role else None
    tracking.save_links(roadmap, {}, {activity.pk: "items_published"}, by=user)


def _current_period() -> tuple[str, date, date]:
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    start, end = date(year, 9, 1), date(year + 1, 8, 31)
    return service.period_label(start, end), start, end


def _kindergarten(roadmap: Roadmap) -> None:
    today = timezone.localdate()
    changed = []
    for stage in roadmap.stages.prefetch_related("activities").order_by("position"):
        items = list(stage.activities.all())
        if stage.model_stage in DONE_NOTES:
            for i, a in enumerate(items):
                planned = a.deadline_date or roadmap.period_start + timedelta(days=30 * stage.model_stage)
                a.status = ActivityStatus.DONE
                a.done_on = max(roadmap.period_start, min(planned - timedelta(days=3 + i), today - timedelta(days=1)))
                a.note = DONE_NOTES[stage.model_stage]
                changed.append(a)
        elif stage.model_stage == 5:
            for i, a in enumerate(items):
                if i == 0:
                    a.status, a.done_on = ActivityStatus.DONE, max(roadmap.period_start, today - timedelta(days=8))
                    a.note = "Составы пар и групп согласованы, письменные согласия участников собраны."
                else:
                    a.status = ActivityStatus.IN_PROGRESS
                if i == 2:  # the overdue one: programmes not yet written for every pair
                    a.deadline_date = max(roadmap.period_start, today - timedelta(days=5))
                    a.deadline_text = f"до {a.deadline_date:%d.%m}"
                    a.note = "Программы составлены не для всех пар."
                changed.append(a)
    RoadmapActivity.objects.bulk_update(changed, ["status", "done_on", "note", "deadline_date", "deadline_text"])
