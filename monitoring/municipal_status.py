"""What the municipal coordinator chases: each organisation's status (regulation and roadmap approved, curator
appointed, where it stands among the seven stages) and the municipality's figures against its targets.

The status of every organisation comes from the same figures the organisation's own dashboard shows
(monitoring.progress): one query for the figures of all organisations at once, one for the current roadmaps and
one for their activities by stage — three queries whatever the number of organisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q
from django.utils import timezone

from monitoring.models import TARGET_KEYS, MunicipalTarget
from monitoring.progress import StageProgress, current_roadmap_id, figures_of_orgs, stage_progress
from monitoring.reports import PERCENT_KEYS, STAT_INDICATORS
from people.models import Municipality, Organization
from roadmap.models import ActivityStatus, RoadmapActivity
from roadmap.stages import STAGES

LABELS = dict(STAT_INDICATORS)


@dataclass
class OrgStatus:
    org: Organization
    regulation: bool
    roadmap: bool
    curator: bool
    curator_order: bool
    stages: list[StageProgress]

    @property
    def current_stage(self) -> StageProgress | None:
        """The first stage not done yet: where the organisation stands. None when all seven are done."""
        return next((s for s in self.stages if s.state != "done"), None)

    @property
    def stages_done(self) -> int:
        return sum(s.state == "done" for s in self.stages)

    @property
    def gaps(self) -> int:
        """How many of the three founding documents and appointments are missing (for sorting the laggards first)."""
        return (not self.regulation) + (not self.roadmap) + (not self.curator)


def organisation_status(orgs: list[Organization]) -> list[OrgStatus]:
    """The status of each organisation in `orgs`, in three queries."""
    if not orgs:
        return []
    today = timezone.localdate()
    ids = [org.pk for org in orgs]
    figures = figures_of_orgs(ids, today)
    current = dict(
        Organization.objects.filter(pk__in=ids)
        .annotate(current=current_roadmap_id(OuterRef("pk"), today))
        .values_list("pk", "current")
    )
    tally = (
        RoadmapActivity.objects.filter(
            roadmap_id__in=[r for r in current.values() if r], stage__model_stage__isnull=False
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .values("roadmap_id", "stage__model_stage")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ActivityStatus.DONE)),
            started=Count("pk", filter=Q(status__in=[ActivityStatus.DONE, ActivityStatus.IN_PROGRESS])),
        )
        .order_by()
    )
    by_roadmap: dict[int, dict] = {}
    for row in tally:
        by_roadmap.setdefault(row["roadmap_id"], {})[row["stage__model_stage"]] = row
    result = []
    for org in orgs:
        f = dict(figures[org.pk])
        stages = by_roadmap.get(current.get(org.pk), {})
        for s in STAGES:
            row = stages.get(s.number, {})
            f[f"stage{s.number}_activities"] = row.get("total", 0)
            f[f"stage{s.number}_activities_done"] = row.get("done", 0)
            f[f"stage{s.number}_activities_started"] = row.get("started", 0)
        result.append(
            OrgStatus(
                org=org,
                regulation=bool(f["regulation_approved"]),
                roadmap=current.get(org.pk) is not None,
                curator=f["curators"] > 0,
                curator_order=bool(f["curator_order"]),
                stages=stage_progress(org, f),
            )
        )
    return result


@dataclass
class TargetRow:
    key: str
    label: str
    target: Decimal | None
    actual: float | int | None

    @property
    def percent(self) -> bool:
        return self.key in PERCENT_KEYS

    @property
    def state(self) -> str:
        """«met», «missed» or «none» (no target, or no figure yet to compare)."""
        if self.target is None or self.actual is None:
            return "none"
        return "met" if Decimal(str(self.actual)) >= self.target else "missed"

    @property
    def gap(self) -> float | None:
        if self.state == "none":
            return None
        return round(float(self.target) - float(self.actual), 1)


def targets_of(municipality: Municipality, year: int) -> dict[str, Decimal]:
    rows = MunicipalTarget.objects.filter(municipality=municipality, year=year)
    return {t.indicator: t.value for t in rows}


def target_rows(targets: dict[str, Decimal], totals: dict) -> list[TargetRow]:
    return [TargetRow(key, LABELS[key], targets.get(key), totals.get(key)) for key in TARGET_KEYS]


def save_targets(municipality: Municipality, year: int, values: dict[str, Decimal | None], *, by) -> int:
    """Set the year's targets: a value replaces the old one, an empty field removes it. Returns how many are set."""
    for key in TARGET_KEYS:
        value = values.get(key)
        if value is None:
            MunicipalTarget.objects.filter(municipality=municipality, year=year, indicator=key).delete()
        else:
            MunicipalTarget.objects.update_or_create(
                municipality=municipality, year=year, indicator=key, defaults={"value": value, "set_by": by}
            )
    return sum(v is not None for v in values.values())
