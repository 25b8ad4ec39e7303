"""Roadmaps of a period: creating one (from the model, a copy of last period's, blank), reading deadlines
written as free text, moving and renumbering activities.

The model roadmap is fixtures/model_roadmap.json: the seven stages with activities written in our words.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from people.models import Organization
from roadmap.models import ActivityStatus, Roadmap, RoadmapActivity, RoadmapStage
from roadmap.stages import STAGES
from roadmap.versions import order_stamp

MODEL_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "model_roadmap.json"

# --- deadlines written as text -----------------------------------------------------------------------------

_MONTHS = (
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("апрел", 4),
    ("ма", 5),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
)
_MONTH_RE = (
    r"\b(январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]\b|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*)"
)
_FULL_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+" + _MONTH_RE + r"(?:\s+(\d{4}))?")
_MONTH_YEAR = re.compile(_MONTH_RE + r"(?:\s*(\d{4}))?")
_QUARTER = re.compile(r"\b(1|2|3|4|i{1,3}|iv)\s*(?:-?й\s*)?квартал\w*(?:\s+(\d{4}))?")
_HALF = re.compile(r"\b(1|2|i{1,2}|перв\w*|втор\w*)\s*(?:-?е\s*)?полугоди\w*")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# «2025–2026 гг.», «2025/26», «2025-2026 учебного года»; a bare year «2026 г.».
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*[-–—/]\s*((?:19|20)?\d{2})\b")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# Recurring work is tracked by the end of the period it recurs in (its last time).
_RECURRING = re.compile(r"ежемесячн|еженедельн|ежедневн|ежеквартальн|постоянн|регулярн|систематическ")
# «до апреля 2026»: before the month, i.e. by the end of the month before it.
_BEFORE_MONTH = re.compile(r"\bдо\s+" + _MONTH_RE + r"(?:\s*(\d{4}))?")
# School terms (четверти): they end about the end of October, December, March and May.
_TERM = re.compile(r"\b(1|2|3|4|i{1,3}|iv|перв\w*|втор\w*|трет\w*|четверт\w*)\s*(?:-?[яй]\s*)?четверт(?:ь|и|ью)\b")
_TERM_END_MONTH = {1: 10, 2: 12, 3: 3, 4: 5}
_ORDINAL = {"перв": 1, "втор": 2, "трет": 3, "четв": 4}
# «до конца года», «до конца календарного года»: the calendar year the period opens in.
_CALENDAR_YEAR_END = re.compile(
    r"(?:до|к)\s+(?:конц\w*|окончани\w*)\s+(?:календарного\s+)?года|в конце (?:календарного )?года"
)
_WHOLE_PERIOD = re.compile(r"в течение|учебного года|конец учебного|концу учебного|окончани\w* учебного|весь период")


def _month_number(word: str) -> int:
    for stem, number in _MONTHS:
        if word.startswith(stem):
            return number
    raise ValueError(word)


def _year_in_period(month: int, period_start: date, period_end: date) -> int:
    """An academic period starts in September: months from the start's month on belong to its year."""
    if period_start.year == period_end.year or month >= period_start.month:
        return period_start.year
    return period_end.year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_deadline(text: str, period_start: date, period_end: date) -> date | None:
    """The date to track a deadline by, read from the deadline as the document writes it; None when unclear.

    An explicit date wins («до 01.11.2022», «до 1 ноября»); a month means its last day («Ноябрь 2022 и далее
    по мере необходимости» → 30.11.2022, «сентябрь – октябрь» → 31.10); a month or date without a year falls
    into the period (September–December in the start year, January–August in the end year); «до апреля 2026»
    means before April, i.e. 31.03.2026; a quarter, a half-year or a school term (четверть: October, December,
    March, May) means its last day; «в течение учебного года» and «в течение года» mean the end of the period,
    and so does recurring work («ежемесячно», «ежеквартально», «постоянно»), checked by its last time; «до конца
    года» means 31 December of the year the period opens in; a bare year «2026» means the end of that year (or of
    the period when it ends within that year). «По мере необходимости» has no date.
    """
    value = " ".join((text or "").lower().replace("ё", "е").split())
    if not value:
        return None
    if _RECURRING.search(value):
        return period_end
    try:
        return (
            _before_month(value, period_start, period_end)
            or _explicit_date(value, period_start, period_end)
            or _period_part(value, period_start, period_end)
        )
    except ValueError:  # 31.02, month 13 and the like
        return None


