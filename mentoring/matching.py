"""Matching mentees with mentors: the score of a pair with its reasons, and the whole-bank optimal proposal.

Everything here but `load_bank` and `create_draft` is a pure function over plain data (`MenteeData`,
`MentorData`, the pair history), so the rules can be tested and benchmarked without a database.

How a pair is scored (0–100, the parts below add up, the sum is clipped to 0–100):

* ``W_DIRECTIONS`` — the share of the mentee's requested directions the mentor's competencies cover
  (all of them: the full weight; two of three: two thirds of it). The request is what matching is for, so it
  weighs most.
* ``W_SELECTED`` — the mentor was selected after the interview. A candidate not yet selected may still be
  chosen, but scores lower and is flagged.
* ``W_PROFILE`` — the same position (normalised: case, ё, spaces), or the mentor's subjects or age groups
  name a subject of the mentee's position (compared by word stems).
* ``W_TRAINED`` — the mentor attended a training event for mentors.
* ``W_EXPERIENCE`` — the mentor has at least ``EXPERIENCE_GAP_YEARS`` more years of teaching experience;
  less than that but not less than the mentee's gives ``EXPERIENCE_SMALL_SHARE`` of the weight; a mentor with
  less experience than the mentee loses ``EXPERIENCE_PENALTY``.
* ``W_CAPACITY`` — room to spare: two free places or more; the mentor's last free place gives half.
* ``W_PREFERENCE`` — the mentee chose this mentor among the two or three proposed to them (mentoring.choosing):
  enough to put the chosen one first among equals, not enough to outweigh a mentor who covers the request.
* The same two people worked together before: a completed programme adds ``BONUS_WORKED_TOGETHER``; a pair
  ended early on the mentor's or the mentee's initiative (or both) loses ``PENALTY_ENDED_EARLY``; one ended by
  the curator because the programme was not carried out loses ``PENALTY_NOT_CARRIED_OUT``.

The weights of a mentor who fits in every respect add up to the cap itself, so the bonuses (a preference, having
worked together) would vanish in the clip exactly where they matter: between two mentors who both fit. What
lies beyond the cap therefore breaks ties: the shown score stays clipped, and of two equal scores the one with
more beyond the cap ranks first, in a mentee's list (`Match.beyond`) and in the whole-bank proposal (`TIE_BREAK`).

The whole-bank proposal does not offer pairs scoring below ``MIN_PROPOSAL_SCORE``, nor a mentor who covers
none of the requested directions: such a pair is the curator's call, made from the mentee's ranked list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from core.templatetags.ru import plural_form
from core.text import initials_name, name_key
from mentoring import notify
from mentoring.models import Mentorship, MentorshipEvent, lock_people, recount_places
from people.models import Consent, Direction, MenteeEntry, MentorEntry, MentoringForm, MentoringKind, Purpose

W_DIRECTIONS = 45.0
W_SELECTED = 15.0
W_PROFILE = 15.0
W_TRAINED = 10.0
W_EXPERIENCE = 10.0
W_CAPACITY = 5.0
W_PREFERENCE = 10.0
EXPERIENCE_GAP_YEARS = 5
EXPERIENCE_SMALL_SHARE = 0.4
EXPERIENCE_PENALTY = 15.0
BONUS_WORKED_TOGETHER = 5.0
PENALTY_ENDED_EARLY = 40.0
# Points beyond the cap, scaled down to decide only between equal (clipped, rounded to 0.1) scores.
TIE_BREAK = 0.001
PENALTY_NOT_CARRIED_OUT = 25.0
MIN_PROPOSAL_SCORE = 20.0
MAX_SCORE = 100.0

# A pair the rules forbid; large and finite, so the solver's arithmetic stays exact.
IMPOSSIBLE = -1e9

CANDIDATE_FLAG = "кандидат, ещё не отобран"

# Outcomes of an earlier pair of the same two people, worst first.
ENDED_EARLY = "ended_early"
NOT_CARRIED_OUT = "not_carried_out"
COMPLETED = "completed"
OUTCOME_ORDER = (ENDED_EARLY, NOT_CARRIED_OUT, COMPLETED)

# Words of a position that say nothing about the subject taught.
GENERIC_WORDS = frozenset(
    [
        "учитель",
        "учителя",
        "преподаватель",
        "педагог",
        "старший",
        "младший",
        "главный",
        "ведущий",
        "заместитель",
        "директора",
        "заведующего",
        "руководитель",
        "классов",
        "класс",
        "группы",
        "группа",
        "лет",
        "по",
        "и",
        "в",
        "с",
        "для",
        "на",
        "дополнительного",
        "образования",
    ]
)
STEM = 5
_WORD = re.compile(r"[a-zа-я]+")


@dataclass(frozen=True)
class MenteeData:
    entry_id: int
    person_id: int
    short_name: str
    position: str = ""
    experience: int | None = None
    directions: tuple[tuple[int, str], ...] = ()
    status: str = "waiting"
    category: str = ""
    in_pair_draft: bool = False  # already in a draft, proposed or active pair or group
    duties_consent: bool = True
    preferred_mentor_id: int | None = None  # the person the mentee chose among the proposed mentors


@dataclass(frozen=True)
class MentorData:
    entry_id: int
    person_id: int
    short_name: str
    position: str = ""
    experience: int | None = None
    competencies: frozenset[int] = frozenset()
    subjects: str = ""
    status: str = "selected"  # selected, candidate or released
    capacity: int = 1
    capacity_left: int = 1
    trained: bool = False
    pd_consent: bool = True
    duties_consent: bool = True
    left_on: date | None = None
    prefers_group: bool = False

    @property
    def is_candidate(self) -> bool:
        return self.status == "candidate"


History = dict[tuple[int, int], str]  # (mentor person id, mentee person id) → the worst earlier outcome


@dataclass
class Match:
    mentor: MentorData
    score: float
    reasons: list[str]
    flags: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)  # the reasons that count against the pair
    notes: list[str] = field(default_factory=list)  # the reasons that are neither for nor against
    beyond: float = 0.0  # points past MAX_SCORE, lost in the clip: they break ties between equal scores

    def rated(self) -> list[tuple[str, str]]:
        """Each reason with its side: «for», «against» or «note» — the page draws each side in its own style."""
        return [(r, "against" if r in self.against else "note" if r in self.notes else "for") for r in self.reasons]


# --- text helpers ---------------------------------------------------------------------------------------------


def normalise_position(position: str) -> str:
    return name_key(position).strip(" .,;")


def stems(text: str, *, skip_generic: bool = True) -> frozenset[str]:
    """Word stems (the first letters) of the meaningful words: «математики» and «Математика» share «матем»."""
    words = _WORD.findall(name_key(text))
    return frozenset(w[:STEM] for w in words if len(w) >= 4 and not (skip_generic and w in GENERIC_WORDS))


def _years(n: int) -> str:
    return f"{n} {plural_form(n, 'год', 'года', 'лет')}"


def _lower_first(text: str) -> str:
    """«Методическое» → «методическое», but «ИКТ-компетентность» stays as is."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


