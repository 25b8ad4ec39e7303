"""Writing the programme together: the mentee's remarks per row and proposed rows, the mentor's answers, who may
do what, Russian errors beside the field, the page's queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring import coauthor
from mentoring.models import PlanActivity, Programme, RowRemark
from people.declension import gendered
from people.models import Notice, Role
from tests.mentoring.programme_fixtures import active_pair, approved_programme, programme_with_rows

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)]


@pytest.fixture
def programme(mentor, mentee) -> Programme:
    pair = active_pair(mentor.person, mentee.person)
    return programme_with_rows(pair, rows=3)


def url(name: str, programme: Programme, *args) -> str:
    m = programme.mentorship
    return reverse(f"mentoring:{name}", args=[m.organization.slug, m.pk, *args])


def test_comment_on_a_row_is_taken_into_account(programme, mentor, mentee):
    row = programme.activities.first()
    remark = coauthor.leave_remark(programme, mentee.person, text="Лучше после каникул.", row=row)
    assert remark.kind == RowRemark.Kind.COMMENT and remark.is_open
    assert Notice.objects.filter(person=mentor.person, text__contains="замечание").exists()

    coauthor.accept_remark(remark, mentor.person)
    remark.refresh_from_db()
    assert remark.state == RowRemark.State.ACCEPTED and remark.get_state_display() == "Учтено"
    took = gendered(mentor.person, "учёл", "учла")  # agrees with the mentor
    assert Notice.objects.filter(
        person=mentee.person, text__contains=f"{mentor.person.short_name} {took} ваше"
    ).exists()
    with pytest.raises(ValidationError, match="уже ответили"):
        coauthor.answer_remark(remark, mentor.person, "Ещё раз")


def test_accepted_proposal_becomes_a_row_in_its_place_by_date(programme, mentor, mentee):
    before = list(programme.activities.values_list("deadline", flat=True))
    remark = coauthor.leave_remark(
        programme,
        mentee.person,
        text="Хочу увидеть, как наставник ведёт собрание.",
        activity="Посещение родительского собрания наставника",
        form="Наблюдение",
        deadline=date(2025, 9, 10),
    )
    assert remark.kind == RowRemark.Kind.PROPOSAL
    coauthor.accept_remark(remark, mentor.person, "Добавила.")
    remark.refresh_from_db()
    row = remark.created_row
    assert row is not None and row.programme_id == programme.pk
    assert row.activity == "Посещение родительского собрания наставника" and row.deadline == date(2025, 9, 10)
    rows = list(programme.activities.order_by("position", "id"))
    assert len(rows) == len(before) + 1 and rows[1] == row  # between the first (08.09) and the second (15.09)


def test_an_answer_needs_text_and_keeps_the_plan(programme, mentor, mentee):
    row = programme.activities.first()
    remark = coauthor.leave_remark(programme, mentee.person, text="Убрать это мероприятие?", row=row)
    with pytest.raises(ValidationError):
        coauthor.answer_remark(remark, mentor.person, "  ")
    coauthor.answer_remark(remark, mentor.person, "Оставим: без него не получится разбор урока.")
    remark.refresh_from_db()
    assert remark.state == RowRemark.State.ANSWERED and remark.answered_by == mentor.person
    assert programme.activities.count() == 3


def test_an_approved_programme_takes_no_remarks(programme, mentor, mentee, curator):
    programme = approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)
    assert not coauthor.open_for_remarks(programme)
    with pytest.raises(ValidationError, match="утверждена"):
        coauthor.leave_remark(programme, mentee.person, text="Поздно", row=programme.activities.first())


def test_a_proposal_needs_an_activity_and_a_deadline(programme, mentee):
    with pytest.raises(ValidationError):
        coauthor.leave_remark(programme, mentee.person, text="Без мероприятия", activity="", deadline=None)
    assert not RowRemark.objects.exists()


# --- views ---


def test_mentee_comments_and_proposes_mentor_accepts_on_the_page(programme, mentor, mentee):
    row = programme.activities.first()
    page = mentee.client.get(url("programme", programme)).content.decode()
    assert 'data-testid="remarks"' in page and "Предложить мероприятие" in page
    assert 'data-testid="sides"' in page

    r = mentee.client.post(url("remark_new", programme), {"row": row.pk, f"r{row.pk}-text": "Сдвинуть на неделю."})
    assert r.status_code == 302
    r = mentee.client.post(
        url("remark_new", programme),
        {
            "proposal-activity": "Разбор видеозаписи урока",
            "proposal-form": "Консультация",
            "proposal-deadline": "2025-10-20",
            "proposal-text": "Так проще увидеть свои ошибки.",
        },
    )
    assert r.status_code == 302
    proposal = RowRemark.objects.get(kind=RowRemark.Kind.PROPOSAL)

    page = mentor.client.get(url("programme", programme)).content.decode()
    assert "Сдвинуть на неделю." in page and "Разбор видеозаписи урока" in page
    assert page.count('data-testid="accept-remark"') == 2
    mentor.client.post(url("remark_accept", programme, proposal.pk), {f"a{proposal.pk}-answer": ""})
    assert PlanActivity.objects.filter(programme=programme, activity="Разбор видеозаписи урока").exists()
    page = mentee.client.get(url("programme", programme)).content.decode()
    assert "мероприятие добавлено в план" in page


def test_russian_errors_beside_the_fields(programme, mentee, mentor):
    row = programme.activities.first()
    r = mentee.client.post(url("remark_new", programme), {"row": row.pk, f"r{row.pk}-text": ""})
    assert r.status_code == 200 and "Напишите замечание" in r.content.decode()
    r = mentee.client.post(
        url("remark_new", programme),
        {"proposal-activity": "Лишнее", "proposal-deadline": "2027-01-10", "proposal-text": "Хочу"},
    )
    body = r.content.decode()
    assert "Срок должен быть в пределах программы: с 01.09.2025 по 31.05.2026." in body
    assert "Лишнее" in body  # what was typed is kept
    remark = coauthor.leave_remark(programme, mentee.person, text="Вопрос", row=row)
    r = mentor.client.post(url("remark_answer", programme, remark.pk), {f"a{remark.pk}-answer": ""})
    assert r.status_code == 200 and "Напишите ответ" in r.content.decode()
    assert not RowRemark.objects.exclude(pk=remark.pk).exists()


def test_roles_and_outsiders_are_refused(programme, mentor, mentee, curator, persona, other_org):
    row = programme.activities.first()
    remark = coauthor.leave_remark(programme, mentee.person, text="Вопрос", row=row)
    outsider = persona(other_org, Role.Kind.MENTOR, surname="Чужая")
    for who in (mentor, curator, outsider):  # only the pair's mentees remark
        assert who.client.post(url("remark_new", programme), {"row": row.pk}).status_code == 404
    for who in (mentee, curator, outsider):  # only the pair's mentor answers
        assert who.client.post(url("remark_accept", programme, remark.pk)).status_code == 404
        assert who.client.post(url("remark_answer", programme, remark.pk), {"x": "y"}).status_code == 404
    remark.refresh_from_db()
    assert remark.is_open and RowRemark.objects.count() == 1


def test_programme_page_queries_do_not_grow_with_remarks(programme, mentor, mentee):
    rows = list(programme.activities.all())

    def count(client) -> int:
        client.get(url("programme", programme))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("programme", programme)).status_code == 200
        return len(captured)

    coauthor.leave_remark(programme, mentee.person, text="Одно", row=rows[0])
    small = (count(mentor.client), count(mentee.client))
    for n in range(30):
        r = coauthor.leave_remark(programme, mentee.person, text=f"Замечание {n}", row=rows[n % 3])
        if n % 2:
            coauthor.answer_remark(r, mentor.person, f"Ответ {n}")
        coauthor.leave_remark(
            programme, mentee.person, text=f"Зачем {n}", activity=f"Мероприятие {n}", deadline=date(2025, 10, 1)
        )
    assert (count(mentor.client), count(mentee.client)) == small
