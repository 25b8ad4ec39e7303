"""The matching rules on plain data: scores and reasons, exclusions, and the optimality of the whole-bank proposal."""

from __future__ import annotations

import itertools
import random
from datetime import date

import numpy as np
import pytest

from mentoring import matching as m
from mentoring.matching import Bank, MenteeData, MentorData

METHODICAL, ICT, PSYCHOLOGICAL = (1, "Методическое"), (2, "ИКТ-компетентность"), (3, "Психолого-педагогическое")


def mentee(n: int = 1, **fields) -> MenteeData:
    values = {
        "entry_id": n,
        "person_id": 1000 + n,
        "short_name": f"Смирнова{n} Д. А.",
        "position": "Учитель физики",
        "experience": 1,
        "directions": (METHODICAL, ICT, PSYCHOLOGICAL),
    }
    return MenteeData(**{**values, **fields})


def mentor(n: int = 1, **fields) -> MentorData:
    values = {
        "entry_id": n,
        "person_id": 2000 + n,
        "short_name": f"Фролова{n} Г. П.",
        "position": "Учитель истории",
        "experience": 20,
        "competencies": frozenset({1, 2}),
        "subjects": "История, 5–9 классы",
        "capacity": 2,
        "capacity_left": 2,
        "trained": True,
    }
    return MentorData(**{**values, **fields})


# --- one pair --------------------------------------------------------------------------------------------------


def test_reasons_say_which_requests_the_mentor_covers():
    match = m.explain(mentee(), mentor())
    assert match.reasons[0] == "Покрывает 2 из 3 запросов: методическое, ИКТ-компетентность"
    assert "Стаж больше на 19 лет" in match.reasons
    assert "Свободно мест: 2 из 2" in match.reasons
    assert "Прошёл(ла) обучение наставников" in match.reasons
    assert match.score == pytest.approx(
        m.W_DIRECTIONS * 2 / 3 + m.W_SELECTED + m.W_TRAINED + m.W_EXPERIENCE + m.W_CAPACITY
    )


def test_a_mentor_covering_everything_who_fits_in_every_way_scores_100():
    match = m.explain(
        mentee(position="Учитель математики"),
        mentor(competencies=frozenset({1, 2, 3}), subjects="Математика, 5–11 классы"),
    )
    assert match.score == 100
    assert "Предметы наставника совпадают с должностью наставляемого: математика, 5–11 классы" in match.reasons


def test_same_position_is_compared_normalised():
    match = m.explain(mentee(position="  Воспитатель "), mentor(position="воспитатель", subjects=""))
    assert "Та же должность: воспитатель" in match.reasons


def test_a_different_subject_earns_nothing_for_profile():
    plain = m.explain(mentee(position="Учитель физики"), mentor(subjects="История"))
    assert not any("должност" in r.lower() and "совпада" in r for r in plain.reasons)
    assert not any(r.startswith("Та же должность") for r in plain.reasons)


def test_a_candidate_scores_lower_and_is_flagged():
    selected = m.explain(mentee(), mentor())
    candidate = m.explain(mentee(), mentor(status="candidate"))
    assert candidate.score == selected.score - m.W_SELECTED
    assert m.CANDIDATE_FLAG in candidate.flags
    assert not selected.flags


def test_less_experience_than_the_mentee_is_penalised():
    junior = m.explain(mentee(experience=10), mentor(experience=4))
    senior = m.explain(mentee(experience=10), mentor(experience=15))
    assert "Стаж меньше, чем у наставляемого, на 6 лет" in junior.reasons
    assert senior.score - junior.score == m.W_EXPERIENCE + m.EXPERIENCE_PENALTY


def test_a_completed_earlier_pair_adds_a_little_and_an_early_end_takes_a_lot():
    e, t = mentee(), mentor(trained=False)
    base = m.explain(e, t).score
    done = m.explain(e, t, {(t.person_id, e.person_id): m.COMPLETED})
    ended = m.explain(e, t, {(t.person_id, e.person_id): m.ENDED_EARLY})
    assert done.score == base + m.BONUS_WORKED_TOGETHER
    assert "Уже работали вместе, программа завершена" in done.reasons
    assert ended.score == base - m.PENALTY_ENDED_EARLY
    assert "прежняя пара распалась" in ended.flags


def test_score_stays_between_0_and_100():
    worst = m.explain(
        mentee(experience=30), mentor(experience=1, competencies=frozenset(), status="candidate", trained=False)
    )
    assert worst.score == 0


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"capacity_left": 0}, "Нет свободных мест: занято 2 из 2"),
        ({"pd_consent": False}, "Нет действующего согласия на обработку персональных данных"),
        ({"duties_consent": False}, "Нет согласия на дополнительные обязанности наставника"),
        ({"status": "released"}, "Выведен(а) из банка наставников"),
        ({"left_on": date(2026, 1, 1)}, "Не работает в организации"),
        ({"person_id": 1001}, "Это сам наставляемый"),
    ],
)
def test_excluded_mentors_come_with_the_reason(fields, reason):
    e = mentee()
    matches, excluded = m.rank(e, Bank(mentees=[e], mentors=[mentor(**fields), mentor(2)]))
    assert [(t.entry_id, why) for t, why in excluded] == [(1, reason)]
    assert [x.mentor.entry_id for x in matches] == [2]