# --- exclusions -----------------------------------------------------------------------------------------------


def mentor_exclusion(mentor: MentorData) -> str | None:
    """Why the mentor cannot take anyone now, or None."""
    if mentor.status == "released":
        return "Выведен(а) из банка наставников"
    if mentor.left_on is not None:
        return "Не работает в организации"
    if not mentor.pd_consent:
        return "Нет действующего согласия на обработку персональных данных"
    if not mentor.duties_consent:
        return "Нет согласия на дополнительные обязанности наставника"
    if mentor.capacity_left <= 0:
        return f"Нет свободных мест: занято {mentor.capacity - mentor.capacity_left} из {mentor.capacity}"
    return None


def exclusion(mentee: MenteeData, mentor: MentorData) -> str | None:
    if mentor.person_id == mentee.person_id:
        return "Это сам наставляемый"
    return mentor_exclusion(mentor)


# --- the score of one pair, with its reasons -------------------------------------------------------------------


def explain(mentee: MenteeData, mentor: MentorData, history: History | None = None) -> Match:
    """Score one pair and say why. Raises nothing for an excluded pair: check `exclusion` first."""
    points = 0.0
    reasons: list[str] = []
    flags: list[str] = []
    against: list[str] = []
    notes: list[str] = []

    def con(text: str) -> None:
        reasons.append(text)
        against.append(text)

    def note(text: str) -> None:
        reasons.append(text)
        notes.append(text)

    requested = mentee.directions
    if requested:
        covered = [name for pk, name in requested if pk in mentor.competencies]
        points += W_DIRECTIONS * len(covered) / len(requested)
        if covered:
            names = ", ".join(_lower_first(n) for n in covered)
            reasons.append(f"Покрывает {len(covered)} из {len(requested)} запросов: {names}")
        else:
            con(f"Не покрывает ни одного из запросов ({len(requested)})")
    else:
        note("В запросе наставляемого не указаны направления")

    if mentor.is_candidate:
        flags.append(CANDIDATE_FLAG)
        con("Кандидат: ещё не отобран(а) в наставники")
    else:
        points += W_SELECTED
        reasons.append("Отобран(а) в наставники")

    profile = _profile(mentee, mentor)
    if profile:
        points += W_PROFILE
        reasons.append(profile)

    if mentor.trained:
        points += W_TRAINED
        reasons.append("Прошёл(ла) обучение наставников")
    else:
        con("Не проходил(а) обучение наставников")

    if mentee.experience is not None and mentor.experience is not None:
        gap = mentor.experience - mentee.experience
        if gap >= EXPERIENCE_GAP_YEARS:
            points += W_EXPERIENCE
            reasons.append(f"Стаж больше на {_years(gap)}")
        elif gap > 0:
            points += W_EXPERIENCE * EXPERIENCE_SMALL_SHARE
            note(f"Стаж больше лишь на {_years(gap)}")
        elif gap == 0:
            points += W_EXPERIENCE * EXPERIENCE_SMALL_SHARE
            note("Стаж такой же, как у наставляемого")
        else:
            points -= EXPERIENCE_PENALTY
            con(f"Стаж меньше, чем у наставляемого, на {_years(-gap)}")
    else:
        note("Стаж одного из двоих не указан")

    if mentor.capacity_left >= 2:
        points += W_CAPACITY
        reasons.append(f"Свободно мест: {mentor.capacity_left} из {mentor.capacity}")
    else:
        points += W_CAPACITY / 2
        note(f"Последнее свободное место из {mentor.capacity}")

    if mentee.preferred_mentor_id is not None and mentee.preferred_mentor_id == mentor.person_id:
        points += W_PREFERENCE
        reasons.append("Этого наставника наставляемый выбрал сам среди предложенных")

    earlier = (history or {}).get((mentor.person_id, mentee.person_id))
    if earlier == ENDED_EARLY:
        points -= PENALTY_ENDED_EARLY
        con("Уже были в паре, которая распалась досрочно по инициативе участников")
        flags.append("прежняя пара распалась")
    elif earlier == NOT_CARRIED_OUT:
        points -= PENALTY_NOT_CARRIED_OUT
        con("Уже были в паре, завершённой куратором: программа не выполнялась")
        flags.append("прежняя программа не выполнялась")
    elif earlier == COMPLETED:
        points += BONUS_WORKED_TOGETHER
        reasons.append("Уже работали вместе, программа завершена")

    beyond = round(max(points - MAX_SCORE, 0.0), 1)
    return Match(
        mentor=mentor, score=_clip(points), reasons=reasons, flags=flags, against=against, notes=notes, beyond=beyond
    )


