"""Everything the organisation's report page shows, as tables, in a fixed number of queries.

The definitions of the figures are those of mentoring/reports.py; each table below says what it counts. Every
table is a `Table` (title, columns, rows) so that the page, the XLSX/CSV exports and the PDF show the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, Exists, F, Max, OuterRef, Q

from mentoring.models import Meeting, Mentorship, PlanActivity, ShortMentoring
from monitoring.meeting_figures import meeting_figures
from monitoring.models import Event, Practice, Question, SurveyRound
from monitoring.reports import (
    ENDED,
    YOUNG_SPECIALIST,
    Period,
    growth_answers,
    in_bank_q,
    mentee_count,
    percent_of_scale,
    pooled_mean,
    rounded,
    satisfaction_answers,
    share,
    summary_of,
    worked_q,
)
from people.changes import cached_for
from people.models import MenteeEntry, MentorEntry, Organization

ROLE_LABELS = {"mentor": "Наставники", "mentee": "Наставляемые"}
DOMAINS = [d for d in Question.Domain if d.value]


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(isinstance(v, (int, float)) and v for row in self.rows for v in row[1:])


def one_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def org_report(org: Organization, period: Period) -> dict:
    """The report of one organisation for the period: the summary, the tables and the best practices.

    The summary and the tables are kept in the cache until the organisation's data changes (people.changes).
    """
    figures = cached_for(org, "report", lambda: report_tables(org, period), period.start, period.end)
    practices = list(
        Practice.objects.filter(organization=org, created_at__gte=period.aware()[0], created_at__lt=period.aware()[1])
        .select_related("direction", "form")
        .order_by("created_at", "id")
    )
    return {**figures, "practices": practices, "period": period}


def report_tables(org: Organization, period: Period) -> dict:
    """The summary and every table of the report, computed anew.

    The questionnaire rows of the tables are read first and give the summary its averages (pooled), so that a
    summary computed here asks no questionnaire query of its own; the states and the early endings are one query.
    """
    ids = [org.pk]
    satisfaction_rows = list(_satisfaction_qs(ids, period))
    growth_rows = list(_growth_qs(ids, period))
    summary = summary_of(org, period, answers=_summary_answers(satisfaction_rows, growth_rows))
    worked = Mentorship.objects.filter(worked_q(period), organization=org)
    states = list(_states_qs(ids, period))
    everyday = meeting_figures(ids, period)[org.pk]
    tables = {
        t.key: t
        for t in (
            _roles(org, period, summary),
            _forms(summary),
            _kinds(ids, period),
            _categories(ids, period),
            _states(states),
            _end_reasons(states, summary),
            _activities(worked, period),
            _meetings(worked, period, everyday, org.meeting_gap_weeks),
            _certificates(everyday),
            _short_forms(ids, period),
            _events(ids, period),
            _satisfaction(satisfaction_rows),
            _questions(ids, period),
            _growth(growth_rows),
            _young(ids, period),
        )
    }
    return {"summary": summary, "tables": tables}


def _summary_answers(satisfaction_rows: list[dict], growth_rows: list[dict]) -> dict:
    """The summary's `answers` (monitoring.reports.org_summary) from the report's own questionnaire rows: the mean
    and count of each role's satisfaction, and of every growth answer at the start and at the end (pooled over
    the roles and sides, weighted by answers — the mean over all of them)."""
    answers = {f"satisfaction_{r['response__invitation__role']}s": (r["avg"], r["n"]) for r in satisfaction_rows}
    for moment in (SurveyRound.Moment.START, SurveyRound.Moment.END):
        parts = [(r["avg"], r["n"]) for r in growth_rows if r["response__invitation__round__moment"] == moment]
        if parts:
            answers[f"growth_{moment}"] = (pooled_mean(parts), sum(n for _, n in parts))
    return answers


def _roles(org: Organization, period: Period, s: dict) -> Table:
    since, until = period.aware()
    in_bank = (
        MentorEntry.objects.filter(organization=org, created_at__lt=until)
        .filter(~Q(status=MentorEntry.Status.RELEASED) | Q(status_changed_at__gte=since))
        .values("person_id")
        .distinct()
        .count()
    )
    return Table(
        "roles",
        "Участники по ролям",
        ["Участники", "Человек"],
        [
            ["Наставники пар и групп, действовавших в периоде", s["mentors"]],
            ["Наставники в банке наставников", in_bank],
            ["Наставляемые (в банке и в парах)", s["mentees"]],
            ["из них закреплены за наставником", s["mentees_with_mentor"]],
            ["из них не были закреплены за наставником", s["mentees"] - s["mentees_with_mentor"]],
        ],
        note=f"Доля наставляемых, закреплённых за наставником: {_pct(s['mentees_with_mentor_share'])}.",
    )


def _forms(s: dict) -> Table:
    rows = [[name, f["pairs"], f["groups"], f["pairs"] + f["groups"]] for name, f in s["by_form"].items()]
    return Table(
        "forms", "Пары и группы по формам наставничества", ["Форма наставничества", "Пары", "Группы", "Всего"], rows
    )


def _kinds_qs(ids: list[int], period: Period):
    worked = Mentorship.objects.filter(worked_q(period), organization_id__in=ids)
    return (
        Mentorship.kinds.through.objects.filter(mentorship__in=worked)
        .order_by()
        .values("mentoringkind__name", "mentoringkind__position")
        .annotate(n=Count("mentorship_id", distinct=True))
        .order_by("mentoringkind__position", "mentoringkind__name")
    )


def _kinds(ids: list[int], period: Period) -> Table:
    rows = _kinds_qs(ids, period)
    return Table(
        "kinds",
        "Пары и группы по видам наставничества",
        ["Вид наставничества", "Пар и групп"],
        [[r["mentoringkind__name"], r["n"]] for r in rows],
        note="У пары может быть несколько видов наставничества, поэтому сумма может быть больше числа пар.",
    )


def _categories_qs(ids: list[int], period: Period):
    worked = Mentorship.objects.filter(worked_q(period), organization_id__in=ids)
    through = Mentorship.mentees.through
    pair_mentee = Q(person_id__in=through.objects.filter(mentorship__in=worked).values("person_id"))
    return (
        MenteeEntry.objects.filter(organization_id__in=ids)
        .exclude(status__in=[MenteeEntry.Status.REQUESTED, MenteeEntry.Status.DECLINED])
        .filter(in_bank_q(period) | pair_mentee)
        .order_by()
        .values("category__name", "category__position")
        .annotate(
            total=Count("person_id", distinct=True),
            paired=Count("person_id", distinct=True, filter=pair_mentee),
        )
        .order_by("category__position", "category__name")
    )


def _categories(ids: list[int], period: Period) -> Table:
    entries = _categories_qs(ids, period)
    rows = [[r["category__name"], r["total"], r["paired"], (share(r["paired"], r["total"]))] for r in entries]
    return Table(
        "categories",
        "Наставляемые по категориям",
        ["Категория наставляемых", "Человек", "Закреплены за наставником", "Доля, %"],
        rows,
    )


PREPARING = [Mentorship.State.DRAFT, Mentorship.State.PROPOSED]


def _states_qs(ids: list[int], period: Period):
    """Pairs and groups by state and end reason; `ended_in` — those of them ended within the period (the early
    endings of the period are among the pairs that worked in it)."""
    return (
        Mentorship.objects.filter(organization_id__in=ids)
        .filter(worked_q(period) | Q(state__in=PREPARING))
        .annotate(n_mentees=mentee_count())
        .order_by()
        .values("state", "end_reason")
        .annotate(
            pairs=Count("pk", filter=Q(n_mentees__lte=1)),
            groups=Count("pk", filter=Q(n_mentees__gt=1)),
            ended_in=Count("pk", filter=Q(ended_on__gte=period.start, ended_on__lte=period.end)),
        )
    )


def _states(rows: list[dict]) -> Table:
    preparing = PREPARING
    found: dict[str, dict] = defaultdict(lambda: {"pairs": 0, "groups": 0})
    for r in rows:
        found[r["state"]]["pairs"] += r["pairs"]
        found[r["state"]]["groups"] += r["groups"]
    table = []
    for state in Mentorship.State:
        r = found[state.value]
        label = state.label + (" (сейчас)" if state in preparing else "")
        table.append([label, r["pairs"], r["groups"], r["pairs"] + r["groups"]])
    return Table(
        "states",
        "Пары и группы по состоянию",
        ["Состояние", "Пары", "Группы", "Всего"],
        table,
        note="Действовавшие в периоде — по их нынешнему состоянию; черновики и проекты приказа — на сегодня.",
    )


def _end_reasons(states: list[dict], s: dict) -> Table:
    found = {r["end_reason"]: r["ended_in"] for r in states if r["state"] == Mentorship.State.ENDED_EARLY}
    table = [["Завершены в срок", s["completed"]]]
    table += [
        [f"Досрочно: {reason.label[0].lower()}{reason.label[1:]}", found.get(reason.value, 0)]
        for reason in Mentorship.EndReason
    ]
    table.append(["Срок программы истёк, пара не завершена вовремя", s["overdue"]])
    return Table(
        "endings",
        "Завершение программ",
        ["Итог", "Пар и групп"],
        table,
        note="Завершённые — окончившиеся в периоде; с истёкшим сроком — дата окончания программы прошла "
        "(к концу периода или к сегодняшнему дню), а пара ещё действовала.",
    )


def _activities(worked, period: Period) -> Table:
    is_open = Q(status__in=[PlanActivity.Status.PLANNED, PlanActivity.Status.IN_PROGRESS])
    done = Q(status=PlanActivity.Status.DONE)
    figures = PlanActivity.objects.filter(
        programme__mentorship__in=worked, deadline__gte=period.start, deadline__lte=period.end
    ).aggregate(
        on_time=Count("pk", filter=done & Q(done_on__lte=F("deadline"))),
        late=Count("pk", filter=done & Q(done_on__gt=F("deadline"))),
        overdue=Count("pk", filter=is_open & Q(deadline__lt=period.cutoff)),
        pending=Count("pk", filter=is_open & Q(deadline__gte=period.cutoff)),
        cancelled=Count("pk", filter=Q(status=PlanActivity.Status.CANCELLED)),
    )
    total = sum(figures.values())
    labels = [
        ("on_time", "Выполнены в срок"),
        ("late", "Выполнены с опозданием"),
        ("overdue", "Не выполнены, срок прошёл"),
        ("pending", "Срок ещё не наступил"),
        ("cancelled", "Отменены"),
    ]
    return Table(
        "activities",
        "Мероприятия планов",
        ["Мероприятия со сроком в периоде", "Количество", "Доля, %"],
        [[label, figures[key], (share(figures[key], total))] for key, label in labels],
        note="Мероприятия планов пар и групп, действовавших в периоде, со сроком в периоде. «В срок» — отметка "
        "о выполнении не позже срока.",
    )


# The «last month» of a period: the days up to its cutoff in which a working pair is expected to have met.
MEETING_MONTH_DAYS = 30


def _meetings(worked, period: Period, everyday: dict, gap_weeks: int) -> Table:
    """Meetings of the period (monitoring.meeting_figures), the share of pairs and groups that met in the period's
    last month, those without a meeting for longer than the organisation's gap, the mean rating."""
    month_start = period.cutoff - timedelta(days=MEETING_MONTH_DAYS - 1)
    recent = Meeting.objects.filter(mentorship=OuterRef("pk"), date__gte=month_start, date__lte=period.cutoff)
    working = worked.filter(started_on__lte=period.cutoff).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=month_start)
    )
    pairs = working.aggregate(total=Count("pk"), met=Count("pk", filter=Q(Exists(recent))))
    return Table(
        "meetings",
        "Встречи наставников и наставляемых",
        ["Показатель", "Значение"],
        [
            ["Встреч проведено в периоде", everyday["meetings"]],
            ["Пар и групп, работавших в последний месяц периода", pairs["total"]],
            ["из них встречались в последний месяц, %", share(pairs["met"], pairs["total"])],
            [f"Пар и групп без встреч {gap_weeks} нед. и дольше на {period.cutoff:%d.%m.%Y}", everyday["quiet"]],
            ["Отзывов наставляемых о встречах", everyday["rated"]],
            ["Средняя оценка встреч наставляемыми (из 5)", rounded(everyday["rating"])],
        ],
        note=f"Последний месяц периода — {MEETING_MONTH_DAYS} дней по {period.cutoff:%d.%m.%Y}. Встречи записывают "
        "наставники и куратор в журнале встреч пары (группы), оценку от 1 до 5 ставят наставляемые. Срок без "
        "встреч, после которого пара отмечается на странице «Пары и группы», — настройка организации.",
    )