def test_ranked_list_is_best_first():
    e = mentee()
    mentors = [mentor(1, competencies=frozenset()), mentor(2, competencies=frozenset({1, 2, 3})), mentor(3)]
    matches, _ = m.rank(e, Bank(mentees=[e], mentors=mentors))
    assert [x.mentor.entry_id for x in matches] == [2, 3, 1]
    assert matches[0].score > matches[1].score > matches[2].score


# --- the matrix agrees with the reasons -------------------------------------------------------------------------


def random_bank(rng: random.Random, n_mentees: int, n_mentors: int, capacity=(1, 2)) -> Bank:
    directions = [(k, f"Направление {k}") for k in range(1, 7)]
    positions = ["Учитель математики", "Воспитатель", "Учитель начальных классов", "Педагог-психолог", ""]
    subjects = ["Математика, 5–9 классы", "Начальные классы", "Младшая группа", "", "Психология"]
    mentees = [
        MenteeData(
            entry_id=i,
            person_id=i,
            short_name=f"Наставляемый {i}",
            position=rng.choice(positions),
            experience=rng.choice([None, 0, 1, 3, 8]),
            directions=tuple(rng.sample(directions, rng.randint(0, 3))),
        )
        for i in range(1, n_mentees + 1)
    ]
    mentors = []
    for j in range(1, n_mentors + 1):
        cap = rng.randint(*capacity)
        mentors.append(
            MentorData(
                entry_id=j,
                # Now and then the mentor is one of the mentees (a mentor who is also a mentee elsewhere).
                person_id=rng.choice([100 + j] * 5 + [1]),
                short_name=f"Наставник {j}",
                position=rng.choice(positions),
                experience=rng.choice([None, 2, 10, 25]),
                competencies=frozenset(pk for pk, _ in rng.sample(directions, rng.randint(0, 4))),
                subjects=rng.choice(subjects),
                status=rng.choice(["selected", "selected", "candidate"]),
                capacity=cap,
                capacity_left=rng.choice([cap, cap, cap - 1]),
                trained=rng.random() < 0.5,
                duties_consent=rng.random() < 0.9,
            )
        )
    history = {
        (rng.choice(mentors).person_id, rng.choice(mentees).person_id): rng.choice(m.OUTCOME_ORDER) for _ in range(3)
    }
    return Bank(mentees=mentees, mentors=mentors, history=history)


def test_score_matrix_gives_the_same_scores_as_the_reasons():
    rng = random.Random(7)
    for _ in range(30):
        bank = random_bank(rng, 6, 5)
        scores = m.score_matrix(bank.mentees, bank.mentors, bank.history)
        for i, e in enumerate(bank.mentees):
            for j, t in enumerate(bank.mentors):
                if m.exclusion(e, t):
                    assert scores[i, j] == m.IMPOSSIBLE
                else:
                    assert scores[i, j] == pytest.approx(m.explain(e, t, bank.history).score), (e, t)


# --- the whole-bank assignment is optimal ------------------------------------------------------------------------


def brute_force(scores: np.ndarray, capacities: list[int], min_score: float) -> float:
    """The best total over every feasible assignment, trying each mentee with each mentor or none."""
    n, k = scores.shape
    best = 0.0
    options = [
        [None] + [j for j in range(k) if scores[i, j] > m.IMPOSSIBLE / 2 and scores[i, j] >= min_score]
        for i in range(n)
    ]
    for choice in itertools.product(*options):
        used = [0] * k
        total = 0.0
        for i, j in enumerate(choice):
            if j is not None:
                used[j] += 1
                total += scores[i, j]
        if all(u <= c for u, c in zip(used, capacities, strict=True)):
            best = max(best, total)
    return best


def total_of(scores: np.ndarray, chosen: list[int | None]) -> float:
    return sum(scores[i, j] for i, j in enumerate(chosen) if j is not None)


def test_assignment_is_optimal_against_brute_force_on_random_cases():
    rng = random.Random(2026)
    for case in range(40):
        bank = random_bank(rng, rng.randint(2, 5), rng.randint(1, 3))
        scores = m.score_matrix(bank.mentees, bank.mentors, bank.history)
        capacities = [max(t.capacity_left, 0) for t in bank.mentors]
        chosen = m.assign(scores, capacities, min_score=m.MIN_PROPOSAL_SCORE)
        assert total_of(scores, chosen) == pytest.approx(brute_force(scores, capacities, m.MIN_PROPOSAL_SCORE)), case
        for j, cap in enumerate(capacities):
            assert chosen.count(j) <= cap, f"case {case}: mentor {j} over capacity"
        for i, j in enumerate(chosen):
            if j is not None:
                assert scores[i, j] >= m.MIN_PROPOSAL_SCORE
                assert m.exclusion(bank.mentees[i], bank.mentors[j]) is None