def _before_month(value: str, start: date, end: date) -> date | None:
    """«до апреля 2026» → 31.03.2026; «до сентября» → the last day of August within the period."""
    if _FULL_DATE.search(value) or _DAY_MONTH.search(value):
        return None
    found = _BEFORE_MONTH.search(value)
    if not found:
        return None
    word, year = found.groups()
    month = _month_number(word)
    years = _year_range(value)
    if year and not (years and _YEAR_RANGE.search(value).start() == found.start(2)):
        year = int(year)
    elif years:
        year = _year_in_range(month, *years, start)
    else:
        year = _year_in_period(month, start, end)
    first = date(year, month, 1)
    return date.fromordinal(first.toordinal() - 1)


def _explicit_date(value: str, start: date, end: date) -> date | None:
    found = list(_FULL_DATE.finditer(value))
    if found:
        day, month, year = found[-1].groups()
        month = int(month)
        return date(_full_year(year) or _year_in_period(month, start, end), month, int(day))
    found = list(_DAY_MONTH.finditer(value))
    if found:
        day, word, year = found[-1].groups()
        month = _month_number(word)
        return date(_full_year(year) or _year_in_period(month, start, end), month, int(day))
    months = list(_MONTH_YEAR.finditer(value))
    if months:
        # «Ноябрь 2022 в течение 2022–2023 учебного года»: the month is the date to check the start by.
        found = months[-1] if not _WHOLE_PERIOD.search(value) else months[0]
        word, year = found.groups()
        month = _month_number(word)
        years = _year_range(value)
        if years and (year is None or value.find(year, found.start()) == _YEAR_RANGE.search(value).start()):
            # «с октября по декабрь 2025–2026 гг.»: the year written after the month opens a range of years.
            return _month_end(_year_in_range(month, *years, start), month)
        if year is None:
            year = next((y for _, y in (m.groups() for m in months) if y), None)
        return _month_end(_full_year(year) or _year_in_period(month, start, end), month)
    return None


def _year_range(value: str) -> tuple[int, int] | None:
    found = _YEAR_RANGE.search(value)
    if not found:
        return None
    first, last = int(found.group(1)), found.group(2)
    last = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return (first, last) if first < last <= first + 10 else None


def _academic(first: int, last: int, start: date) -> bool:
    """Two years in a row in a plan of an academic year (one that does not start in January) name that year."""
    return last == first + 1 and start.month != 1


def _year_in_range(month: int, first: int, last: int, start: date) -> int:
    """The year of a month written with a range of years: inside an academic year, September–December belong to
    its first year and January–August to its second; a range of calendar years means the last of them (the work
    is checked by its last time)."""
    if _academic(first, last, start):
        return first if month >= max(start.month, 7) else last
    return last


def _term(value: str, start: date, end: date) -> date | None:
    found = _TERM.search(value)
    if not found:
        return None
    word = found.group(1)
    number = _ROMAN.get(word) or (int(word) if word.isdigit() else _ORDINAL[word[:4]])
    month = _TERM_END_MONTH[number]
    year = _YEAR.search(value[found.end() :])
    return _month_end(int(year.group(1)) if year else _year_in_period(month, start, end), month)


def _period_part(value: str, start: date, end: date) -> date | None:
    term = _term(value, start, end)
    if term:
        return term
    if _CALENDAR_YEAR_END.search(value) and "учебн" not in value:
        return date(start.year, 12, 31)
    quarter = _QUARTER.search(value)
    if quarter:
        number = _ROMAN.get(quarter.group(1)) or int(quarter.group(1))
        month = number * 3
        return _month_end(_full_year(quarter.group(2)) or _year_in_period(month, start, end), month)
    half = _HALF.search(value)
    if half:
        first = half.group(1) in ("1", "i") or half.group(1).startswith("перв")
        return _month_end(start.year, 12) if first else end
    years = _year_range(value)
    if years:
        first, last = years
        if (first, last) == (start.year, end.year):
            return end  # «в течение 2022–2023 учебного года», «2022–2023 гг.» of this very period
        if _academic(first, last, start):
            return _month_end(last, end.month)  # the end of that academic year, in the period's month
        return date(last, 12, 31)
    if _WHOLE_PERIOD.search(value) or re.search(r"\bгод\b|в конце года", value):
        return end
    single = _YEAR.search(value)
    if single:
        # «2026», «2026 г.»: by the end of that calendar year, or of the period if it ends within that year.
        year = int(single.group(1))
        return end if end.year == year else date(year, 12, 31)
    return None