def _clip(points: float) -> float:
    return round(min(max(points, 0.0), MAX_SCORE), 1)


def _profile(mentee: MenteeData, mentor: MentorData) -> str:
    position = normalise_position(mentee.position)
    if position and position == normalise_position(mentor.position):
        return f"Та же должность: {position}"
    if mentor.subjects and stems(mentee.position) & stems(mentor.subjects, skip_generic=False):
        return f"Предметы наставника совпадают с должностью наставляемого: {_lower_first(mentor.subjects)}"
    return ""


# --- all pairs at once ------------------------------------------------------------------------------------------


def score_matrix(
    mentees: Sequence[MenteeData],
    mentors: Sequence[MentorData],
    history: History | None = None,
    *,
    require_cover: bool = False,
    tie_break: bool = False,
):
    """Scores of every mentee (rows) with every mentor (columns), `IMPOSSIBLE` where a rule forbids the pair.

    The same arithmetic as `explain`, on arrays: a whole bank of 1,000 × 300 takes milliseconds. With
    `require_cover`, a mentor who covers none of the mentee's requested directions is ruled out too: the
    whole-bank proposal never offers such a pair (the curator still may, from the mentee's ranked list). With
    `tie_break`, each score carries its points beyond the cap times TIE_BREAK (for the solver, not to be shown).
    """
    n, m = len(mentees), len(mentors)
    if not n or not m:
        return np.zeros((n, m))
    directions = sorted({pk for e in mentees for pk, _ in e.directions})
    index = {pk: k for k, pk in enumerate(directions)}
    requested = np.zeros((n, len(directions)))
    for i, e in enumerate(mentees):
        for pk, _ in e.directions:
            requested[i, index[pk]] = 1
    offered = np.zeros((m, len(directions)))
    for j, t in enumerate(mentors):
        for pk in t.competencies:
            if pk in index:
                offered[j, index[pk]] = 1
    wanted = requested.sum(axis=1)
    covered = requested @ offered.T
    points = np.where(wanted[:, None] > 0, W_DIRECTIONS * covered / np.maximum(wanted, 1)[:, None], 0.0)

    selected = np.array([0.0 if t.is_candidate else W_SELECTED for t in mentors])
    trained = np.array([W_TRAINED if t.trained else 0.0 for t in mentors])
    room = np.array([W_CAPACITY if t.capacity_left >= 2 else W_CAPACITY / 2 for t in mentors])
    points = points + (selected + trained + room)[None, :]
    points = points + W_PROFILE * _profile_matrix(mentees, mentors)
    points = points + _experience_matrix(mentees, mentors)

    rows = {e.person_id: [] for e in mentees}
    for i, e in enumerate(mentees):
        rows[e.person_id].append(i)
    cols = {}
    for j, t in enumerate(mentors):
        cols.setdefault(t.person_id, []).append(j)
    adjust = {
        ENDED_EARLY: -PENALTY_ENDED_EARLY,
        NOT_CARRIED_OUT: -PENALTY_NOT_CARRIED_OUT,
        COMPLETED: BONUS_WORKED_TOGETHER,
    }
    for i, e in enumerate(mentees):
        for j in cols.get(e.preferred_mentor_id, ()):
            points[i, j] += W_PREFERENCE
    for (mentor_pid, mentee_pid), outcome in (history or {}).items():
        for i in rows.get(mentee_pid, ()):
            for j in cols.get(mentor_pid, ()):
                points[i, j] += adjust[outcome]

    scores = np.round(np.clip(points, 0.0, MAX_SCORE), 1)
    if tie_break:
        scores = scores + TIE_BREAK * np.round(np.maximum(points - MAX_SCORE, 0.0), 1)
    if require_cover:
        scores[(wanted[:, None] > 0) & (covered == 0)] = IMPOSSIBLE
    closed = np.array([mentor_exclusion(t) is not None for t in mentors])
    scores[:, closed] = IMPOSSIBLE
    for pid, js in cols.items():
        for i in rows.get(pid, ()):
            scores[i, js] = IMPOSSIBLE
    return scores


