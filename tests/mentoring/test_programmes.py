"""The personalised programme: starting it, the plan edited in place, roles, acknowledgement, approval, versions."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentoring.models import Mentorship, PlanActivity, Programme, ProgrammeRevision, ProgrammeTemplate
from mentoring.programmes import (
    TEMPLATES_FIXTURE,
    create_programme,
    ensure_programme_templates,
    extend_programme,
    finish_correction,
    start_correction,
)
from people.models import Direction, Role
from people.services import install_reference_lists
from tests.mentoring.programme_fixtures import END, START, active_pair, programme_with_rows

HX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, pair: Mentorship, *extra) -> str:
    return reverse(f"mentoring:{name}", args=[pair.organization.slug, pair.pk, *extra])


@pytest.fixture
def pair(mentor, mentee) -> Mentorship:
    return active_pair(mentor.person, mentee.person)


@pytest.fixture
def programme(pair) -> Programme:
    return programme_with_rows(pair, rows=3)


def row_data(**overrides) -> dict:
    return {
        "direction": "",
        "activity": "Посещение урока наставника",
        "form": "Взаимопосещение",
        "deadline": "2025-10-15",
        "expected_result": "Составлен перечень приёмов",
        "status": "planned",
        "done_on": "",
        "mentor_note": "",
        **overrides,
    }


# --- templates and starting a programme ---


def test_model_templates_cover_the_directions_with_8_to_15_activities():
    specs = json.loads(TEMPLATES_FIXTURE.read_text(encoding="utf-8"))
    titles = {s["title"] for s in specs}
    assert {"Адаптация молодого педагога", "Профессиональные затруднения"} <= titles
    codes = {"scientific", "legal", "subject", "psychological", "methodical", "ict", "upbringing", "health"}
    for spec in specs:
        assert 8 <= len(spec["activities"]) <= 15, spec["title"]
        assert {a["direction"] for a in spec["activities"]} <= codes
        assert all(1 <= a["month"] <= spec["duration_months"] and a["expected_result"] for a in spec["activities"])
        assert 3 <= spec["duration_months"] <= 12


def test_installing_templates_twice_keeps_one_copy_with_directions(bare_org):
    install_reference_lists(bare_org)  # the rows take their directions from the reference lists
    assert ensure_programme_templates(bare_org) == 2
    assert ensure_programme_templates(bare_org) == 0
    templates = ProgrammeTemplate.objects.filter(organization=bare_org)
    assert templates.count() == 2
    young = templates.get(code="young-teacher")
    assert young.activities.count() == 12
    assert not young.activities.filter(direction__isnull=True).exists()
    assert young.activities.filter(direction__code="health").exists()


def test_mentor_starts_a_programme_from_a_template(pair, mentor):
    template = ProgrammeTemplate.objects.get(organization=pair.organization, code="young-teacher")
    response = mentor.client.post(
        url("programme_create", pair), {"source": "template", "template": template.pk, "start": "2025-09-01"}
    )
    assert response.status_code == 302
    programme = Programme.objects.get(mentorship=pair)
    assert programme.title == "Адаптация молодого педагога"
    assert programme.end == date(2026, 5, 31)  # nine months
    rows = list(programme.activities.all())
    assert len(rows) == 12
    assert rows[0].deadline == date(2025, 9, 30)  # end of the first month
    assert all(programme.start <= r.deadline <= programme.end for r in rows)
    assert programme.template == template


def test_a_programme_started_from_a_completed_one_shifts_the_deadlines(org, persona, pair):
    old_pair = active_pair(persona(org, "mentor").person, persona(org, "mentee").person, state="completed")
    source = programme_with_rows(old_pair, rows=2, start=date(2024, 9, 1), end=date(2025, 5, 31))
    programme = create_programme(pair, start=date(2025, 10, 1), source=source)
    assert programme.copied_from == source
    assert programme.problem == source.problem
    assert programme.end - programme.start == source.end - source.start
    old_deadlines = [r.deadline for r in source.activities.all()]
    new_deadlines = [r.deadline for r in programme.activities.all()]
    assert [d - date(2024, 9, 1) for d in old_deadlines] == [d - date(2025, 10, 1) for d in new_deadlines]


def test_a_blank_programme_of_two_months_is_refused_beside_the_end_date(pair, mentor):
    data = {"source": "blank", "start": "2025-09-01", "end": "2025-11-01"}
    response = mentor.client.post(url("programme_create", pair), data)
    assert response.status_code == 200
    assert "от 3 до 12 месяцев" in response.context["start_form"].errors["end"][0]
    assert not Programme.objects.filter(mentorship=pair).exists()


def test_note_form_refuses_a_programme_longer_than_a_year(programme, mentor):
    data = {"title": "Программа", "start": "2025-09-01", "end": "2026-12-01", "mode": "mixed"}
    response = mentor.client.post(url("programme_note", programme.mentorship), data)
    assert response.status_code == 200
    assert "от 3 до 12 месяцев" in " ".join(response.context["form"].errors["end"])
    programme.refresh_from_db()
    assert programme.end == END


def test_mentee_sees_that_there_is_no_programme_yet(pair, mentee):
    response = mentee.client.get(url("programme", pair))
    assert response.status_code == 200
    assert "Наставник ещё не составил программу" in response.content.decode()
    assert "start_form" not in response.context


# --- the plan, in place ---


def test_adding_a_row_in_place_returns_the_row_alone(programme, mentor):
    response = mentor.client.post(url("programme_row_new", programme.mentorship), row_data(), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr") and "<html" not in html
    assert "Посещение урока наставника" in html and "Изменить" in html
    row = programme.activities.get(activity="Посещение урока наставника")
    assert row.position == 4


def test_a_row_with_errors_comes_back_as_a_form_with_the_errors_in_it(programme, mentor):
    bad = row_data(activity="", deadline="2027-01-01")
    response = mentor.client.post(url("programme_row_new", programme.mentorship), bad, **HX)
    html = response.content.decode()
    assert 'data-testid="plan-row-form"' in html
    assert "Опишите мероприятие." in html
    assert "Срок должен быть в пределах программы: 01.09.2025–31.05.2026." in html
    assert programme.activities.count() == 3


def test_editing_a_row_swaps_it_into_a_form_and_back(programme, mentor):
    row = programme.activities.first()
    form = mentor.client.get(url("programme_row_edit", programme.mentorship, row.pk), **HX)
    assert 'data-testid="plan-row-form"' in form.content.decode()
    assert row.activity in form.content.decode()
    saved = mentor.client.post(
        url("programme_row_edit", programme.mentorship, row.pk),
        row_data(activity="Новая формулировка", status="done", done_on="2025-09-05"),
        **HX,
    )
    assert 'data-testid="plan-row"' in saved.content.decode()
    row.refresh_from_db()
    assert (row.activity, row.status, row.done_on) == ("Новая формулировка", "done", date(2025, 9, 5))


def test_done_without_a_date_is_refused(programme, mentor):
    row = programme.activities.first()
    response = mentor.client.post(
        url("programme_row_edit", programme.mentorship, row.pk), row_data(status="done"), **HX
    )
    assert "Укажите дату выполнения." in response.content.decode()


def test_deleting_a_row_answers_empty_for_htmx(programme, mentor):
    row = programme.activities.first()
    response = mentor.client.post(url("programme_row_delete", programme.mentorship, row.pk), **HX)
    assert response.status_code == 200 and response.content == b""
    assert not PlanActivity.objects.filter(pk=row.pk).exists()


def test_row_fragments_without_htmx_send_back_to_the_page(programme, mentor):
    row = programme.activities.first()
    response = mentor.client.get(url("programme_row_edit", programme.mentorship, row.pk))
    assert response.status_code == 302 and response.url == url("programme", programme.mentorship)


def test_the_page_asks_for_confirmation_before_deleting(programme, mentor):
    html = mentor.client.get(url("programme", programme.mentorship)).content.decode()
    assert 'hx-confirm="Удалить мероприятие' in html
    assert "Добавить мероприятие" in html


# --- roles ---


def test_mentee_reads_and_writes_only_reflections(programme, mentee):
    pair = programme.mentorship
    row = programme.activities.first()
    page = mentee.client.get(url("programme", pair)).content.decode()
    assert row.activity in page
    assert "Добавить мероприятие" not in page and "hx-confirm" not in page
    assert mentee.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 404
    assert mentee.client.post(url("programme_row_edit", pair, row.pk), row_data(), **HX).status_code == 404
    assert mentee.client.post(url("programme_row_delete", pair, row.pk), **HX).status_code == 404
    assert mentee.client.get(url("programme_note", pair)).status_code == 404
    response = mentee.client.post(
        url("programme_row_reflection", pair, row.pk), {"mentee_reflection": "Понял, как держать темп урока."}, **HX
    )
    assert "Понял, как держать темп урока." in response.content.decode()
    row.refresh_from_db()
    assert row.mentee_reflection == "Понял, как держать темп урока." and row.activity.startswith("Мероприятие")


def test_mentor_cannot_write_reflections(programme, mentor):
    row = programme.activities.first()
    response = mentor.client.post(
        url("programme_row_reflection", programme.mentorship, row.pk), {"mentee_reflection": "x"}, **HX
    )
    assert response.status_code == 404


def test_curator_edits_and_head_only_reads(programme, curator, head):
    pair = programme.mentorship
    assert curator.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 200
    assert head.client.get(url("programme", pair)).status_code == 200
    assert head.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 404
    assert programme.activities.count() == 4


def test_other_mentors_mentees_admins_and_outsiders_get_404(programme, org, persona, admin, outsider):
    pair = programme.mentorship
    other_mentor = persona(org, Role.Kind.MENTOR)
    other_mentee = persona(org, Role.Kind.MENTEE)
    council = persona(org, Role.Kind.COUNCIL)
    for who in (other_mentor, other_mentee, council, admin, outsider):
        assert who.client.get(url("programme", pair)).status_code == 404
        assert who.client.get(url("programme_pdf", pair)).status_code == 404
        assert who.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 404
    assert programme.activities.count() == 3


# --- acknowledgement and approval ---


def test_mentee_acknowledges_only_once_there_are_rows(pair, mentee):
    programme = programme_with_rows(pair, rows=0)
    mentee.client.post(url("programme_acknowledge", pair))
    programme.refresh_from_db()
    assert programme.acknowledged_at is None
    PlanActivity.objects.create(programme=programme, activity="Встреча", deadline=START + timedelta(days=10))
    response = mentee.client.post(url("programme_acknowledge", pair), follow=True)
    assert "Вы ознакомились с программой." in response.content.decode()
    programme.refresh_from_db()
    assert programme.acknowledged_by == mentee.person


def test_curator_approves_only_after_acknowledgement(programme, curator, mentee, mentor):
    pair = programme.mentorship
    response = curator.client.post(url("programme_approve", pair), follow=True)
    assert "после того, как наставляемый ознакомится" in response.content.decode()
    programme.refresh_from_db()
    assert programme.approved_at is None
    assert mentor.client.post(url("programme_approve", pair)).status_code == 404
    programme.acknowledge(mentee.person)
    curator.client.post(url("programme_approve", pair))
    programme.refresh_from_db()
    assert programme.approved_by == curator.user


def test_acknowledge_and_approve_refuse_get(programme, mentee, curator):
    assert mentee.client.get(url("programme_acknowledge", programme.mentorship)).status_code == 405
    assert curator.client.get(url("programme_approve", programme.mentorship)).status_code == 405


# --- after approval: locked, extension and correction as versions ---


@pytest.fixture
def approved(programme, mentee, curator) -> Programme:
    programme.acknowledge(mentee.person)
    programme.approve(curator.user)
    return Programme.objects.get(pk=programme.pk)


def test_an_approved_plan_is_locked_for_plain_edits(approved, mentor):
    pair = approved.mentorship
    assert mentor.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 404
    row = approved.activities.first()
    assert mentor.client.post(url("programme_row_delete", pair, row.pk), **HX).status_code == 404
    response = mentor.client.get(url("programme_note", pair), follow=True)
    assert "Программа утверждена" in response.content.decode()
    # Progress is still recorded: status, date and result, but not the activity itself.
    mentor.client.post(
        url("programme_row_edit", pair, row.pk),
        row_data(activity="Подменённое", status="done", done_on="2025-09-08", mentor_note="Проведено"),
        **HX,
    )
    row.refresh_from_db()
    assert (row.status, row.mentor_note) == ("done", "Проведено")
    assert row.activity.startswith("Мероприятие плана")


def test_extension_is_recorded_as_a_version_and_may_pass_twelve_months(approved, mentor):
    pair = approved.mentorship
    response = mentor.client.post(
        url("programme_extend", pair), {"new_end": "2026-10-31", "reason": "Болезнь наставляемого"}, follow=True
    )
    assert "Программа продлена до 31.10.2026." in response.content.decode()
    approved.refresh_from_db()
    assert approved.end == date(2026, 10, 31)  # 14 months in all
    revision = approved.revisions.get()
    assert (revision.kind, revision.old_end, revision.new_end) == ("extension", END, date(2026, 10, 31))
    assert revision.author == mentor.user and revision.reason == "Болезнь наставляемого"
    assert {"kind": "field", "field": "Окончание", "old": "31.05.2026", "new": "31.10.2026"} in revision.summary
    page = mentor.client.get(url("programme", pair)).content.decode()
    assert "Продление" in page and "31.05.2026 → 31.10.2026" in page


def test_extension_to_an_earlier_date_is_refused_beside_the_field(approved, mentor):
    response = mentor.client.post(
        url("programme_extend", approved.mentorship), {"new_end": "2026-01-01", "reason": "x"}
    )
    assert "должна быть позже нынешней (31.05.2026)" in response.context["form"].errors["new_end"][0]
    assert not approved.revisions.exists()


def test_extension_needs_approval_first(programme, mentor):
    assert mentor.client.get(url("programme_extend", programme.mentorship)).status_code == 404


def test_correction_opens_edits_and_its_summary_lists_what_changed(approved, mentor):
    pair = approved.mentorship
    mentor.client.post(url("programme_correction", pair), {"reason": "Смена расписания уроков"})
    assert approved.revisions.get().is_open
    first, second, _ = approved.activities.all()
    added = mentor.client.post(url("programme_row_new", pair), row_data(activity="Открытый урок"), **HX)
    assert added.status_code == 200
    mentor.client.post(url("programme_row_delete", pair, second.pk), **HX)
    same = row_data(
        direction=first.direction_id, activity=first.activity, form=first.form, expected_result=first.expected_result
    )
    mentor.client.post(url("programme_row_edit", pair, first.pk), {**same, "deadline": "2025-09-20"}, **HX)
    note = {"title": "Адаптация учителя физики", "start": "2025-09-01", "end": "2026-05-31", "mode": "online"}
    mentor.client.post(url("programme_note", pair), note)
    mentor.client.post(url("programme_correction_finish", pair))
    revision = ProgrammeRevision.objects.get(programme=approved)
    assert not revision.is_open
    summary = revision.summary
    assert {"kind": "added", "activity": "Открытый урок"} in summary
    assert {"kind": "removed", "activity": second.activity} in summary
    changed = next(item for item in summary if item["kind"] == "changed")
    assert changed["changes"] == [{"field": "Срок", "old": "08.09.2025", "new": "20.09.2025"}]
    assert {"kind": "field", "field": "Режим работы", "old": "Очно", "new": "Дистанционно"} in summary
    # Plain edits are locked again.
    assert mentor.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 404
    page = mentor.client.get(url("programme", pair)).content.decode()
    assert "добавлено мероприятие «Открытый урок»" in page
    assert "Режим работы: Очно → Дистанционно" in page


def test_a_second_revision_lists_only_its_own_changes(approved, mentor):
    start_correction(approved, reason="Первая", by=mentor.user)
    PlanActivity.objects.create(programme=approved, activity="Первое добавление", deadline=date(2025, 12, 1))
    finish_correction(approved)
    revision = extend_programme(approved, new_end=date(2026, 6, 30), reason="Вторая", by=mentor.user)
    kinds = [item["kind"] for item in revision.summary]
    assert kinds == ["field"]


# --- overdue and queries ---


def test_overdue_rows_stand_out_for_mentor_mentee_and_curator(pair, mentor, mentee, curator):
    programme = programme_with_rows(
        pair, rows=2, start=date.today() - timedelta(days=60), end=date.today() + timedelta(days=200)
    )
    programme.activities.update(deadline=date.today() - timedelta(days=3))
    PlanActivity.objects.create(programme=programme, activity="Будущее", deadline=date.today() + timedelta(days=5))
    for who in (mentor, mentee, curator):
        html = who.client.get(url("programme", pair)).content.decode()
        assert html.count('data-testid="overdue"') == 2
        assert "просрочено: 2" in html


@pytest.mark.parametrize("size", [5, 40])
def test_programme_page_runs_a_constant_number_of_queries(pair, mentor, curator, size, django_assert_num_queries):
    programme = programme_with_rows(pair, rows=size)
    programme.acknowledged_at = programme.created_at
    programme.save()
    for who in (mentor, curator):
        who.client.get(url("programme", pair))  # warm the session
        with django_assert_num_queries(QUERIES_PAGE):
            response = who.client.get(url("programme", pair))
        assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [5, 40])
def test_row_fragments_run_a_constant_number_of_queries(pair, mentor, size, django_assert_num_queries):
    programme = programme_with_rows(pair, rows=size)
    row = programme.activities.last()
    mentor.client.get(url("programme", pair))
    with django_assert_num_queries(QUERIES_ROW + 1):  # the form's list of directions
        mentor.client.get(url("programme_row_edit", pair, row.pk), **HX)
    with django_assert_num_queries(QUERIES_ROW):
        mentor.client.get(url("programme_row", pair, row.pk), **HX)


# The figures: session and user (2), roles (1), pair, its mentees and kinds (3), programme and its revisions (2),
# then the plan with directions (1) for the page, or the row (1) for a fragment; the row form adds the directions.
QUERIES_PAGE = 9
QUERIES_ROW = 9


def test_direction_choices_are_the_organisations_own(programme, mentor, other_org):
    foreign = Direction.objects.filter(organization=other_org).first()
    response = mentor.client.post(url("programme_row_new", programme.mentorship), row_data(direction=foreign.pk), **HX)
    assert "Выберите корректный вариант" in response.content.decode()


def test_an_extension_recorded_without_closing_time_keeps_the_programme_locked(approved, mentor):
    # As the demo records them: a plain sentence for a summary and no closing time.
    ProgrammeRevision.objects.create(
        programme=approved,
        kind="extension",
        reason="Продление",
        old_end=END,
        new_end=date(2026, 6, 30),
        summary=["Окончание программы перенесено с 31.05.2026 на 30.06.2026."],
    )
    approved = Programme.objects.get(pk=approved.pk)
    assert approved.is_locked() and approved.open_correction() is None
    page = mentor.client.get(url("programme", approved.mentorship)).content.decode()
    assert "Окончание программы перенесено с 31.05.2026 на 30.06.2026." in page
    assert "Внести изменения" in page
