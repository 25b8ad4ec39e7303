"""Figures of the monitoring reports: the period, the statistics indicators and the headline summary.

`org_summary` computes the headline figures of many organisations at once in a fixed number of queries (grouped by
organisation), so the organisation's report page, the statistics form and the municipal view all show the same
numbers. `org_report` (mentoring/report_figures.py) adds the breakdowns the report page shows.

Definitions used everywhere (they are printed on the report page too):
- a pair or group *worked in the period* when it was active on at least one day of it: started on or before the
  period's end and not ended before its start;
- *mentors* are the mentors of pairs and groups that worked in the period; *mentees* are the mentees of those
  pairs and groups together with teachers in the bank of mentees during the period (accepted requests made by the
  period's end, still open or closed within the period);
- *programmes completed* and *ended early* are pairs and groups that ended within the period;
- a programme is *overdue* when the end date of its programme (or the planned end of the pair) has passed — by
  the period's end, or today if the period is not over — while the pair was still active;
- *satisfaction* is the mean answer to rating questions of satisfaction questionnaires in rounds launched within
  the period, on a 0–100 % scale (the lowest mark of the question's scale is 0 %, the highest 100 %);
- *growth* is the change of the mean self-assessment (rating questions with a growth side) from the «start» round
  to the «end» round, over the programmes and roles answered at both moments, whose «end» round was launched
  within the period; in percentage points of the same 0–100 % scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest
from django.utils import timezone

from core.forms import DateField
from mentoring.models import Mentorship
from monitoring.models import Answer, Invitation, Question, SurveyRound
from people.changes import cached_for
from people.models import MenteeEntry, Organization

YOUNG_SPECIALIST = "young-specialist"  # code of the mentee category in fixtures/reference_lists.json
ENDED = (Mentorship.State.COMPLETED, Mentorship.State.ENDED_EARLY)
WORKED = (Mentorship.State.ACTIVE, *ENDED)


# --- The period ---------------------------------------------------------------------------------------------------


def academic_year_start(day: date) -> int:
    """The calendar year in which the academic year containing `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends inclusive."""

    start: date
    end: date

    @classmethod
    def academic_year(cls, today: date | None = None) -> Period:
        """1 September – 31 August of the academic year containing `today`."""
        return cls.of_year(academic_year_start(today or timezone.localdate()))

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(date(year, 9, 1), date(year + 1, 8, 31))

    @property
    def is_academic_year(self) -> bool:
        return self.start == date(self.start.year, 9, 1) and self.end == date(self.start.year + 1, 8, 31)

    @property
    def label(self) -> str:
        if self.is_academic_year:
            return f"{self.start.year}/{self.end.year} учебный год"
        return f"{self.start:%d.%m.%Y} — {self.end:%d.%m.%Y}"

    @property
    def query(self) -> str:
        """The period as GET parameters, for links that must keep it (exports, the PDF)."""
        return f"start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"

    @property
    def cutoff(self) -> date:
        """The day up to which deadlines count as passed: the period's end, or today if it is not over."""
        return min(self.end, timezone.localdate())

    def previous_years(self, count: int) -> list[Period]:
        """The `count` academic years before the one this period starts in, latest first."""
        year = academic_year_start(self.start)
        return [Period.of_year(year - n) for n in range(1, count + 1)]

    @classmethod
    def from_request(cls, request: HttpRequest, first_year: int | None = None) -> tuple[Period, PeriodForm]:
        """The period chosen in the filter (GET), the current academic year by default, and the bound form."""
        form = PeriodForm(request.GET or None, first_year=first_year)
        if form.is_bound and form.is_valid():
            return form.period, form
        return cls.academic_year(), form

    def aware(self) -> tuple[datetime, datetime]:
        """Start of the first day and start of the day after the last one, in the site's time zone."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


class PeriodForm(forms.Form):
    """The period filter: an academic year that has data, or one's own dates (these take precedence)."""

    year = forms.TypedChoiceField(label="Учебный год", coerce=int, required=False, empty_value=None)
    start = DateField(label="с", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label="по", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, first_year: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = academic_year_start(timezone.localdate())
        first = min(first_year or current, current)
        years = range(current, max(first, current - 15) - 1, -1)
        self.fields["year"].choices = [(y, Period.of_year(y).label) for y in years]

    def clean(self) -> dict:
        data = super().clean()
        start, end, year = data.get("start"), data.get("end"), data.get("year")
        if start or end:
            if not (start and end):
                raise forms.ValidationError("Укажите обе даты периода — начало и окончание.")
            if end < start:
                self.add_error("end", "Окончание периода должно быть не раньше его начала.")
                return data
            self.period = Period(start, end)
        elif year:
            self.period = Period.of_year(year)
        else:
            self.period = Period.academic_year()
        return data


def first_academic_year(org_ids: Sequence[int]) -> int | None:
    """The earliest academic year in which the organisations had a working pair (for the period choice)."""
    first = (
        Mentorship.objects.filter(organization_id__in=org_ids, started_on__isnull=False)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return academic_year_start(first) if first else None


# --- The statistics indicators and the summary ---------------------------------------------------------------------

STAT_INDICATORS: list[tuple[str, str]] = [
    ("mentors", "Наставники (в парах и группах периода), чел."),
    ("mentees", "Наставляемые (в банке и в парах), чел."),
    ("mentees_with_mentor", "Наставляемые, закреплённые за наставником, чел."),
    ("mentees_with_mentor_share", "Доля наставляемых, закреплённых за наставником, %"),
    ("pairs", "Наставнические пары, действовавшие в периоде"),
    ("groups", "Наставнические группы, действовавшие в периоде"),
    ("young", "Молодые (начинающие) специалисты среди наставляемых, чел."),
    ("young_with_mentor", "Молодые специалисты, закреплённые за наставником, чел."),
    ("young_share", "Охват молодых специалистов наставничеством, %"),
    ("completed", "Программы, завершённые в периоде"),
    ("ended_early", "Программы, завершённые досрочно в периоде"),
    ("overdue", "Программы с истёкшим сроком, не завершённые вовремя"),
    ("satisfaction_mentees", "Удовлетворённость наставляемых, % (средняя оценка)"),
    ("satisfaction_mentors", "Удовлетворённость наставников, % (средняя оценка)"),
    ("growth", "Рост по самооценке участников от начала к окончанию, п. п."),
]
PERCENT_KEYS = {"mentees_with_mentor_share", "young_share", "satisfaction_mentees", "satisfaction_mentors", "growth"}
FORM_BREAKDOWN_LABEL = "Пары и группы по формам наставничества"
NO_FORM = "Форма не указана"


def worked_q(period: Period, prefix: str = "") -> Q:
    """Pairs and groups active on at least one day of the period."""
    return Q(
        **{
            f"{prefix}state__in": WORKED,
            f"{prefix}started_on__lte": period.end,
        }
    ) & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": period.start}))


def in_bank_q(period: Period, prefix: str = "") -> Q:
    """Bank of mentees entries that were in the bank during the period."""
    since, _ = period.aware()
    return (
        Q(**{f"{prefix}request_date__lte": period.end})
        & ~Q(**{f"{prefix}status__in": [MenteeEntry.Status.REQUESTED, MenteeEntry.Status.DECLINED]})
        & (~Q(**{f"{prefix}status__in": MenteeEntry.FINAL_STATUSES}) | Q(**{f"{prefix}status_changed_at__gte": since}))
    )


def mentee_count() -> Subquery:
    through = Mentorship.mentees.through
    counted = (
        through.objects.filter(mentorship_id=OuterRef("pk"))
        .order_by()
        .values("mentorship_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programme_end() -> Coalesce:
    return Coalesce("programme__end", "planned_end")


def overdue_q(period: Period) -> Q:
    """Worked in the period, and its programme's end date passed (by the cutoff) while it was still active."""
    return (
        worked_q(period)
        & Q(programme_end__lt=period.cutoff)
        & (Q(state=Mentorship.State.ACTIVE) | Q(ended_on__gt=F("programme_end")))
    )


def percent_of_scale() -> ExpressionWrapper:
    """An answer on its question's scale as 0–100 %."""
    low = Cast("question__scale_min", FloatField())
    high = Cast("question__scale_max", FloatField())
    return ExpressionWrapper((F("number") - low) * Value(100.0) / (high - low), output_field=FloatField())


def scale_answers() -> Q:
    return Q(question__kind=Question.Kind.SCALE, number__isnull=False)


def satisfaction_answers(org_ids: Sequence[int], period: Period):
    since, until = period.aware()
    return Answer.objects.filter(
        scale_answers(),
        response__invitation__round__organization_id__in=org_ids,
        response__invitation__round__question_set__purpose="satisfaction",
        response__invitation__round__launched_at__gte=since,
        response__invitation__round__launched_at__lt=until,
    )


def growth_answers(org_ids: Sequence[int], period: Period):
    """Growth answers (start and end) of the programmes and roles answered at both moments, ended in the period."""
    since, until = period.aware()
    # Plain IN subqueries (one per role and moment) rather than correlated EXISTS: each runs once.
    answered = Invitation.objects.filter(round__organization_id__in=org_ids, response__isnull=False)
    both = Q()
    for role in Invitation.Role.values:
        started = answered.filter(role=role, round__moment=SurveyRound.Moment.START).values("programme_id")
        ended = answered.filter(
            role=role, round__moment=SurveyRound.Moment.END, round__launched_at__gte=since, round__launched_at__lt=until
        ).values("programme_id")
        both |= Q(
            response__invitation__role=role,
            response__invitation__programme_id__in=started,
        ) & Q(response__invitation__programme_id__in=ended)
    return Answer.objects.filter(
        scale_answers(),
        both,
        ~Q(question__domain=""),
        response__invitation__round__organization_id__in=org_ids,
        response__invitation__round__moment__in=[SurveyRound.Moment.START, SurveyRound.Moment.END],
    )


def share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def org_summary(org_ids: Sequence[int], period: Period, answers: dict[int, dict] | None = None) -> dict[int, dict]:
    """Headline figures of each organisation (STAT_INDICATORS keys, `by_form`, `answers`) in 6 queries.

    `answers`, when the caller has counted them already (the report page does, for its own tables), gives each
    organisation's `answers` (below) and saves the two queries of the questionnaires.

    `by_form` maps a form's name to {"pairs": n, "groups": n}. Averages are None when nothing was answered.
    `answers` keeps, per average, the unrounded mean and the number of answers behind it, so that several
    organisations' averages can be pooled (weighted by answers) without asking again: keys
    `satisfaction_mentees`, `satisfaction_mentors`, `growth_start` and `growth_end`, values (mean, count).

    One organisation's summary is kept in the cache until its data changes: `summary_of`.
    """
    org_ids = list(org_ids)
    blank = {key: None if key in PERCENT_KEYS else 0 for key, _ in STAT_INDICATORS}
    result: dict[int, dict] = {pk: {**blank, "by_form": {}, "answers": {}} for pk in org_ids}
    if not org_ids:
        return result
    for row in _people_rows(org_ids, period):
        result[row.pop("organization_id")].update(row)
    for row in _pairs_qs(org_ids, period):
        row["pairs"] = row.pop("worked") - row["groups"]
        result[row.pop("organization_id")].update(row)
    by_form = _by_form_qs(org_ids, period)
    for row in sorted(by_form, key=lambda r: (r["form__name"] is None, r["form__name"] or "")):
        result[row["organization_id"]]["by_form"][row["form__name"] or NO_FORM] = {
            "pairs": row["worked"] - row["groups"],
            "groups": row["groups"],
        }
    if answers is None:
        answers = {pk: {} for pk in org_ids}
        for row in _satisfaction_qs(org_ids, period):
            key = f"satisfaction_{row['response__invitation__role']}s"
            answers[row["response__invitation__round__organization_id"]][key] = (row["avg"], row["n"])
        for row in _growth_qs(org_ids, period):
            key = f"growth_{row['response__invitation__round__moment']}"
            answers[row["response__invitation__round__organization_id"]][key] = (row["avg"], row["n"])
    for pk, figures in result.items():
        figures["answers"] = dict(answers.get(pk, {}))
        for key in ("satisfaction_mentees", "satisfaction_mentors"):
            if key in figures["answers"]:
                figures[key] = rounded(figures["answers"][key][0])
    for figures in result.values():
        counted = figures["answers"]
        if {"growth_start", "growth_end"} <= counted.keys():
            figures["growth"] = rounded(counted["growth_end"][0] - counted["growth_start"][0])
        figures["mentees_with_mentor_share"] = share(figures["mentees_with_mentor"], figures["mentees"])
        figures["young_share"] = share(figures["young_with_mentor"], figures["young"])
    return result


def summary_of(org: Organization, period: Period, answers: dict | None = None) -> dict:
    """`org_summary` of one organisation, kept in the cache until its data changes (people.changes).

    `answers`: the organisation's answers counted already (see org_summary), used if the summary is computed."""
    given = None if answers is None else {org.pk: answers}
    return cached_for(org, "summary", lambda: org_summary([org.pk], period, given)[org.pk], period.start, period.end)


def pooled_mean(parts: Sequence[tuple[float, int]]) -> float | None:
    """The mean over every answer of several groups, each given as (its mean, its number of answers)."""
    count = sum(n for _, n in parts)
    return sum(mean * n for mean, n in parts) / count if count else None


# --- The summary's queries, grouped by organisation ------------------------------------------------------------


def _people_rows(org_ids: Sequence[int], period: Period) -> list[dict]:
    """Per organisation: mentees (in pairs of the period or in the bank), those with a mentor, and of both the young
    specialists.

    Two plain grouped queries: the mentees of the period's pairs (from the pairs' membership), then those only in the
    bank. Asked of the staff list with a subquery per figure, the database built each set again for every figure
    that named it — most of the municipal report's time at 2,000 organisations.
    """
    worked = Mentorship.objects.filter(worked_q(period), organization_id__in=org_ids)
    through = Mentorship.mentees.through.objects.filter(mentorship__in=worked)
    entries = MenteeEntry.objects.filter(organization_id__in=org_ids)
    not_refused = ~Q(status__in=[MenteeEntry.Status.REQUESTED, MenteeEntry.Status.DECLINED])
    # The category by organisation and code (its unique index): by code alone the plan walks every organisation's
    # «young specialist» category, a cost that grows with the region, not with the organisations asked about.
    young_category = {"category__organization_id__in": org_ids, "category__code": YOUNG_SPECIALIST}
    young_ids = entries.filter(not_refused, **young_category).values("person_id")
    in_pairs = (
        through.order_by()
        .values("mentorship__organization_id")
        .annotate(
            with_mentor=Count("person_id", distinct=True),
            young_with_mentor=Count("person_id", distinct=True, filter=Q(person_id__in=young_ids)),
        )
    )
    only_in_bank = (
        entries.filter(in_bank_q(period))
        .exclude(person_id__in=through.values("person_id"))
        .order_by()
        .values("organization_id")
        .annotate(
            people=Count("person_id", distinct=True),
            young=Count("person_id", distinct=True, filter=Q(person_id__in=young_ids)),
        )
    )
    rows: dict[int, dict] = {}
    for r in in_pairs:
        rows[r["mentorship__organization_id"]] = {
            "mentees": r["with_mentor"],
            "mentees_with_mentor": r["with_mentor"],
            "young": r["young_with_mentor"],
            "young_with_mentor": r["young_with_mentor"],
        }
    for r in only_in_bank:
        row = rows.setdefault(
            r["organization_id"], {"mentees": 0, "mentees_with_mentor": 0, "young": 0, "young_with_mentor": 0}
        )
        row["mentees"] += r["people"]
        row["young"] += r["young"]
    return [{"organization_id": pk, **row} for pk, row in rows.items()]


def groups_q(org_ids: Sequence[int]) -> Q:
    """Pairs with more than one mentee — groups — as one IN list of these organisations' groups.

    Built once per query, where a mentee count per pair (a correlated subquery) ran once for every pair and every
    figure that asked whether it was a group.
    """
    through = Mentorship.mentees.through
    groups = (
        through.objects.filter(mentorship__organization_id__in=org_ids)
        .order_by()
        .values("mentorship_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("mentorship_id")
    )
    return Q(pk__in=groups)


def _pairs_qs(org_ids: Sequence[int], period: Period):
    """Per organisation: mentors, pairs and groups that worked in the period (`worked` of them `groups`; the pairs
    are the difference), those completed, ended early and overdue."""
    ended_in = Q(ended_on__gte=period.start, ended_on__lte=period.end)
    return (
        Mentorship.objects.filter(organization_id__in=org_ids)
        .annotate(programme_end=programme_end())
        .order_by()
        .values("organization_id")
        .annotate(
            mentors=Count("mentor_id", distinct=True, filter=worked_q(period)),
            worked=Count("pk", filter=worked_q(period)),
            groups=Count("pk", filter=worked_q(period) & groups_q(org_ids)),
            completed=Count("pk", filter=Q(state=Mentorship.State.COMPLETED) & ended_in),
            ended_early=Count("pk", filter=Q(state=Mentorship.State.ENDED_EARLY) & ended_in),
            overdue=Count("pk", filter=overdue_q(period)),
        )
    )


def _by_form_qs(org_ids: Sequence[int], period: Period):
    return (
        Mentorship.objects.filter(worked_q(period), organization_id__in=org_ids)
        .order_by()
        .values("organization_id", "form__name")
        .annotate(worked=Count("pk"), groups=Count("pk", filter=groups_q(org_ids)))
    )


def _satisfaction_qs(org_ids: Sequence[int], period: Period):
    return (
        satisfaction_answers(org_ids, period)
        .order_by()
        .values("response__invitation__round__organization_id", "response__invitation__role")
        .annotate(avg=Avg(percent_of_scale()), n=Count("pk"))
    )


def _growth_qs(org_ids: Sequence[int], period: Period):
    return (
        growth_answers(org_ids, period)
        .order_by()
        .values("response__invitation__round__organization_id", "response__invitation__round__moment")
        .annotate(avg=Avg(percent_of_scale()), n=Count("pk"))
    )