def test_assignment_is_optimal_on_random_score_tables():
    rng = np.random.default_rng(5)
    for _ in range(40):
        n, k = int(rng.integers(2, 6)), int(rng.integers(1, 4))
        scores = rng.integers(0, 101, size=(n, k)).astype(float)
        scores[rng.random((n, k)) < 0.2] = m.IMPOSSIBLE
        capacities = [int(c) for c in rng.integers(1, 3, size=k)]
        chosen = m.assign(scores, capacities)
        assert total_of(scores, chosen) == pytest.approx(brute_force(scores, capacities, 0.0))
        assert all(chosen.count(j) <= c for j, c in enumerate(capacities))


def greedy(scores: np.ndarray, capacities: list[int]) -> list[int | None]:
    """First come, first served: each mentee in turn takes their best mentor who still has a place."""
    left = list(capacities)
    chosen = []
    for row in scores:
        options = [j for j in np.argsort(-row) if left[j] > 0 and row[j] > m.IMPOSSIBLE / 2]
        chosen.append(int(options[0]) if options else None)
        if options:
            left[options[0]] -= 1
    return chosen


def test_the_optimal_proposal_beats_first_come_greedy():
    # Both mentees like the methodist best; the second one has no one else who covers her request.
    first = mentee(1, directions=(METHODICAL, ICT))
    second = mentee(2, directions=(PSYCHOLOGICAL,))
    methodist = mentor(1, competencies=frozenset({1, 2, 3}), capacity=1, capacity_left=1)
    ict = mentor(2, competencies=frozenset({2}), capacity=1, capacity_left=1)
    bank = Bank(mentees=[first, second], mentors=[methodist, ict])
    scores = m.score_matrix(bank.mentees, bank.mentors, require_cover=True)
    greedy_total = total_of(scores, greedy(scores, [1, 1]))
    proposal = m.propose(bank)
    assert proposal.total > greedy_total
    pairs = {g.mentor.entry_id: [e.entry_id for e, _ in g.members] for g in proposal.groups}
    assert pairs == {1: [2], 2: [1]}
    assert not proposal.unmatched


def test_proposal_groups_several_mentees_of_a_group_mentor_and_respects_capacity():
    mentees = [mentee(n) for n in range(1, 5)]
    bank = Bank(mentees=mentees, mentors=[mentor(1, capacity=3, capacity_left=3, prefers_group=True)])
    proposal = m.propose(bank)
    (group,) = proposal.groups
    assert group.is_group and len(group.members) == 3
    assert len(proposal.unmatched) == 1
    assert group.key == "1:" + ".".join(str(e.entry_id) for e, _ in group.members)


def test_a_mentor_who_did_not_offer_group_mentoring_gets_separate_pairs():
    """Issue 19: capacity for three mentees is not an offer to lead a group."""
    mentees = [mentee(n) for n in range(1, 4)]
    proposal = m.propose(Bank(mentees=mentees, mentors=[mentor(1, capacity=3, capacity_left=3)]))
    assert len(proposal.groups) == 3
    assert not any(g.is_group for g in proposal.groups)
    assert len({g.key for g in proposal.groups}) == 3


def test_reasons_come_with_their_side():
    junior = mentor(1, trained=False, experience=0, status="candidate")
    match = m.explain(mentee(1, experience=3), junior)
    sides = dict(match.rated())
    assert sides["Покрывает 2 из 3 запросов: методическое, ИКТ-компетентность"] == "for"
    assert sides["Не проходил(а) обучение наставников"] == "against"
    assert sides["Кандидат: ещё не отобран(а) в наставники"] == "against"
    assert sides["Стаж меньше, чем у наставляемого, на 3 года"] == "against"
    assert sides["Свободно мест: 2 из 2"] == "for"
    assert set(sides.values()) == {"for", "against"}
    assert dict(m.explain(mentee(1, experience=None), mentor(1)).rated())["Стаж одного из двоих не указан"] == "note"


def test_proposal_leaves_out_mentees_already_in_a_pair_and_weak_pairs():
    placed = mentee(1, in_pair_draft=True)
    uncovered = mentee(2, directions=((9, "Здоровьесбережение"),))
    fine = mentee(3)
    proposal = m.propose(Bank(mentees=[placed, uncovered, fine], mentors=[mentor(1)]))
    assert [[e.entry_id for e, _ in g.members] for g in proposal.groups] == [[3]]
    assert [e.entry_id for e in proposal.unmatched] == [2]


def test_empty_bank_gives_an_empty_proposal():
    assert m.propose(Bank(mentees=[], mentors=[])).groups == []
    assert m.propose(Bank(mentees=[mentee()], mentors=[])).unmatched == [mentee()]


def test_planned_dates_start_next_month_for_nine_months():
    assert m.first_of_next_month(date(2026, 12, 15)) == date(2027, 1, 1)
    assert m.first_of_next_month(date(2026, 5, 1)) == date(2026, 6, 1)
    assert m.add_months(date(2026, 6, 1), 9) == date(2027, 3, 1)
