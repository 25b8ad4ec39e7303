"""Stage progress comes from the records the banks, pairs and orders keep, not from ticks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.models import ProgrammeTemplate, SupportRecord
from monitoring.progress import SYNC_NOTE, complete_roadmap, org_figures, stage_progress, sync_roadmap_activities
from people.models import MenteeEntry, MentorEntry, Purpose
from roadmap.models import ActivityStatus, OrderKind, Roadmap, RoadmapActivity, RoadmapStage
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import bulk_pairs, make_pair, programme, selected_mentor
from tests.people.bank_fixtures import give_consent, grow_mentee_bank, mentee_entry, mentor_entry, training
from tests.roadmap.approval_fixtures import make_order

# Roadmaps here span today, and a completion is dated today: one fixed moment, so no run straddles midnight.
pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00")

CODES = [
    "regulation_approved",
    "roadmap_approved",
    "curator_appointed",
    "programme_template_ready",
    "mentees_with_requests",
    "mentee_consents",
    "mentors_with_questionnaires",
    "mentor_consents",
    "mentors_selected",
    "mentors_trained",
    "pairs_active",
    "waiting_supported",
    "programmes_completed",
    "questionnaires_collected",
    "final_event_held",
    "practices_saved",
    "items_published",
]


def checks(org) -> dict:
    return {c.code: c for s in stage_progress(org) for c in s.checks}


def roadmap(org, *, approved: bool = False) -> Roadmap:
    """A roadmap of the period around today; `approved` with no content (add it first, then call `approve`)."""
    today = timezone.localdate()
    return Roadmap.objects.create(
        organization=org,
        title="Дорожная карта",
        period_label="текущий год",
        period_start=today - timedelta(days=100),
        period_end=today + timedelta(days=200),
        status=Roadmap.Status.APPROVED if approved else Roadmap.Status.DRAFT,
    )


def approve(rm: Roadmap) -> Roadmap:
    """An approved roadmap's content is fixed: tests fill a draft, then approve it (status only, no order)."""
    Roadmap.objects.filter(pk=rm.pk).update(status=Roadmap.Status.APPROVED)
    rm.status = Roadmap.Status.APPROVED
    return rm


def person(org, *roles):
    return PersonFactory(organization=org, roles=list(roles))


def test_seven_stages_with_every_check_code_and_nothing_done_at_the_start(org):
    progress = stage_progress(org)
    assert [s.number for s in progress] == [1, 2, 3, 4, 5, 6, 7]
    assert [c.code for s in progress for c in s.checks] == CODES
    # The model programme templates come with the organisation (config.setup): that check is done from the start.
    assert [c.code for s in progress for c in s.checks if c.done] == ["programme_template_ready"]
    assert all(s.state == "not_started" and s.done_count == 0 for s in progress[1:])
    c = checks(org)
    assert c["questionnaires_collected"].detail == "анкетирование ещё не проводилось"
    assert c["mentees_with_requests"].detail == "0 из 0"
    assert c["mentees_with_requests"].url.endswith("/mentees/") or c["mentees_with_requests"].url


def test_stage_one_from_orders_roles_and_templates(org, curator):
    c = checks(org)
    assert not c["curator_appointed"].done and "кураторов в системе: 1" in c["curator_appointed"].detail
    make_order(org, OrderKind.CURATOR, status="approved", number=1, date=date(2025, 9, 1), pdf_sha256="0" * 64)
    roadmap(org, approved=True)
    ProgrammeTemplate.objects.create(organization=org, title="Адаптация молодого специалиста")
    c = checks(org)
    assert c["curator_appointed"].done and c["roadmap_approved"].done and c["programme_template_ready"].done
    assert not c["regulation_approved"].done
    stage1 = stage_progress(org)[0]
    assert (stage1.done_count, stage1.state) == (3, "in_progress")


def test_banks_counts_and_consents(org):
    a, b = person(org), person(org)
    mentee_entry(a)
    mentee_entry(b, directions=(), difficulties="")
    c = checks(org)
    assert c["mentees_with_requests"].detail == "1 из 2" and not c["mentees_with_requests"].done
    assert c["mentee_consents"].done and c["mentee_consents"].detail == "2 из 2"

    m = person(org)
    entry = mentor_entry(m)
    c = checks(org)
    assert c["mentors_with_questionnaires"].done
    assert not c["mentor_consents"].done  # no consent to the duties yet
    give_consent(m, Purpose.DUTIES)
    entry.change_status(MentorEntry.Status.SELECTED)
    c = checks(org)
    assert c["mentor_consents"].done and c["mentors_selected"].done and not c["mentors_trained"].done
    training(org, m)
    assert checks(org)["mentors_trained"].done
    assert stage_progress(org)[3].state == "done"


def test_stage_five_every_mentee_in_an_approved_programme_or_supported(org, curator):
    mentor, paired, waiting = person(org), person(org), person(org)
    selected_mentor(mentor)
    pair = make_pair(mentor, paired, state="active")
    entry = mentee_entry(waiting)
    c = checks(org)
    assert c["waiting_supported"].detail == "0 из 2" and c["pairs_active"].detail == "0 из 1"
    p = programme(pair)
    p.approved_at = timezone.now()
    p.save(update_fields=["approved_at"])
    c = checks(org)
    assert c["pairs_active"].done and c["waiting_supported"].detail == "1 из 2"
    SupportRecord.objects.create(organization=org, entry=entry, description="Консультации заместителя директора")
    assert checks(org)["waiting_supported"].done


