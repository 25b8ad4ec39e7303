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
    propose_correction,
    propose_extension,
)
from people.changes import organization_changed
from people.models import Direction, Role
from people.services import install_reference_lists
from tests.mentoring.programme_fixtures import END, active_pair, approved_programme, programme_with_rows

HX = {"HTTP_HX_REQUEST": "true"}

# Mid-programme (the fixtures run 01.09.2025–31.05.2026): dates done and due are judged against this day.
pytestmark = pytest.mark.time_machine("2025-11-20 10:00 +03:00", tick=True)


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


def test_adding_a_row_in_place_draws_the_plan_again_with_the_row_in_it(programme, mentor):
    response = mentor.client.post(url("programme_row_new", programme.mentorship), row_data(), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr") and "<html" not in html
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#plan-rows", "innerHTML")
    assert "Посещение урока наставника" in html and "Изменить" in html
    assert html.count('data-testid="plan-row"') == 4
    row = programme.activities.get(activity="Посещение урока наставника")
    assert row.position == 4


def test_a_new_row_takes_its_place_by_date(programme, mentor):
    """Issue 19: a row due between the first two rows lands between them, on the page and in the plan."""
    response = mentor.client.post(
        url("programme_row_new", programme.mentorship),
        row_data(activity="Вставка по дате", deadline="2025-09-10"),
        **HX,
    )
    html = response.content.decode()
    order = [r.activity for r in programme.activities.order_by("position", "id")]
    assert order[1] == "Вставка по дате", order
    assert [r.position for r in programme.activities.order_by("position", "id")] == [1, 2, 3, 4]
    first, inserted, second = (html.index(t) for t in ("№ 1:", "Вставка по дате", "№ 2:"))
    assert first < inserted < second


def test_a_row_due_before_every_other_comes_first(programme, mentor):
    mentor.client.post(
        url("programme_row_new", programme.mentorship), row_data(activity="Самое раннее", deadline="2025-09-02"), **HX
    )
    assert programme.activities.order_by("position", "id").first().activity == "Самое раннее"


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


def test_done_without_a_date_means_done_today(programme, mentor):
    """Issue 19: «Выполнено» with the date left empty records today instead of failing."""
    row = programme.activities.first()
    response = mentor.client.post(
        url("programme_row_edit", programme.mentorship, row.pk), row_data(status="done"), **HX
    )
    assert 'data-testid="plan-row"' in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.done_on) == ("done", date(2025, 11, 20))


def test_a_done_date_in_the_future_is_still_refused(programme, mentor):
    row = programme.activities.first()
    response = mentor.client.post(
        url("programme_row_edit", programme.mentorship, row.pk), row_data(status="done", done_on="2025-12-01"), **HX
    )
    assert "Дата выполнения не может быть позже сегодняшнего дня." in response.content.decode()


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


# --- the chain: sent, acknowledged or commented, approved ---


def test_mentee_cannot_acknowledge_a_draft_that_was_not_sent(programme, mentee):
    # A programme with a plan, but the mentor has not sent it: there is nothing to acknowledge yet.
    response = mentee.client.post(url("programme_acknowledge", programme.mentorship), follow=True)
    assert "ещё не отправлена вам на ознакомление" in response.content.decode()
    programme.refresh_from_db()
    assert (programme.status, programme.acknowledged_at) == ("draft", None)
    page = mentee.client.get(url("programme", programme.mentorship)).content.decode()
    assert 'data-testid="acknowledge"' not in page


def test_an_incomplete_programme_is_not_sent_and_the_mentor_gets_the_list_of_what_to_fill(pair, mentor, mentee):
    programme = programme_with_rows(pair, rows=2, tasks="", results_planned="")
    PlanActivity.objects.filter(programme=programme, position=2).update(deadline=date(2026, 8, 1))
    response = mentor.client.post(url("programme_send", pair))
    assert response.status_code == 200
    problems = response.context["send_problems"]
    assert problems[0] == "Чтобы отправить программу, заполните:"
    assert "раздел «Задачи» пояснительной записки" in problems
    assert "раздел «Планируемые результаты» пояснительной записки" in problems
    assert any(p.startswith("сроки мероприятий № 2") for p in problems)
    assert 'data-testid="send-problems"' in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == "draft"
    assert mentee.client.post(url("programme_acknowledge", pair)).status_code == 302
    programme.refresh_from_db()
    assert programme.acknowledged_at is None