def _profile_matrix(mentees: Sequence[MenteeData], mentors: Sequence[MentorData]) -> np.ndarray:
    positions: dict[str, int] = {}
    mentee_pos = np.array([positions.setdefault(normalise_position(e.position), len(positions)) for e in mentees])
    mentor_pos = np.array([positions.setdefault(normalise_position(t.position), len(positions)) for t in mentors])
    blank = positions.get("", -1)
    same = (mentee_pos[:, None] == mentor_pos[None, :]) & (mentee_pos[:, None] != blank)

    vocabulary: dict[str, int] = {}
    mentee_words = [[vocabulary.setdefault(s, len(vocabulary)) for s in stems(e.position)] for e in mentees]
    mentor_words = [
        [vocabulary.setdefault(s, len(vocabulary)) for s in stems(t.subjects, skip_generic=False)] for t in mentors
    ]
    a = np.zeros((len(mentees), len(vocabulary) or 1))
    b = np.zeros((len(mentors), len(vocabulary) or 1))
    for i, words in enumerate(mentee_words):
        a[i, words] = 1
    for j, words in enumerate(mentor_words):
        b[j, words] = 1
    return (same | ((a @ b.T) > 0)).astype(float)


def _experience_matrix(mentees: Sequence[MenteeData], mentors: Sequence[MentorData]) -> np.ndarray:
    mine = np.array([np.nan if e.experience is None else e.experience for e in mentees], dtype=float)
    theirs = np.array([np.nan if t.experience is None else t.experience for t in mentors], dtype=float)
    gap = theirs[None, :] - mine[:, None]
    known = ~np.isnan(gap)
    gap = np.nan_to_num(gap)
    small = W_EXPERIENCE * EXPERIENCE_SMALL_SHARE
    value = np.where(gap >= EXPERIENCE_GAP_YEARS, W_EXPERIENCE, np.where(gap >= 0, small, -EXPERIENCE_PENALTY))
    return np.where(known, value, 0.0)


