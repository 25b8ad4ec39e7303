"""The municipal summary: every organisation of a municipality side by side, with the municipality's totals
(what the coordinator's pages under /m/<municipality>/ show, and what the recomputation job computes).

Every figure comes from monitoring.reports.org_summary, the same numbers each organisation's report shows. The
municipality's totals are recombined from them, never averaged: counts are summed, shares are recomputed from the
summed counts, and the satisfaction and growth averages are taken over all the municipality's answers at once (an
organisation with many answers weighs more than one with a few). Nothing here loads a Person: the only queries
touching staff are counts grouped by organisation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import caches
from django.db.models import Count
from django.utils import timezone

from monitoring.meeting_figures import blank as meeting_figures_blank
from monitoring.meeting_figures import meeting_figures
from monitoring.meeting_figures import totals as meeting_totals
from monitoring.reports import PERCENT_KEYS, STAT_INDICATORS, Period, org_summary, pooled_mean, share
from people.models import Municipality, Organization, Role

# Shares are recomputed from the summed counts: (part, whole).
SHARES = {
    "mentees_with_mentor_share": ("mentees_with_mentor", "mentees"),
    "young_share": ("young_with_mentor", "young"),
}
# Averages over answers: recomputed over all the municipality's answers (see pooled_averages).
AVERAGES = PERCENT_KEYS - SHARES.keys()
COUNT_KEYS = [key for key, _ in STAT_INDICATORS if key not in PERCENT_KEYS]
LABELS = dict(STAT_INDICATORS)
# Columns of the comparison table that sort: the organisation's name and kind, then every indicator.
SORTS = {"name", "kind", *LABELS}
KIND_ABBR = {
    Organization.Kind.KINDERGARTEN: "ДОО",
    Organization.Kind.SCHOOL: "ОО",
    Organization.Kind.ADDITIONAL: "ОДО",
    Organization.Kind.COLLEGE: "ПОО",
}
# Column headings of the comparison table (the full wording is in their tooltips and in the exported files).
SHORT_LABELS = {
    "mentors": "Наставники",
    "mentees": "Наставляемые",
    "mentees_with_mentor": "из них с наставником",
    "mentees_with_mentor_share": "Доля с наставником, %",
    "pairs": "Пары",
    "groups": "Группы",
    "young": "Молодые специалисты",
    "young_with_mentor": "из них с наставником",
    "young_share": "Охват молодых, %",
    "completed": "Завершено",
    "ended_early": "Досрочно",
    "overdue": "Срок истёк",
    "satisfaction_mentees": "Удовлетворённость наставляемых, %",
    "satisfaction_mentors": "Удовлетворённость наставников, %",
    "growth": "Рост, п. п.",
}


REPORT_CACHE_SECONDS = 600

# --- Figures ---------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One organisation in the comparison: its name and kind, its figures, and what needs the coordinator's eye."""

    slug: str
    short_name: str
    kind: str
    kind_label: str
    figures: dict
    has_curator: bool
    everyday: dict = field(default_factory=meeting_figures_blank)  # monitoring.meeting_figures: meetings, documents

    @property
    def kind_abbr(self) -> str:
        return KIND_ABBR.get(self.kind, self.kind_label)

    @property
    def idle(self) -> bool:
        """No pair or group worked in the period."""
        return not (self.figures["pairs"] or self.figures["groups"])

    @property
    def warnings(self) -> list[str]:
        found = []
        if not self.has_curator:
            found.append("не назначен куратор")
        if self.idle:
            found.append("нет пар и групп в периоде")
        return found

    @property
    def values(self) -> list:
        return [self.figures[key] for key, _ in STAT_INDICATORS]

    @property
    def cells(self) -> list[dict]:
        return cells_of(self.figures)


@dataclass
class MunicipalReport:
    municipality: Municipality
    period: Period
    rows: list[Row]
    totals: dict
    by_form: dict[str, dict] = field(default_factory=dict)
    everyday_totals: dict = field(default_factory=meeting_figures_blank)
    computed_at: datetime | None = None

    @property
    def total_values(self) -> list:
        return [self.totals[key] for key, _ in STAT_INDICATORS]

    @property
    def total_cells(self) -> list[dict]:
        return cells_of(self.totals)


def cells_of(figures: dict) -> list[tuple[str, str]]:
    """(key, text) of each figure, formatted here: a template include per cell costs seconds at 200 rows."""
    return [(key, figure_text(figures[key])) for key, _ in STAT_INDICATORS]