def _certificates(everyday: dict) -> Table:
    return Table(
        "certificates",
        "Справки и благодарственные письма",
        ["Документ", "Выдано в периоде"],
        [
            ["Справки об участии в программе наставничества", everyday["participation"]],
            ["Благодарственные письма наставникам", everyday["thanks"]],
        ],
        note="Документы регистрируются в журнале выдачи; выдаются из карточки работника или списком.",
    )


def _short_forms(ids: list[int], period: Period) -> Table:
    """Situational and speed mentoring of the period by kind: sessions, mentors and mentees (each counted once per
    kind). Apart from programmes: these records have no programme and are not counted among pairs and groups."""
    qs = ShortMentoring.objects.filter(organization_id__in=ids, date__gte=period.start, date__lte=period.end)
    counts = {
        row["kind"]: row
        for row in qs.values("kind").annotate(
            n=Count("pk", distinct=True),
            mentors_n=Count("mentors", distinct=True),
            mentees_n=Count("mentees", distinct=True),
        )
    }
    rows = []
    for kind in ShortMentoring.Kind:
        row = counts.get(kind.value, {})
        rows.append([kind.label, row.get("n", 0), row.get("mentors_n", 0), row.get("mentees_n", 0)])
    return Table(
        "short_forms",
        "Ситуационное и скоростное наставничество",
        ["Вид", "Встреч (записей)", "Наставников", "Наставляемых"],
        rows,
        note="Краткие формы наставничества проводятся без персонализированной программы и в числе пар и групп не "
        "учитываются.",
    )