# --- the optimal assignment ----------------------------------------------------------------------------------------


def assign(scores: np.ndarray, capacities: Sequence[int], min_score: float = 0.0) -> list[int | None]:
    """For each mentee (row) the mentor (column) it gets, or None: the assignment with the greatest total score.

    Every mentor's free place is a column of its own, and every mentee has a «no mentor» column worth 0, so
    linear_sum_assignment solves capacities and leaving someone out exactly. Pairs below `min_score` and
    forbidden ones (`IMPOSSIBLE`) are never chosen.
    """
    # SciPy is imported here, where the assignment is solved: it weighs some 40 MB in every process that loads it,
    # and most never match (the task worker, gunicorn processes that serve other pages).
    from scipy.optimize import linear_sum_assignment

    scores = np.asarray(scores, dtype=float)
    n = scores.shape[0]
    if n == 0:
        return []
    slots = np.array([j for j, c in enumerate(capacities) for _ in range(max(int(c), 0))], dtype=int)
    matrix = np.zeros((n, len(slots) + n))
    if len(slots):
        block = scores[:, slots]
        matrix[:, : len(slots)] = np.where(
            np.isfinite(block) & (block >= min_score) & (block > IMPOSSIBLE / 2), block, IMPOSSIBLE
        )
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    result: list[int | None] = [None] * n
    for r, c in zip(rows, cols, strict=True):
        if c < len(slots) and matrix[r, c] > IMPOSSIBLE / 2:
            result[r] = int(slots[c])
    return result


@dataclass
class ProposedGroup:
    mentor: MentorData
    members: list[tuple[MenteeData, Match]]

    @property
    def is_group(self) -> bool:
        return len(self.members) > 1

    @property
    def score(self) -> float:
        return round(sum(m.score for _, m in self.members) / len(self.members), 1)

    @property
    def key(self) -> str:
        """The value of the row's checkbox: the mentor's and the mentees' bank entries, no names."""
        return f"{self.mentor.entry_id}:" + ".".join(str(e.entry_id) for e, _ in self.members)


@dataclass
class Proposal:
    groups: list[ProposedGroup]
    unmatched: list[MenteeData]
    total: float


@dataclass
class Bank:
    mentees: list[MenteeData]
    mentors: list[MentorData]
    history: History = field(default_factory=dict)

    def candidates(self) -> list[MenteeData]:
        """Mentees the whole-bank proposal places: waiting or supported, not already in a pair draft."""
        return [e for e in self.mentees if not e.in_pair_draft]


def propose(bank: Bank, min_score: float = MIN_PROPOSAL_SCORE) -> Proposal:
    mentees = bank.candidates()
    scores = score_matrix(mentees, bank.mentors, bank.history, require_cover=True, tie_break=True)
    chosen = assign(scores, [max(t.capacity_left, 0) for t in bank.mentors], min_score)
    by_mentor: dict[int, list[tuple[MenteeData, Match]]] = {}
    unmatched = []
    for mentee, j in zip(mentees, chosen, strict=True):
        if j is None:
            unmatched.append(mentee)
        else:
            by_mentor.setdefault(j, []).append((mentee, explain(mentee, bank.mentors[j], bank.history)))
    groups = []
    for j, members in by_mentor.items():
        mentor = bank.mentors[j]
        if mentor.prefers_group:
            groups.append(ProposedGroup(mentor, members))
        else:  # a mentor who did not offer group mentoring takes each mentee in a pair of their own
            groups.extend(ProposedGroup(mentor, [member]) for member in members)
    groups.sort(key=lambda g: (-g.score, g.mentor.short_name))
    total = round(sum(m.score for g in groups for _, m in g.members), 1)
    return Proposal(groups=groups, unmatched=unmatched, total=total)