# --- creating a roadmap ------------------------------------------------------------------------------------


@cache
def model_roadmap() -> dict:
    with MODEL_FIXTURE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _new_roadmap(org: Organization, source: str, label: str, start: date, end: date, title: str = "") -> Roadmap:
    return Roadmap.objects.create(
        organization=org,
        title=title or model_roadmap()["title"],
        period_label=label,
        period_start=start,
        period_end=end,
        source=source,
    )


@transaction.atomic
def create_from_model(
    org: Organization, label: str, start: date, end: date, title: str = "", source: str = Roadmap.Source.MODEL
) -> Roadmap:
    """A roadmap of the period with the seven stages and the model activities, deadlines read for tracking."""
    roadmap = _new_roadmap(org, source, label, start, end, title)
    activities = []
    for s_pos, spec in enumerate(model_roadmap()["stages"], 1):
        stage = RoadmapStage.objects.create(
            roadmap=roadmap, number=spec["number"], model_stage=spec["model_stage"], title=spec["title"], position=s_pos
        )
        for a_pos, item in enumerate(spec["activities"], 1):
            activities.append(
                RoadmapActivity(
                    roadmap=roadmap,
                    stage=stage,
                    number=f"{spec['number']}.{a_pos}",
                    position=a_pos,
                    content=item["content"],
                    deadline_text=item.get("deadline_text", ""),
                    deadline_date=parse_deadline(item.get("deadline_text", ""), start, end),
                    responsible_position=item.get("responsible_position", ""),
                    expected_result=item.get("expected_result", ""),
                    check_code=item.get("check_code", ""),
                )
            )
    RoadmapActivity.objects.bulk_create(activities)
    return roadmap


@transaction.atomic
def create_blank(org: Organization, label: str, start: date, end: date, title: str = "") -> Roadmap:
    """The seven stages of the target model without activities: the curator writes them."""
    roadmap = _new_roadmap(org, Roadmap.Source.BLANK, label, start, end, title)
    RoadmapStage.objects.bulk_create(
        RoadmapStage(roadmap=roadmap, number=str(s.number), model_stage=s.number, title=s.title, position=s.number)
        for s in STAGES
    )
    return roadmap


def _shift_years(d: date | None, years: int) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _shift_text(text: str, years: int) -> str:
    """Years written in a deadline move with the period: «Ноябрь 2022» becomes «Ноябрь 2023»."""
    return re.sub(r"(?<!\d)(20\d\d)(?!\d)", lambda m: str(int(m.group(1)) + years), text) if years else text


@transaction.atomic
def copy_roadmap(source: Roadmap, label: str, start: date, end: date, title: str = "") -> Roadmap:
    """Last period's roadmap for a new period: the same stages and activities, dates moved by whole years,
    every activity planned again."""
    years = start.year - source.period_start.year
    roadmap = _new_roadmap(source.organization, Roadmap.Source.COPY, label, start, end, title or source.title)
    activities = []
    for stage in source.stages.prefetch_related("activities").order_by("position", "id"):
        new_stage = RoadmapStage.objects.create(
            roadmap=roadmap,
            number=stage.number,
            model_stage=stage.model_stage,
            title=stage.title,
            position=stage.position,
        )
        for a in stage.activities.all():
            activities.append(
                RoadmapActivity(
                    roadmap=roadmap,
                    stage=new_stage,
                    number=a.number,
                    position=a.position,
                    content=a.content,
                    deadline_text=_shift_text(a.deadline_text, years),
                    deadline_date=_shift_years(a.deadline_date, years),
                    responsible_position=a.responsible_position,
                    responsible_person=a.responsible_person,
                    expected_result=a.expected_result,
                    check_code=a.check_code,
                )
            )
    RoadmapActivity.objects.bulk_create(activities)
    return roadmap


def next_period(org: Organization) -> tuple[str, date, date]:
    """The period after the last roadmap's, or the current academic year when there is none."""
    last = Roadmap.objects.for_org(org).order_by("-period_start", "-id").first()
    if last is not None:
        start = _shift_years(last.period_start, 1)
        end = _shift_years(last.period_end, 1)
    else:
        today = timezone.localdate()
        year = today.year if today.month >= 9 else today.year - 1
        start, end = date(year, 9, 1), date(year + 1, 8, 31)
    return period_label(start, end), start, end


def period_label(start: date, end: date) -> str:
    if start.year == end.year:
        return f"{start.year} год"
    return f"{start.year}–{end.year} учебный год"