def test_a_plan_without_rows_cannot_be_sent(pair, mentor):
    programme = programme_with_rows(pair, rows=0)
    response = mentor.client.post(url("programme_send", pair))
    assert "план мероприятий: добавьте хотя бы одно мероприятие" in response.context["send_problems"]
    programme.refresh_from_db()
    assert programme.status == "draft"


def test_the_chain_mentor_sends_mentee_acknowledges_curator_approves(programme, mentor, mentee, curator):
    pair = programme.mentorship
    assert curator.client.post(url("programme_approve", pair), follow=True).status_code == 200
    programme.refresh_from_db()
    assert programme.approved_at is None
    assert mentee.client.post(url("programme_send", pair)).status_code == 404
    mentor.client.post(url("programme_send", pair))
    programme.refresh_from_db()
    assert (programme.status, programme.sent_by) == ("sent", mentor.user)
    assert "Программа ждёт ознакомления наставляемого." in mentor.client.get(url("programme", pair)).content.decode()
    mentee.client.post(url("programme_acknowledge", pair))
    programme.refresh_from_db()
    assert (programme.status, programme.acknowledged_by) == ("acknowledged", mentee.person)
    assert mentor.client.post(url("programme_approve", pair)).status_code == 404
    curator.client.post(url("programme_approve", pair))
    programme.refresh_from_db()
    assert (programme.status, programme.approved_by) == ("approved", curator.user)
    page = mentee.client.get(url("programme", pair)).content.decode()
    assert 'data-testid="approved"' in page and "Белова Н. С." in page


def test_a_comment_returns_the_programme_to_the_mentor_with_the_comment(programme, mentor, mentee):
    pair = programme.mentorship
    programme.send(mentor.user)
    response = mentee.client.post(url("programme_comment", pair), {"comment": "  "})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["comment"] == ["Напишите, что нужно изменить."]
    assert "invalid-feedback" in response.content.decode()
    mentee.client.post(url("programme_comment", pair), {"comment": "Добавьте посещение открытых уроков."})
    programme.refresh_from_db()
    assert (programme.status, programme.remark_by) == ("draft", mentee.person)
    page = mentor.client.get(url("programme", pair)).content.decode()
    assert "Добавьте посещение открытых уроков." in page and 'data-testid="remark"' in page


def test_editing_the_note_after_acknowledgement_returns_it_to_draft_with_a_note(programme, mentor, mentee):
    pair = programme.mentorship
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    note = {
        "title": "Адаптация учителя физики",
        "problem": programme.problem,
        "goals": "Другая цель",
        "tasks": programme.tasks,
        "content": programme.content,
        "results_planned": programme.results_planned,
        "meeting_schedule": programme.meeting_schedule,
        "start": "2025-09-01",
        "end": "2026-05-31",
        "mode": "in_person",
    }
    response = mentor.client.post(url("programme_note", pair), note, follow=True)
    assert "Ознакомление наставляемого снято" in response.content.decode()
    programme.refresh_from_db()
    assert (programme.status, programme.acknowledged_at) == ("draft", None)
    assert "ознакомление снято" in programme.remark


def test_a_row_edited_in_place_after_sending_reloads_the_page_to_show_the_reset(programme, mentor):
    pair = programme.mentorship
    programme.send(mentor.user)
    row = programme.activities.first()
    data = row_data(activity="Новая формулировка", deadline=f"{row.deadline:%Y-%m-%d}")
    response = mentor.client.post(url("programme_row_edit", pair, row.pk), data, **HX)
    assert response["HX-Refresh"] == "true"
    programme.refresh_from_db()
    assert programme.status == "draft"


def test_the_head_approves_where_the_regulation_says_so(programme, mentor, mentee, curator, head):
    org = programme.mentorship.organization
    org.programme_approver = org.ProgrammeApprover.HEAD
    org.save(update_fields=["programme_approver"])
    pair = programme.mentorship
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    assert curator.client.post(url("programme_approve", pair)).status_code == 404
    assert "ждёт утверждения руководителем" in curator.client.get(url("programme", pair)).content.decode()
    page = head.client.get(url("programme", pair)).content.decode()
    assert 'data-testid="approve"' in page
    head.client.post(url("programme_approve", pair))
    programme.refresh_from_db()
    assert (programme.status, programme.approved_by) == ("approved", head.user)