def rank(mentee: MenteeData, bank: Bank) -> tuple[list[Match], list[tuple[MentorData, str]]]:
    """The mentors for one mentee, best first, and the excluded ones with the reason."""
    matches, excluded = [], []
    for mentor in bank.mentors:
        reason = exclusion(mentee, mentor)
        if reason:
            excluded.append((mentor, reason))
        else:
            matches.append(explain(mentee, mentor, bank.history))
    matches.sort(key=lambda m: (-m.score, -m.beyond, m.mentor.is_candidate, m.mentor.short_name))
    excluded.sort(key=lambda x: x[0].short_name)
    return matches, excluded


# --- from and to the database ---------------------------------------------------------------------------------------


def load_bank(org) -> Bank:
    """The organisation's waiting mentees, its mentors and the history of earlier pairs, in six queries."""

    def consent(purpose: str) -> Exists:
        return Exists(Consent.objects.active().filter(person_id=OuterRef("person_id"), purpose=purpose))

    holding = Mentorship.mentees.through.objects.filter(
        person_id=OuterRef("person_id"), mentorship__state__in=Mentorship.HOLDING_STATES
    )
    entries = (
        MenteeEntry.objects.for_org(org)
        .without_mentor()
        .select_related("person", "category")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position", "name")))
        .annotate(in_pair_draft=Exists(holding), duties=consent(Purpose.DUTIES))
        .order_by("request_date", "id")
    )
    mentees = [
        MenteeData(
            entry_id=e.pk,
            person_id=e.person_id,
            short_name=e.person.short_name,
            position=e.person.position,
            experience=e.person.experience_years,
            directions=tuple((d.pk, d.name) for d in e.directions.all()),
            status=e.status,
            category=e.category.name,
            in_pair_draft=e.in_pair_draft,
            duties_consent=e.duties,
            preferred_mentor_id=e.preferred_mentor_id,
        )
        for e in entries
    ]

    rows = (
        MentorEntry.objects.for_org(org)
        .select_related("person")
        .prefetch_related(
            Prefetch("competencies", queryset=Direction.objects.only("pk")),
            Prefetch("preferred_kinds", queryset=MentoringKind.objects.filter(code="group").only("pk")),
        )
        .with_training()
        .with_capacity_left()
        .annotate(pd=consent(Purpose.PERSONAL_DATA), duties=consent(Purpose.DUTIES))
        .order_by("person__surname", "person__name", "person__patronymic", "id")
    )
    rows = list(rows)
    open_people = {t.person_id for t in rows if t.status != MentorEntry.Status.RELEASED}
    mentors, seen = [], set()
    for t in rows:
        # A released questionnaire is shown only for someone who has no current one.
        if (t.status == MentorEntry.Status.RELEASED and t.person_id in open_people) or t.person_id in seen:
            continue
        seen.add(t.person_id)
        p = t.person
        mentors.append(
            MentorData(
                entry_id=t.pk,
                person_id=t.person_id,
                short_name=initials_name(p.surname, p.name, p.patronymic),
                position=p.position,
                experience=p.experience_years,
                competencies=frozenset(d.pk for d in t.competencies.all()),
                subjects=t.subjects,
                status=t.status,
                capacity=t.capacity,
                capacity_left=t.capacity_left,
                trained=t.trained,
                pd_consent=t.pd,
                duties_consent=t.duties,
                left_on=p.left_on,
                prefers_group=bool(t.preferred_kinds.all()),
            )
        )
    return Bank(mentees=mentees, mentors=mentors, history=load_history(org))


def load_history(org) -> History:

    State, Reason = Mentorship.State, Mentorship.EndReason
    rows = Mentorship.mentees.through.objects.filter(
        mentorship__organization=org, mentorship__state__in=[State.COMPLETED, State.ENDED_EARLY]
    ).values_list("mentorship__mentor_id", "person_id", "mentorship__state", "mentorship__end_reason")
    history: History = {}
    for mentor_id, mentee_id, state, reason in rows:
        if state == State.COMPLETED or reason == Reason.PLAN_FULFILLED:
            outcome = COMPLETED
        elif reason == Reason.NOT_CARRIED_OUT:
            outcome = NOT_CARRIED_OUT
        else:
            outcome = ENDED_EARLY
        key = (mentor_id, mentee_id)
        if key not in history or OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(history[key]):
            history[key] = outcome
    return history