def _events(ids: list[int], period: Period) -> Table:
    """Events of the period by kind: held, planned (not held yet), and participations in the held ones."""
    qs = Event.objects.filter(organization_id__in=ids, date__gte=period.start, date__lte=period.end)
    held = Q(status=Event.Status.HELD)
    counts = {
        row["kind"]: row
        for row in qs.values("kind").annotate(
            held_n=Count("pk", filter=held, distinct=True),
            planned_n=Count("pk", filter=Q(status=Event.Status.PLANNED), distinct=True),
            people_n=Count("participants", filter=held),
        )
    }
    rows = []
    for kind in Event.Kind:
        row = counts.get(kind.value, {})
        rows.append([kind.label, row.get("held_n", 0), row.get("planned_n", 0), row.get("people_n", 0)])
    return Table(
        "events",
        "Мероприятия программы наставничества",
        ["Вид", "Проведено", "Запланировано", "Участий в проведённых"],
        rows,
        note="Семинары, мастер-классы, конкурсы, занятия школы наставников и встречи сообщества наставников с датой "
        "в периоде; отменённые не учитываются.",
    )


def _satisfaction_qs(ids: list[int], period: Period):
    return (
        satisfaction_answers(ids, period)
        .order_by()
        .values("response__invitation__role")
        .annotate(
            avg=Avg(percent_of_scale()),
            people=Count("response__invitation__person_id", distinct=True),
            n=Count("pk"),
        )
    )