def test_the_organisation_settings_name_who_approves_programmes(org, head):
    from people.forms import OrganizationForm

    data = {**OrganizationForm(instance=org).initial, "programme_approver": "head"}
    data = {k: v for k, v in data.items() if v is not None}
    response = head.client.post(reverse("people:org_settings", args=[org.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    assert org.programme_approver == "head"


def test_acknowledge_and_approve_refuse_get(programme, mentee, curator):
    assert mentee.client.get(url("programme_acknowledge", programme.mentorship)).status_code == 405
    assert curator.client.get(url("programme_approve", programme.mentorship)).status_code == 405
    assert curator.client.get(url("programme_send", programme.mentorship)).status_code == 405


def test_outsiders_cannot_move_the_chain(programme, mentor, outsider, admin):
    pair = programme.mentorship
    for who in (outsider, admin):
        for name in ("programme_send", "programme_acknowledge", "programme_approve", "programme_comment"):
            assert who.client.post(url(name, pair), {"comment": "x"}).status_code == 404
        assert who.client.get(url("programme_version", pair, 1)).status_code == 404
    programme.refresh_from_db()
    assert programme.status == "draft"


# --- after approval: locked; changes are proposals the mentee agrees to and the approver approves ---


@pytest.fixture
def approved(programme, mentor, mentee, curator) -> Programme:
    return approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)


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


def test_an_extension_takes_effect_only_after_agreement_and_approval(approved, mentor, mentee, curator):
    pair = approved.mentorship
    response = mentor.client.post(
        url("programme_extend", pair), {"new_end": "2026-10-31", "reason": "Болезнь наставляемого"}, follow=True
    )
    assert "Продление до 31.10.2026 предложено" in response.content.decode()
    approved.refresh_from_db()
    assert approved.end == END  # not yet
    revision = approved.revisions.get()
    assert (revision.kind, revision.status, revision.old_end, revision.new_end) == (
        "extension",
        "proposed",
        END,
        date(2026, 10, 31),
    )
    assert revision.author == mentor.user and revision.reason == "Болезнь наставляемого"
    assert {"kind": "field", "field": "Окончание", "old": "31.05.2026", "new": "31.10.2026"} in revision.summary
    # The approver cannot approve before the mentee agrees; a second proposal waits for this one.
    curator.client.post(url("programme_change_approve", pair))
    assert mentor.client.get(url("programme_extend", pair)).status_code == 200  # reworking the pending one
    page = mentee.client.get(url("programme", pair)).content.decode()
    assert 'data-testid="pending-change"' in page and 'data-testid="change-agree"' in page
    proposed = mentee.client.get(url("programme_version", pair, 0)).content.decode()
    assert "01.09.2025 — 31.10.2026" in proposed and "Не вступила в силу" in proposed
    mentee.client.post(url("programme_change_agree", pair))
    approved.refresh_from_db()
    assert approved.end == END
    curator.client.post(url("programme_change_approve", pair))
    approved.refresh_from_db()
    assert approved.end == date(2026, 10, 31)  # 14 months in all
    revision.refresh_from_db()
    assert (revision.status, revision.agreed_by, revision.approved_by) == ("approved", mentee.person, curator.user)
    page = mentor.client.get(url("programme", pair)).content.decode()
    assert "Редакция 2: продление" in page and "31.05.2026 → 31.10.2026" in page
    # The version it replaced stays readable as it was.
    old = mentor.client.get(url("programme_version", pair, 1)).content.decode()
    assert "01.09.2025 — 31.05.2026" in old
    current = mentor.client.get(url("programme_version", pair, 2)).content.decode()
    assert "01.09.2025 — 31.10.2026" in current


def test_the_mentee_declines_a_change_with_a_comment_and_it_returns_to_the_mentor(approved, mentor, mentee):
    pair = approved.mentorship
    mentor.client.post(url("programme_extend", pair), {"new_end": "2026-06-30", "reason": "Отпуск"})
    response = mentee.client.post(url("programme_change_decline", pair), {"comment": ""})
    assert response.context["decline_form"].errors["comment"]
    mentee.client.post(url("programme_change_decline", pair), {"comment": "Лучше до конца июля."})
    revision = approved.revisions.get()
    assert (revision.status, revision.remark) == ("returned", "Лучше до конца июля.")
    assert "Лучше до конца июля." in mentor.client.get(url("programme", pair)).content.decode()
    mentor.client.post(url("programme_extend", pair), {"new_end": "2026-07-31", "reason": "Отпуск"})
    revision.refresh_from_db()
    assert (revision.status, revision.new_end) == ("proposed", date(2026, 7, 31))
    mentor.client.post(url("programme_change_withdraw", pair))
    revision.refresh_from_db()
    assert revision.status == "withdrawn"
    approved.refresh_from_db()
    assert approved.end == END


def test_extension_to_an_earlier_date_is_refused_beside_the_field(approved, mentor):
    response = mentor.client.post(
        url("programme_extend", approved.mentorship), {"new_end": "2026-01-01", "reason": "x"}
    )
    assert "должна быть позже нынешней (31.05.2026)" in response.context["form"].errors["new_end"][0]
    assert not approved.revisions.exists()


def test_extension_needs_approval_first(programme, mentor):
    assert mentor.client.get(url("programme_extend", programme.mentorship)).status_code == 404
    assert mentor.client.get(url("programme_correction", programme.mentorship)).status_code == 404


def _correction_post(programme: Programme, reason: str, rows: list[dict], **note) -> dict:
    data = {"reason": reason}
    for field in ("title", "problem", "goals", "tasks", "content", "results_intermediate", "results_planned"):
        data[f"note-{field}"] = note.get(field, getattr(programme, field))
    data["note-meeting_schedule"] = note.get("meeting_schedule", programme.meeting_schedule)
    data["note-conditions"] = note.get("conditions", programme.conditions)
    data["note-mode"] = note.get("mode", programme.mode)
    data.update({"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id")))})
    data.update({"rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = value
    return data


def _row_post(row: PlanActivity, **changes) -> dict:
    return {
        "id": row.pk,
        "direction": row.direction_id or "",
        "activity": row.activity,
        "form": row.form,
        "deadline": f"{row.deadline:%Y-%m-%d}",
        "expected_result": row.expected_result,
        **changes,
    }


def test_a_correction_is_a_proposal_and_its_summary_lists_what_changed(approved, mentor, mentee, curator):
    pair = approved.mentorship
    assert mentor.client.get(url("programme_correction", pair)).status_code == 200
    first, second, third = approved.activities.all()
    first.status, first.done_on, first.mentor_note = "done", date(2025, 9, 8), "Проведено"
    first.save()
    rows = [
        _row_post(first, deadline="2025-09-20"),
        _row_post(second, DELETE="on"),
        _row_post(third),
        {"activity": "Открытый урок", "deadline": "2025-12-10", "form": "", "expected_result": "", "direction": ""},
    ]
    data = _correction_post(approved, "Смена расписания уроков", rows, mode="online")
    response = mentor.client.post(url("programme_correction", pair), data, follow=True)
    assert "Изменения предложены" in response.content.decode()
    # Nothing changed yet: the approved content stands until the mentee agrees and the curator approves.
    assert approved.activities.count() == 3
    approved.refresh_from_db()
    assert approved.mode == "in_person"
    revision = ProgrammeRevision.objects.get(programme=approved)
    summary = revision.summary
    assert {"kind": "added", "activity": "Открытый урок"} in summary
    assert {"kind": "removed", "activity": second.activity} in summary
    changed = next(item for item in summary if item["kind"] == "changed")
    assert changed["changes"] == [{"field": "Срок", "old": "08.09.2025", "new": "20.09.2025"}]
    assert {"kind": "field", "field": "Режим работы", "old": "Очно", "new": "Дистанционно"} in summary
    revision.agree(mentee.person)
    curator.client.post(url("programme_change_approve", pair))
    approved.refresh_from_db()
    assert approved.mode == "online"
    rows_now = list(approved.activities.all())
    assert [r.activity for r in rows_now] == [first.activity, third.activity, "Открытый урок"]
    kept = rows_now[0]
    assert (kept.pk, kept.deadline, kept.status, kept.mentor_note) == (first.pk, date(2025, 9, 20), "done", "Проведено")
    # Plain edits stay locked.
    assert mentor.client.post(url("programme_row_new", pair), row_data(), **HX).status_code == 404
    page = mentor.client.get(url("programme", pair)).content.decode()
    assert "добавлено мероприятие «Открытый урок»" in page
    assert "Режим работы: Очно → Дистанционно" in page
    old = mentor.client.get(url("programme_version", pair, 1)).content.decode()
    assert second.activity in old and "Открытый урок" not in old


def test_a_correction_with_errors_shows_them_beside_the_fields(approved, mentor):
    pair = approved.mentorship
    rows = [_row_post(r) for r in approved.activities.all()]
    rows[0]["deadline"] = "2027-01-01"
    data = _correction_post(approved, "", rows, tasks="")
    response = mentor.client.post(url("programme_correction", pair), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "в пределах программы" in response.context["rows"].forms[0].errors["deadline"][0]
    assert not approved.revisions.exists()


def test_a_second_change_lists_only_its_own_changes(approved, mentor, mentee, curator):
    content = approved.snapshot()
    rows = content["rows"] + [{**content["rows"][0], "id": None, "activity": "Первое добавление"}]
    first = propose_correction(approved, reason="Первая", note=content["note"], rows=rows, by=mentor.user)
    first.agree(mentee.person)
    first.approve(curator.user)
    second = propose_extension(approved, new_end=date(2026, 6, 30), reason="Вторая", by=mentor.user)
    assert [item["kind"] for item in second.summary] == ["field"]


def test_an_old_change_recorded_without_a_copy_keeps_the_programme_locked(approved, mentor):
    # As changes recorded before proposals existed: a plain sentence for a summary and no frozen copy.
    ProgrammeRevision.objects.create(
        programme=approved,
        kind="extension",
        status="approved",
        reason="Продление",
        old_end=END,
        new_end=date(2026, 6, 30),
        summary=["Окончание программы перенесено с 31.05.2026 на 30.06.2026."],
        closed_at=approved.approved_at,
    )
    approved = Programme.objects.get(pk=approved.pk)
    assert approved.is_locked() and approved.pending_change() is None
    page = mentor.client.get(url("programme", approved.mentorship)).content.decode()
    assert "Окончание программы перенесено с 31.05.2026 на 30.06.2026." in page
    assert "Внести изменения" in page
    assert (
        'data-testid="no-copy"' in mentor.client.get(url("programme_version", approved.mentorship, 1)).content.decode()
    )


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
    programme.send(mentor.user)
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
# The page of a sent programme names who sent it: the staff member behind the account (1).
QUERIES_PAGE = 14  # 10 + the notification bell (issue 16) + the remarks and the two sides of the pair (issue 17)
QUERIES_ROW = 9


def test_direction_choices_are_the_organisations_own(programme, mentor, other_org):
    foreign = Direction.objects.filter(organization=other_org).first()
    response = mentor.client.post(url("programme_row_new", programme.mentorship), row_data(direction=foreign.pk), **HX)
    assert "Выберите корректный вариант" in response.content.decode()


# --- home pages and the pairs list: where each programme stands and whose turn it is ---


def home(who, role: str) -> str:
    return who.client.get(reverse("role_home", args=[who.org.slug, role])).content.decode()


def test_homes_show_the_chain_and_the_next_action_of_each_participant(programme, mentor, mentee, curator):
    pair = programme.mentorship
    assert "Доработайте программу и отправьте наставляемому" in home(mentor, "mentor")
    assert "Наставник составляет программу" in home(mentee, "mentee")
    programme.send(mentor.user)
    mentee_home = home(mentee, "mentee")
    assert "на ознакомлении у наставляемого" in mentee_home
    assert f'href="{url("programme", pair)}" data-testid="programme-next">Ознакомьтесь с программой' in mentee_home
    assert "Программа ждёт ознакомления наставляемого" in home(mentor, "mentor")
    programme.acknowledge(mentee.person)
    pairs_page = curator.client.get(reverse("mentoring:pairs", args=[pair.organization.slug])).content.decode()
    assert "Утвердите программу" in pairs_page
    assert "1</span> программа ждёт утверждения" in home(curator, "curator")
    programme.approve(curator.user)
    propose_extension(fresh_programme(programme), new_end=date(2026, 6, 30), reason="Отпуск", by=mentor.user)
    assert "Согласуйте изменения программы" in home(mentee, "mentee")
    assert "Изменения ждут согласия наставляемого" in home(mentor, "mentor")


def test_where_the_head_approves_the_head_is_told_and_the_curator_is_not(programme, mentor, mentee, curator, head):
    org = programme.mentorship.organization
    org.programme_approver = org.ProgrammeApprover.HEAD
    org.save(update_fields=["programme_approver"])
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    organization_changed(org)
    assert 'data-testid="programmes-to-approve"' in home(head, "head")
    assert "программа ждёт утверждения" not in home(curator, "curator")
    pairs_page = head.client.get(reverse("mentoring:pairs", args=[org.slug])).content.decode()
    assert "Утвердите программу" in pairs_page


def fresh_programme(programme: Programme) -> Programme:
    return Programme.objects.get(pk=programme.pk)