def test_stage_six_completion_and_final_event(org, head):
    mentor, mentee = person(org), person(org)
    selected_mentor(mentor)
    make_pair(mentor, mentee, state="completed")
    make_order(org, OrderKind.FINAL_EVENT, status="approved", number=2, date=date(2025, 9, 1), pdf_sha256="0" * 64)
    c = checks(org)
    assert c["programmes_completed"].done and c["final_event_held"].done
    assert not c["questionnaires_collected"].done and not c["practices_saved"].done
    assert stage_progress(org)[5].state == "in_progress"
    assert stage_progress(org)[6].state == "not_started"


def test_other_organisation_data_does_not_count(org, other_org):
    mentee_entry(person(other_org))
    make_order(other_org, OrderKind.CURATOR, status="approved", number=1, date=date(2025, 9, 1), pdf_sha256="0" * 64)
    c = checks(org)
    assert c["mentees_with_requests"].detail == "0 из 0" and not c["curator_appointed"].done


def test_figures_are_two_queries_whatever_the_size(org):
    with CaptureQueriesContext(connection) as small:
        org_figures(org)
    grow_mentee_bank(org, 60)
    bulk_pairs(org, 30)
    with CaptureQueriesContext(connection) as large:
        figures = org_figures(org)
    # The figures on the organisation's row, and the current roadmap's tally by stage.
    assert len(small) == len(large) == 2
    assert figures["pairs_active"] == 30


def test_yes_no_figures_are_bools_and_counts_are_ints_on_both_databases(org):
    figures = org_figures(org)
    flags = {"regulation_approved", "roadmap_approved", "curator_order", "final_event", "public_page_open"}
    assert {k for k, v in figures.items() if type(v) is bool} == flags  # EXISTS is 0/1 on SQLite without converters
    assert all(type(v) is int for k, v in figures.items() if k not in flags)


def test_sync_completes_linked_activities_once_and_keeps_manual_statuses(org):
    rm = roadmap(org)
    stage = RoadmapStage.objects.create(roadmap=rm, number="1", model_stage=1, title="Подготовка условий")
    linked = RoadmapActivity.objects.create(
        roadmap=rm, stage=stage, content="Утвердить карту", check_code="roadmap_approved"
    )
    cancelled = RoadmapActivity.objects.create(
        roadmap=rm, stage=stage, content="Ещё раз", check_code="roadmap_approved", status=ActivityStatus.CANCELLED
    )
    undone = RoadmapActivity.objects.create(
        roadmap=rm, stage=stage, content="Положение", check_code="regulation_approved"
    )
    plain = RoadmapActivity.objects.create(roadmap=rm, stage=stage, content="Собрание коллектива")
    approve(rm)
    assert sync_roadmap_activities(rm) == 1
    linked.refresh_from_db()
    assert (linked.status, linked.done_on, linked.note) == (ActivityStatus.DONE, timezone.localdate(), SYNC_NOTE)
    for a in (cancelled, undone, plain):
        before = a.status
        a.refresh_from_db()
        assert a.status == before
    assert sync_roadmap_activities(rm) == 0


def test_requested_entries_are_not_yet_in_the_bank(org):
    entry = mentee_entry(person(org))
    MenteeEntry.objects.filter(pk=entry.pk).update(status=MenteeEntry.Status.REQUESTED)
    f = org_figures(org)
    assert (f["mentees"], f["mentee_requests"]) == (0, 1)


def test_saving_a_practice_completes_the_activity_and_a_page_view_or_a_refused_form_writes_nothing(
    org, curator, django_capture_on_commit_callbacks
):
    rm = roadmap(org)
    stage = RoadmapStage.objects.create(roadmap=rm, number="6", model_stage=6, title="Завершение")
    saved = RoadmapActivity.objects.create(roadmap=rm, stage=stage, content="Копилка", check_code="practices_saved")
    approve(rm)
    home = reverse("role_home", args=[org.slug, "curator"])
    create = reverse("monitoring:practice_create", args=[org.slug])

    assert curator.client.get(home).status_code == 200
    saved.refresh_from_db()
    assert saved.status == ActivityStatus.PLANNED  # a GET never writes, even a derived status

    # Any POST in the organisation that does not fail brings the roadmap up to date.
    response = curator.client.post(reverse("monitoring:practice_create", args=[org.slug]), {"title": ""})
    assert response.status_code == 200  # the form came back with an error: still a request that did not fail
    # The completion runs after the commit of the change (people.changes.organization_changed).
    with django_capture_on_commit_callbacks(execute=True):
        assert curator.client.post(create, {"title": ""}).status_code == 200  # the form came back: nothing saved
    saved.refresh_from_db()
    assert saved.status == ActivityStatus.PLANNED

    with django_capture_on_commit_callbacks(execute=True):
        response = curator.client.post(create, {"title": "Практика", "description": "Описание"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.status, saved.note, saved.done_on) == (ActivityStatus.DONE, SYNC_NOTE, timezone.localdate())
    # The home shows it at once: the completion gave the organisation a new data version.
    figures = curator.client.get(home).context["figures"]
    assert figures["practices"] == 1


def test_complete_roadmap_completes_the_current_roadmap_from_fresh_figures(org):
    rm = roadmap(org)
    stage = RoadmapStage.objects.create(roadmap=rm, number="1", model_stage=1, title="Подготовка")
    linked = RoadmapActivity.objects.create(roadmap=rm, stage=stage, content="Карта", check_code="roadmap_approved")
    approve(rm)
    before = org.data_version
    assert complete_roadmap(org) == 1
    linked.refresh_from_db()
    assert linked.status == ActivityStatus.DONE and org.data_version != before
    assert complete_roadmap(org) == 0