def _satisfaction(rows: list[dict]) -> Table:
    found = {r["response__invitation__role"]: r for r in rows}
    table = []
    for role in ("mentee", "mentor"):
        r = found.get(role)
        table.append([ROLE_LABELS[role], rounded(r["avg"]) if r else None, r["people"] if r else 0, r["n"] if r else 0])
    return Table(
        "satisfaction",
        "Удовлетворённость участников",
        ["Участники", "Средняя оценка, %", "Ответили, чел.", "Оценок"],
        table,
        note="Оценки по шкалам анкет удовлетворённости, приведённые к 0–100 %: нижняя отметка шкалы — 0 %, "
        "верхняя — 100 %. Учтены анкетирования, запущенные в периоде.",
    )


def _questions_qs(ids: list[int], period: Period):
    return (
        satisfaction_answers(ids, period)
        .order_by()
        .values(
            "question_id",
            "question__text",
            "question__scale_min",
            "question__scale_max",
            "question__position",
            "response__invitation__role",
        )
        .annotate(avg=Avg("number"), pct=Avg(percent_of_scale()), n=Count("pk"))
        .order_by("response__invitation__role", "question__position", "question_id")
    )


def _questions(ids: list[int], period: Period) -> Table:
    rows = _questions_qs(ids, period)
    table = [
        [
            r["question__text"],
            ROLE_LABELS[r["response__invitation__role"]],
            f"{r['question__scale_min']}–{r['question__scale_max']}",
            rounded(r["avg"]),
            rounded(r["pct"]),
            r["n"],
        ]
        for r in rows
    ]
    return Table(
        "questions",
        "Удовлетворённость по вопросам анкет",
        ["Вопрос", "Отвечали", "Шкала", "Средняя оценка", "В %", "Оценок"],
        table,
    )


