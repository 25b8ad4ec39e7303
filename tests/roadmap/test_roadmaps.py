"""Roadmaps of a period: deadlines read from text, creation from the model, copying, the page and its editing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from monitoring.progress import SYNC_NOTE, done_codes, stage_progress
from roadmap import roadmaps as service
from roadmap.models import ActivityStatus, Roadmap, RoadmapActivity
from tests.roadmap.roadmap_fixtures import END, START, make_roadmap

S22, E23 = date(2022, 9, 1), date(2023, 8, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ноябрь 2022 и далее по мере необходимости", date(2022, 11, 30)),
        ("Ноябрь 2022г.", date(2022, 11, 30)),
        ("до 01.11.2022", date(2022, 11, 1)),
        ("до 01.11", date(2022, 11, 1)),
        ("до 15.03", date(2023, 3, 15)),
        ("в течение 2022–2023 учебного года", E23),
        ("в течение учебного года", E23),
        ("Ноябрь 2022 в течение 2022-2023 учебного года", date(2022, 11, 30)),
        ("сентябрь", date(2022, 9, 30)),
        ("Февраль", date(2023, 2, 28)),
        ("май", date(2023, 5, 31)),
        ("Ноябрь-Декабрь 2022", date(2022, 12, 31)),
        ("октябрь – ноябрь", date(2022, 11, 30)),
        ("до 1 ноября", date(2022, 11, 1)),
        ("до 20 мая 2023 г.", date(2023, 5, 20)),
        ("1 квартал", date(2023, 3, 31)),
        ("IV квартал", date(2022, 12, 31)),
        ("I квартал 2024", date(2024, 3, 31)),
        ("1 полугодие", date(2022, 12, 31)),
        ("второе полугодие", E23),
        # Issue 18: recurring work is tracked by the end of the period (its last time).
        ("ежемесячно", E23),
        ("постоянно", E23),
        ("Ежемесячно в течение учебного года", E23),
        ("по мере необходимости", None),
        ("", None),
        ("31.02.2023", None),
        ("программа", None),
    ],
)
def test_parse_deadline(text, expected):
    assert service.parse_deadline(text, S22, E23) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Issue 18: bare years and ranges of years get a control date.
        ("2023", E23),  # the period ends within 2023
        ("2022 г.", date(2022, 12, 31)),
        ("2022–2023 гг.", E23),  # this very academic year
        ("2022/23", E23),
        ("2023–2024 гг.", date(2024, 8, 31)),  # the next academic year, to its end
        ("2022–2024 гг.", date(2024, 12, 31)),  # calendar years: by the last of them
        # A month with a range of years: placed inside the academic year, or in the last calendar year.
        ("с октября по декабрь 2022–2023 гг.", date(2022, 12, 31)),
        ("февраль 2022–2023 гг.", date(2023, 2, 28)),
        ("с октября по декабрь 2022–2024 гг.", date(2024, 12, 31)),
        ("Ноябрь в течение 2022–2023 учебного года", date(2022, 11, 30)),
    ],
)
def test_parse_deadline_years_and_ranges_of_years(text, expected):
    assert service.parse_deadline(text, S22, E23) == expected


def test_parse_deadline_calendar_year_period():
    # Issue 18: «с октября по декабрь 2025–2026 гг.» in a plan of calendar years is checked by its last December.
    assert service.parse_deadline("с октября по декабрь 2025–2026 гг.", date(2025, 1, 1), date(2026, 12, 31)) == (
        date(2026, 12, 31)
    )
    assert service.parse_deadline("2026", date(2025, 1, 1), date(2026, 12, 31)) == date(2026, 12, 31)
    assert service.parse_deadline("март", date(2027, 1, 1), date(2027, 12, 31)) == date(2027, 3, 31)


# --- creating -------------------------------------------------------------------------------------------


def test_model_roadmap_has_seven_stages_with_three_to_six_activities():
    stages = service.model_roadmap()["stages"]
    assert [s["model_stage"] for s in stages] == [1, 2, 3, 4, 5, 6, 7]
    assert all(3 <= len(s["activities"]) <= 6 for s in stages)


def test_create_from_model_reads_deadlines_into_the_period(org):
    roadmap = service.create_from_model(org, "2026–2027 учебный год", START, END)
    assert roadmap.stages.count() == 7
    acts = {a.content: a for a in roadmap.activities.all()}
    curator = next(a for a in acts.values() if a.check_code == "curator_appointed")
    assert curator.deadline_text == "сентябрь" and curator.deadline_date == date(2026, 9, 30)
    assert curator.number.startswith("1.")
    questionnaires = next(a for a in acts.values() if a.check_code == "questionnaires_collected")
    assert questionnaires.deadline_date == date(2027, 4, 30)
    assert roadmap.activities.filter(deadline_text="ежемесячно", deadline_date=END).exists()


def test_copy_shifts_dates_and_years_and_plans_everything_again(org):
    old = make_roadmap(org, 3)
    a = old.activities.first()
    a.deadline_text, a.status, a.done_on, a.note = "Ноябрь 2026 и далее", ActivityStatus.DONE, date(2026, 11, 2), "Да"
    a.save()
    new = service.copy_roadmap(old, "2027–2028 учебный год", date(2027, 9, 1), date(2028, 8, 31))
    assert new.source == Roadmap.Source.COPY
    copied = new.activities.get(content=a.content)
    assert copied.deadline_text == "Ноябрь 2027 и далее"
    assert copied.deadline_date == date(2027, 11, 30)
    assert copied.status == ActivityStatus.PLANNED and copied.done_on is None and copied.note == ""
    assert new.activities.count() == 3 and new.stages.count() == 7


def test_create_pages_model_copy_blank(org, persona):
    curator = persona(org, "curator")
    url = reverse("roadmap:roadmap_create", args=[org.slug])
    page = curator.client.get(url)
    assert page.status_code == 200 and "2026–2027 учебный год" in page.content.decode()
    data = {"period_label": "2026–2027 учебный год", "period_start": "2026-09-01", "period_end": "2027-08-31"}
    response = curator.client.post(url, {**data, "source": "model"})
    model = Roadmap.objects.get(organization=org)
    assert response.status_code == 302 and model.activities.count() == 27
    curator.client.post(url, {**data, "source": "blank", "title": "Пустая"})
    assert Roadmap.objects.get(title="Пустая").activities.count() == 0
    curator.client.post(
        url,
        {
            "period_label": "2027–2028",
            "period_start": "2027-09-01",
            "period_end": "2028-08-31",
            "source": "copy",
            "copy_from": model.pk,
        },
    )
    assert Roadmap.objects.get(period_label="2027–2028").activities.count() == 27


def test_create_page_prefills_the_period_dates_in_a_form_the_date_picker_reads(org, persona):
    """A type=date input reads only ISO dates: «01.09.2026» left the prefilled period blank in the browser."""
    make_roadmap(org)
    html = persona(org, "curator").client.get(reverse("roadmap:roadmap_create", args=[org.slug])).content.decode()
    _label, start, end = service.next_period(org)
    assert f'value="{start:%Y-%m-%d}"' in html and f'value="{end:%Y-%m-%d}"' in html


def test_create_refuses_a_period_that_ends_before_it_starts(org, persona):
    curator = persona(org, "curator")
    response = curator.client.post(
        reverse("roadmap:roadmap_create", args=[org.slug]),
        {"source": "model", "period_label": "x", "period_start": "2027-09-01", "period_end": "2026-08-31"},
    )
    assert "Окончание периода должно быть позже его начала" in response.content.decode()
    assert not Roadmap.objects.exists()


# --- access ---------------------------------------------------------------------------------------------


def test_everyone_in_the_org_reads_only_editors_edit(org, other_org, persona):
    roadmap = make_roadmap(org, 2)
    page = reverse("roadmap:roadmap", args=[org.slug, roadmap.pk])
    new = reverse("roadmap:roadmap_activity_new", args=[org.slug, roadmap.pk])
    for kinds in (("head",), ("mentor",), ("mentee",)):
        reader = persona(org, *kinds)
        body = reader.client.get(page)
        assert body.status_code == 200 and "Мероприятие номер 1" in body.content.decode()
        assert 'data-testid="activity-new"' not in body.content.decode()
        assert reader.client.get(new).status_code == 404
        assert reader.client.get(reverse("roadmap:roadmaps", args=[org.slug])).status_code == 200
    curator = persona(org, "curator")
    assert 'data-testid="activity-new"' in curator.client.get(page).content.decode()
    assert curator.client.get(new).status_code == 200
    outsider = persona(other_org, "head", "curator", "admin")
    assert outsider.client.get(reverse("roadmap:roadmap", args=[other_org.slug, roadmap.pk])).status_code == 404
    assert outsider.client.get(page).status_code == 404


# --- activities -----------------------------------------------------------------------------------------


def _activity_data(roadmap, **extra) -> dict:
    stage = roadmap.stages.get(position=2)
    return {
        "stage": stage.pk,
        "number": "",
        "content": "Провести анкетирование молодых педагогов",
        "deadline_text": "Ноябрь 2026 и далее по мере необходимости",
        "deadline_date": "",
        "responsible_position": "Старший воспитатель",
        "expected_result": "Анкеты",
        "status": "planned",
        **extra,
    }


def test_new_activity_shows_the_date_read_from_the_deadline_for_confirmation(org, persona):
    roadmap = make_roadmap(org, 0)
    curator = persona(org, "curator")
    url = reverse("roadmap:roadmap_activity_new", args=[org.slug, roadmap.pk])
    first = curator.client.post(url, _activity_data(roadmap))
    assert first.status_code == 200 and not roadmap.activities.exists()
    body = first.content.decode()
    assert "30.11.2026" in body and 'value="2026-11-30"' in body
    # The curator corrects the date and confirms.
    second = curator.client.post(url, _activity_data(roadmap, deadline_date="2026-11-25", confirmed="1"))
    assert second.status_code == 302
    activity = roadmap.activities.get()
    assert activity.deadline_date == date(2026, 11, 25) and activity.stage.position == 2


def test_unreadable_deadline_saves_without_a_date(org, persona):
    roadmap = make_roadmap(org, 0)
    curator = persona(org, "curator")
    url = reverse("roadmap:roadmap_activity_new", args=[org.slug, roadmap.pk])
    assert curator.client.post(url, _activity_data(roadmap, deadline_text="по мере необходимости")).status_code == 302
    assert roadmap.activities.get().deadline_date is None


def test_done_needs_a_date_and_delete_removes(org, persona):
    roadmap = make_roadmap(org, 2)
    activity = roadmap.activities.order_by("id").first()
    curator = persona(org, "curator")
    url = reverse("roadmap:roadmap_activity_edit", args=[org.slug, roadmap.pk, activity.pk])
    data = _activity_data(roadmap, stage=activity.stage_id, deadline_date="2026-11-30", status="done")
    refused = curator.client.post(url, data)
    assert "Укажите дату выполнения" in refused.content.decode()
    assert curator.client.post(url, {**data, "done_on": "2026-11-10", "note": "Протокол № 3"}).status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE and activity.done_on == date(2026, 11, 10)
    assert curator.client.post(url, {"action": "delete"}).status_code == 302
    assert not RoadmapActivity.objects.filter(pk=activity.pk).exists()


def test_move_and_renumber(org, persona):
    roadmap = make_roadmap(org, 21)  # three activities in each of seven stages
    stage = roadmap.stages.get(position=1)
    first, second, third = stage.activities.order_by("position")
    curator = persona(org, "curator")
    move = reverse("roadmap:roadmap_activity_move", args=[org.slug, roadmap.pk, third.pk])
    assert curator.client.get(move).status_code == 405
    curator.client.post(move, {"direction": "up"})
    curator.client.post(move, {"direction": "up"})
    curator.client.post(move, {"direction": "up"})  # already first: nothing happens
    assert list(stage.activities.order_by("position").values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    assert [a.number for a in stage.activities.order_by("position")] == ["1.3", "1.1", "1.2"]
    curator.client.post(reverse("roadmap:roadmap_renumber", args=[org.slug, roadmap.pk]))
    assert [a.number for a in stage.activities.order_by("position")] == ["1.1", "1.2", "1.3"]
    assert stage.activities.get(pk=third.pk).number == "1.1"


def test_overdue_activities_stand_out(org, persona, monkeypatch):
    roadmap = make_roadmap(org, 3)
    done = roadmap.activities.order_by("id")[1]
    done.status, done.done_on = ActivityStatus.DONE, date(2026, 11, 20)
    done.save()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 12, 5))
    body = persona(org, "head").client.get(reverse("roadmap:roadmap", args=[org.slug, roadmap.pk])).content.decode()
    assert body.count('data-testid="overdue"') == 2
    assert "просрочено 2" in body


@pytest.mark.parametrize("size", [10, 200])
def test_roadmap_page_queries_are_constant(org, persona, django_assert_max_num_queries, size):
    roadmap = make_roadmap(org, size)
    curator = persona(org, "curator")
    with django_assert_max_num_queries(12):
        response = curator.client.get(reverse("roadmap:roadmap", args=[org.slug, roadmap.pk]))
    assert response.content.decode().count('data-testid="activity"') == size


@pytest.mark.parametrize("size", [2, 20])
def test_roadmap_list_queries_are_constant(org, persona, django_assert_max_num_queries, size):
    for _ in range(size):
        make_roadmap(org, 3, stages=1)
    head = persona(org, "head")
    with django_assert_max_num_queries(10):
        response = head.client.get(reverse("roadmap:roadmaps", args=[org.slug]))
    assert response.content.decode().count("0 из 3") == size


# --- demo -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
# The demo places the kindergarten in stage 5 of its year (one activity overdue, stages 6–7 ahead): that is
# what it shows in the second half of November, so the clock is pinned there.
@pytest.mark.time_machine("2026-11-20 10:00 +03:00")
def test_demo_kindergarten_roadmap_in_progress_and_school_roadmap_once(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    # As on a real run: what the demo's approvals and answers set off after the commit runs too.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    kg = Roadmap.objects.get(organization__slug="ds-solnyshko")
    by_stage = {s.model_stage: list(s.activities.all()) for s in kg.stages.all()}
    assert all(a.status == ActivityStatus.DONE and a.done_on and a.note for n in (1, 2, 3, 4) for a in by_stage[n])
    assert {a.status for a in by_stage[5]} == {ActivityStatus.DONE, ActivityStatus.IN_PROGRESS}
    assert kg.activities.overdue().count() == 1
    # Stages 6–7 are ahead: planned, except what the demo's data already shows done (practices saved, the final
    # event held, the questionnaires collected, items published), which the system completed itself.
    shown_done = done_codes(stage_progress(kg.organization))
    for a in (a for n in (6, 7) for a in by_stage[n]):
        if a.check_code in shown_done:
            assert (a.status, a.note) == (ActivityStatus.DONE, SYNC_NOTE), a.check_code
        else:
            assert a.status == ActivityStatus.PLANNED, a.check_code
    assert {a.status for n in (6, 7) for a in by_stage[n]} == {ActivityStatus.DONE, ActivityStatus.PLANNED}
    assert Roadmap.objects.filter(organization__slug="school-7").count() == 1
    call_command("seed_demo", stdout=io.StringIO())
    assert Roadmap.objects.count() == 2