def first_of_next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """Only for the first of a month, as planned starts are: no day-of-month overflow to handle."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, day.day)


PLANNED_MONTHS = 9


@dataclass
class Accepted:
    created: list = field(default_factory=list)  # Mentorship drafts
    skipped: list[str] = field(default_factory=list)


def accept(org, picks: Sequence[tuple[int, Sequence[int]]], *, by, note: str = "", manual: bool = False) -> Accepted:
    """Create a draft pair or group for each (mentor entry, mentee entries) pick, re-checking every rule now.

    The bank may have changed since the proposal was shown: a mentor's places taken, a consent withdrawn, a
    mentee placed elsewhere. What no longer holds is skipped with the reason; the rest is created in one
    transaction, with the chosen bank rows locked so two curators cannot fill the same place twice.
    """

    result = Accepted()
    with transaction.atomic():
        mentor_ids = sorted({m for m, _ in picks})
        mentee_ids = sorted({e for _, es in picks for e in es})
        # The people first, as the pair form and the approval do (mentoring.models.lock_people), then their rows.
        people = MentorEntry.objects.filter(organization=org, pk__in=mentor_ids).values_list("person_id", flat=True)
        lock_people(
            [
                *people,
                *MenteeEntry.objects.filter(organization=org, pk__in=mentee_ids).values_list("person_id", flat=True),
            ]
        )
        list(
            MentorEntry.objects.select_for_update()
            .filter(organization=org, pk__in=mentor_ids)
            .order_by("pk")
            .values("pk")
        )
        list(
            MenteeEntry.objects.select_for_update()
            .filter(organization=org, pk__in=mentee_ids)
            .order_by("pk")
            .values("pk")
        )
        bank = load_bank(org)
        mentors = {t.entry_id: t for t in bank.mentors}
        mentees = {e.entry_id: e for e in bank.mentees}
        left = {t.entry_id: t.capacity_left for t in bank.mentors}
        placed: set[int] = set()
        form = MentoringForm.objects.filter(organization=org, code="teacher-teacher").first()
        kinds = {k.code: k for k in MentoringKind.objects.filter(organization=org, code__in=["group", "traditional"])}
        start = first_of_next_month(timezone.localdate())
        for mentor_entry_id, mentee_entry_ids in picks:
            mentor = mentors.get(mentor_entry_id)
            if mentor is None or mentor.status == MentorEntry.Status.RELEASED:
                result.skipped.append("Наставник больше не состоит в банке наставников.")
                continue
            members: list[tuple[MenteeData, Match]] = []
            for entry_id in mentee_entry_ids:
                mentee = mentees.get(entry_id)
                if mentee is None:
                    result.skipped.append(f"{mentor.short_name}: наставляемый больше не ожидает наставника.")
                    continue
                if mentee.in_pair_draft or mentee.person_id in placed:
                    result.skipped.append(f"{mentee.short_name} уже включён(а) в пару или группу.")
                    continue
                reason = exclusion(mentee, replace(mentor, capacity_left=left[mentor.entry_id]))
                if reason:
                    result.skipped.append(f"{mentee.short_name} — {mentor.short_name}: {_lower_first(reason)}.")
                    continue
                members.append((mentee, explain(mentee, mentor, bank.history)))
                left[mentor.entry_id] -= 1
                placed.add(mentee.person_id)
            if not members:
                continue
            group = ProposedGroup(mentor, members)
            if len(members) == 1:
                reasons = list(members[0][1].reasons)
            else:
                reasons = [f"{e.short_name} ({m.score:g}): " + "; ".join(m.reasons) for e, m in members]
            if manual:
                reasons.insert(0, "Наставник выбран куратором.")
            pair = Mentorship.objects.create(
                organization=org,
                mentor_id=mentor.person_id,
                form=form,
                planned_start=start,
                planned_end=add_months(start, PLANNED_MONTHS),
                match_score=group.score,
                match_reasons=reasons,
                created_by=by,
            )
            pair.mentees.set([e.person_id for e, _ in members])
            kind = kinds.get("group" if group.is_group else "traditional")
            if kind:
                pair.kinds.add(kind)
            MentorshipEvent.objects.create(
                mentorship=pair, actor=by, from_state="", to_state=Mentorship.State.DRAFT, note=note
            )
            notify.pair_to_confirm(pair)
            result.created.append(pair)
        recount_places(mentor_ids={m.mentor_id for m in result.created})
    return result