def _growth_qs(ids: list[int], period: Period):
    return (
        growth_answers(ids, period)
        .order_by()
        .values("response__invitation__role", "question__domain", "response__invitation__round__moment")
        .annotate(
            avg=Avg(percent_of_scale()),
            programmes=Count("response__invitation__programme_id", distinct=True),
            n=Count("pk"),
        )
    )


def _growth(rows: list[dict]) -> Table:
    found: dict[tuple, dict] = defaultdict(dict)
    for r in rows:
        key = (r["response__invitation__role"], r["question__domain"])
        found[key][r["response__invitation__round__moment"]] = r
    table = []
    for role in ("mentee", "mentor"):
        for domain in DOMAINS:
            m = found.get((role, domain.value), {})
            start, end = m.get("start"), m.get("end")
            if not (start and end):
                continue
            table.append(
                [
                    f"{ROLE_LABELS[role]}: {domain.label[0].lower()}{domain.label[1:]}",
                    rounded(start["avg"]),
                    rounded(end["avg"]),
                    rounded(end["avg"] - start["avg"]),
                    end["programmes"],
                ]
            )
    return Table(
        "growth",
        "Рост участников по самооценке",
        ["Сторона роста", "В начале, %", "В конце, %", "Изменение, п. п.", "Программ"],
        table,
        note="Средняя самооценка по вопросам каждой стороны роста в анкетировании «начало программы» и "
        "«окончание программы» тех же программ и участников; учтены программы, итоговое анкетирование которых "
        "запущено в периоде. Шкалы приведены к 0–100 %.",
    )


def _young_qs(ids: list[int], period: Period):
    young = MenteeEntry.objects.filter(person_id=OuterRef("person_id"), category__code=YOUNG_SPECIALIST)
    return (
        Mentorship.mentees.through.objects.filter(
            Exists(young),
            mentorship__organization_id__in=ids,
            mentorship__state__in=ENDED,
            mentorship__ended_on__lte=one_year_before(period.end),
        )
        .order_by()
        .values("person_id", "person__left_on")
        .annotate(last=Max("mentorship__ended_on"))
    )


def _young(ids: list[int], period: Period) -> Table:
    """Young specialists whose pair ended at least a year before the period's end: did they stay?"""
    limit = one_year_before(period.end)
    rows = _young_qs(ids, period)
    total = stayed = working = 0
    for r in rows:
        total += 1
        left = r["person__left_on"]
        stayed += left is None or left > one_year_later(r["last"])
        working += left is None
    return Table(
        "young",
        "Закрепление молодых специалистов",
        ["Молодые специалисты, завершившие программу не позднее чем за год до конца периода", "Человек", "Доля, %"],
        [
            ["Всего", total, (share(total, total))],
            ["Работали в организации через год после окончания программы", stayed, (share(stayed, total))],
            ["Работают в организации сейчас", working, (share(working, total))],
        ],
        note=f"Учтены молодые (начинающие) специалисты, чья пара или группа завершилась по {limit:%d.%m.%Y}.",
    )


def _pct(value: float | None) -> str:
    return "нет данных" if value is None else f"{value:g} %".replace(".", ",")