# --- activities: order and numbers -------------------------------------------------------------------------


def next_position(stage: RoadmapStage) -> int:
    return (stage.activities.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def move_activity(activity: RoadmapActivity, direction: str) -> bool:
    """Swap the activity with its neighbour above («up») or below («down») in its stage; False at the edge."""
    siblings = list(
        RoadmapActivity.objects.select_for_update().filter(stage_id=activity.stage_id).order_by("position", "id")
    )
    index = next(i for i, a in enumerate(siblings) if a.pk == activity.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, 1):
        item.position = position
    RoadmapActivity.objects.bulk_update(siblings, ["position"])
    return True


@transaction.atomic
def renumber(roadmap: Roadmap) -> list[tuple[str, str]]:
    """Number the activities 1.1, 1.2 … within each stage in their order; return the numbers that changed as
    (old, new) pairs, in the roadmap's order — an empty list when every number already was in order."""
    renamed: list[tuple[str, str]] = []
    changed = []
    for stage in roadmap.stages.prefetch_related("activities").order_by("position", "id"):
        prefix = stage.number.strip().rstrip(".") or str(stage.position)
        for position, activity in enumerate(stage.activities.all(), 1):
            number = f"{prefix}.{position}"
            if activity.number != number:
                renamed.append((activity.number, number))
            if activity.number != number or activity.position != position:
                activity.number, activity.position = number, position
                changed.append(activity)
    RoadmapActivity.objects.bulk_update(changed, ["number", "position"])
    return renamed


def renumber_message(renamed: list[tuple[str, str]]) -> str:
    """What «Перенумеровать» did, in words: each changed number, or that nothing changed."""
    if not renamed:
        return "Номера мероприятий уже идут по порядку — ничего не изменилось."
    shown = ", ".join(f"{old or 'без номера'} → {new}" for old, new in renamed[:30])
    more = f" и ещё {len(renamed) - 30}" if len(renamed) > 30 else ""
    return f"Мероприятия перенумерованы по порядку. Изменено номеров: {len(renamed)} ({shown}{more})."


def mark_done(activity: RoadmapActivity, on: date, note: str = "") -> None:
    activity.status = ActivityStatus.DONE
    activity.done_on = on
    if note:
        activity.note = note
    activity.save(update_fields=["status", "done_on", "note"])


def roadmap_stages(roadmap: Roadmap) -> list[RoadmapStage]:
    """The stages with their activities (and responsible people) in three queries, whatever their number."""
    activities = RoadmapActivity.objects.select_related("responsible_person").order_by("position", "id")
    return list(roadmap.stages.order_by("position", "id").prefetch_related(Prefetch("activities", queryset=activities)))


def replaced_by(roadmap: Roadmap) -> str:
    """For a replaced редакция: «приказом от … № …» of the one that replaced it; "" for any other roadmap."""
    if roadmap.status != Roadmap.Status.SUPERSEDED:
        return ""
    newer = roadmap.revisions.exclude(status=Roadmap.Status.DRAFT).select_related("approved_by_order").first()
    return order_stamp(newer.approved_by_order) if newer is not None else ""


def roadmap_context(roadmap: Roadmap) -> dict:
    today = timezone.localdate()
    stages = roadmap_stages(roadmap)
    open_statuses = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS)
    total = done = overdue = 0
    for stage in stages:
        items = list(stage.activities.all())
        for a in items:
            a.is_overdue = a.status in open_statuses and a.deadline_date is not None and a.deadline_date < today
            overdue += a.is_overdue
        stage.done_count = sum(a.status == ActivityStatus.DONE for a in items)
        stage.total_count = sum(a.status != ActivityStatus.CANCELLED for a in items)
        total += stage.total_count
        done += stage.done_count
    # Only an approved (or replaced) roadmap carries its order's stamp; a draft prints as a draft.
    stamp = order_stamp(roadmap.approved_by_order) if roadmap.status != Roadmap.Status.DRAFT else ""
    return {
        "is_draft": roadmap.status == Roadmap.Status.DRAFT,
        "is_superseded": roadmap.status == Roadmap.Status.SUPERSEDED,
        "replaced_by": replaced_by(roadmap),
        "roadmap": roadmap,
        "organization": roadmap.organization,
        "stages": stages,
        "total": total,
        "done": done,
        "overdue": overdue,
        "stamp": stamp,
        "title": roadmap.title,
    }