def figure_text(value) -> str:
    """12 → «12», 36.4 → «36,4», 75.0 → «75», None → «—»."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return str(value)


def pooled_averages(summaries: list[dict]) -> dict:
    """Satisfaction and growth over every answer of the municipality's organisations (weighted by answers).

    Each organisation's summary keeps its unrounded means and their numbers of answers (`answers`), so pooling
    asks the database nothing more.
    """
    result = dict.fromkeys(AVERAGES)
    for key in ("satisfaction_mentees", "satisfaction_mentors"):
        result[key] = _round(pooled_mean([s["answers"][key] for s in summaries if key in s["answers"]]))
    start = pooled_mean([s["answers"]["growth_start"] for s in summaries if "growth_start" in s["answers"]])
    end = pooled_mean([s["answers"]["growth_end"] for s in summaries if "growth_end" in s["answers"]])
    if start is not None and end is not None:
        result["growth"] = _round(end - start)
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def totals_of(summaries: list[dict], averages: dict) -> dict:
    """The municipality's figures from its organisations': sums, shares of sums, and the pooled averages."""
    totals = {key: sum(s[key] for s in summaries) for key in COUNT_KEYS}
    for key, (part, whole) in SHARES.items():
        totals[key] = share(totals[part], totals[whole])
    totals.update({key: averages.get(key) for key in AVERAGES})
    return totals


def forms_of(summaries: list[dict]) -> dict[str, dict]:
    """Pairs and groups by form over the municipality, forms matched by name (each organisation has its list)."""
    merged: dict[str, dict] = {}
    for summary in summaries:
        for name, counts in summary["by_form"].items():
            target = merged.setdefault(name, {"pairs": 0, "groups": 0})
            target["pairs"] += counts["pairs"]
            target["groups"] += counts["groups"]
    return dict(sorted(merged.items(), key=lambda item: -(item[1]["pairs"] + item[1]["groups"])))


def municipal_report(
    municipality: Municipality,
    period: Period,
    orgs: list[Organization],
    *,
    with_everyday: bool = True,
    progress=lambda step, message: None,
) -> MunicipalReport:
    """The municipality's figures; `with_everyday=False` leaves out the meetings, documents, short forms and
    events (monitoring.meeting_figures, five queries) for pages that do not show them. `progress(step, message)`
    hears each of the three steps as it starts (the recomputation job's bar)."""
    org_ids = [org.pk for org in orgs]
    progress(0, f"Считаем пары, наставников и анкеты: организаций — {len(org_ids)}…")
    summary = org_summary(org_ids, period)
    progress(1, "Считаем встречи, документы, мероприятия и сертификаты…")
    everyday = (
        meeting_figures(org_ids, period, with_work=True)
        if with_everyday
        else {pk: meeting_figures_blank() for pk in org_ids}
    )
    progress(2, "Сводим итоги по муниципалитету…")
    with_curator = set(
        Role.objects.filter(kind=Role.Kind.CURATOR, person__organization_id__in=org_ids, person__left_on__isnull=True)
        .order_by()
        .values("person__organization_id")
        .annotate(n=Count("pk"))
        .values_list("person__organization_id", flat=True)
    )
    rows = [
        Row(
            slug=org.slug,
            short_name=org.short_name,
            kind=org.kind,
            kind_label=org.get_kind_display(),
            figures=summary[org.pk],
            has_curator=org.pk in with_curator,
            everyday=everyday[org.pk],
        )
        for org in orgs
    ]
    summaries = list(summary.values())
    totals = totals_of(summaries, pooled_averages(summaries))
    return MunicipalReport(
        municipality, period, rows, totals, forms_of(summaries), everyday_totals=meeting_totals(everyday.values())
    )


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Rows ordered by a column; «-» before the key sorts descending. Empty figures go last either way."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: r.short_name.lower(), reverse=descending)
    if key == "kind":
        return sorted(rows, key=lambda r: (r.kind_label, r.short_name.lower()), reverse=descending)
    present = [r for r in rows if r.figures[key] is not None]
    missing = [r for r in rows if r.figures[key] is None]
    present.sort(key=lambda r: r.short_name.lower())
    present.sort(key=lambda r: r.figures[key], reverse=descending)
    return present + sorted(missing, key=lambda r: r.short_name.lower())


def organisations_of(municipality: Municipality) -> list[Organization]:
    # Not `municipality.organizations`: a reverse manager reads each row's deferred municipal_unit_id (a query a row).
    orgs = Organization.objects.filter(municipal_unit=municipality).only("pk", "slug", "short_name", "kind")
    return list(orgs.order_by("short_name"))


# The computed report is kept where every process sees it (settings.CACHES["shared"]: Redis in an installation, a
# folder under var/ on one machine), so the one the worker recomputes is the one every web process shows.
REPORT_STEPS = 3


def report_key(municipality: Municipality, period: Period, orgs: list[Organization]) -> str:
    """Per municipality, period and day; an organisation joining or leaving shows at once: the key names the set
    of organisations (as a digest)."""
    key = f"municipal-report:v3:{municipality.pk}:{period.start}:{period.end}:{timezone.localdate()}"
    return key + ":" + hashlib.sha1(",".join(str(org.pk) for org in orgs).encode(), usedforsecurity=False).hexdigest()


def compute_report(
    municipality: Municipality, period: Period, orgs: list[Organization], progress=lambda step, message: None
) -> MunicipalReport:
    """The report computed anew and kept for REPORT_CACHE_SECONDS under its key."""
    report = municipal_report(municipality, period, orgs, progress=progress)
    report.computed_at = timezone.now()
    caches["shared"].set(report_key(municipality, period, orgs), report, REPORT_CACHE_SECONDS)
    return report
