"""Approved means immutable (issue 14, point 2) and each year's roadmap by its own order (point 3).

An approved roadmap's stages and activities never change — not by save, bulk update, delete, a page or the admin;
only the marks of progress do. A change is a new редакция approved by an order «О внесении изменений в дорожную
карту»; a roadmap is approved by an order that names it and carries it as its appendix; the current roadmap is the
approved one, whatever drafts and imports exist. The regulation and the consent texts are fixed the same way.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from monitoring.progress import org_figures
from monitoring.publishing import approved_roadmap
from roadmap import regulation as regulations
from roadmap import versions
from roadmap.drafting import draft_order
from roadmap.importing import import_demo_roadmap
from roadmap.models import ActivityStatus, Order, OrderKind, Regulation, Roadmap, RoadmapActivity, RoadmapStage
from roadmap.roadmaps import create_from_model
from roadmap.services import approve_order, submit_order
from tests.monitoring.publishing_fixtures import open_page
from tests.roadmap.roadmap_fixtures import make_roadmap

pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.time_machine("2026-11-20 10:00 +03:00")]

TODAY = date(2026, 11, 20)


def approve_by_order(roadmap: Roadmap, kind: str, head, curator) -> Order:
    """Draft the order for `roadmap`, send it and approve it as the head would."""
    order = draft_order(roadmap.organization, kind, by=curator.user, roadmap=roadmap)
    submit_order(order, by=curator.user, notify=False)
    return approve_order(order, by=head.user, notify=False)


@pytest.fixture
def approved(org, head, curator) -> Roadmap:
    roadmap = make_roadmap(org, 6)
    approve_by_order(roadmap, OrderKind.ROADMAP, head, curator)
    roadmap.refresh_from_db()
    return roadmap


def pdf_text(data: bytes) -> str:
    # Every run of white space as one space: the typography puts non-breaking ones after «№» and in names.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def content_of(roadmap: Roadmap) -> list[tuple]:
    return list(
        RoadmapActivity.objects.filter(roadmap=roadmap)
        .order_by("id")
        .values_list("number", "content", "deadline_text", "deadline_date", "responsible_position", "stage__title")
    )


# --- model level: content refused, progress allowed ---------------------------------------------------------------


def test_no_content_of_an_approved_roadmap_can_be_changed_by_any_route(approved):
    before = content_of(approved)
    activity = approved.activities.order_by("id").first()
    stage = approved.stages.order_by("id").first()
    activities = RoadmapActivity.objects.filter(roadmap=approved)

    activity.content = "Подменённый текст"
    with pytest.raises(ValidationError, match="утверждена приказом"):
        activity.save()
    with pytest.raises(ValidationError, match="утверждена приказом"):
        activity.save(update_fields=["content"])
    activity.refresh_from_db()
    activity.deadline_date, activity.responsible_position = date(2027, 5, 1), "Директор"
    with pytest.raises(ValidationError):
        activity.save()
    activity.refresh_from_db()
    with pytest.raises(ValidationError):
        activities.update(content="Массово подменено")
    with pytest.raises(ValidationError):
        activities.update(deadline_text="никогда")
    activity.content = "Через bulk_update"
    with pytest.raises(ValidationError):
        RoadmapActivity.objects.bulk_update([activity], ["content"])
    with pytest.raises(ValidationError):
        activity.delete()
    with pytest.raises(ValidationError):
        activities.delete()
    with pytest.raises(ValidationError):
        RoadmapActivity.objects.create(roadmap=approved, stage=stage, content="Новое мероприятие")
    with pytest.raises(ValidationError):
        RoadmapActivity.objects.bulk_create([RoadmapActivity(roadmap=approved, stage=stage, content="Ещё одно")])

    stage.title = "Другой этап"
    with pytest.raises(ValidationError):
        stage.save()
    with pytest.raises(ValidationError):
        RoadmapStage.objects.filter(roadmap=approved).update(title="Этап")
    with pytest.raises(ValidationError):
        RoadmapStage.objects.create(roadmap=approved, number="8", title="Лишний этап")
    with pytest.raises(ValidationError):
        stage.delete()

    roadmap = Roadmap.objects.get(pk=approved.pk)
    roadmap.title, roadmap.period_end = "Другое название", date(2027, 12, 31)
    with pytest.raises(ValidationError):
        roadmap.save()
    roadmap.refresh_from_db()
    roadmap.status = Roadmap.Status.DRAFT
    with pytest.raises(ValidationError):
        roadmap.save()
    with pytest.raises(ValidationError):
        Roadmap.objects.filter(pk=approved.pk).update(title="Подмена")
    with pytest.raises(ValidationError):
        Roadmap.objects.filter(pk=approved.pk).update(status=Roadmap.Status.DRAFT)
    with pytest.raises(ValidationError):
        Roadmap.objects.filter(pk=approved.pk).delete()

    assert content_of(approved) == before
    assert Roadmap.objects.get(pk=approved.pk).status == Roadmap.Status.APPROVED


def test_the_marks_of_progress_stay_editable_on_an_approved_roadmap(approved):
    activity = approved.activities.order_by("id").first()
    activity.status, activity.done_on, activity.note = ActivityStatus.DONE, TODAY, "Проведено, протокол № 4."
    activity.save()
    RoadmapActivity.objects.filter(roadmap=approved).exclude(pk=activity.pk).update(status=ActivityStatus.IN_PROGRESS)
    other = approved.activities.exclude(pk=activity.pk).first()
    other.note = "Идёт работа."
    RoadmapActivity.objects.bulk_update([other], ["note"])

    activity.refresh_from_db()
    other.refresh_from_db()
    note = "Проведено, протокол № 4."
    assert (activity.status, activity.done_on, activity.note) == (ActivityStatus.DONE, TODAY, note)
    assert (other.status, other.note) == (ActivityStatus.IN_PROGRESS, "Идёт работа.")


def test_a_draft_roadmap_stays_fully_editable(org):
    draft = make_roadmap(org, 3)
    activity = draft.activities.first()
    activity.content = "Уточнённая формулировка"
    activity.save()
    RoadmapActivity.objects.filter(roadmap=draft).update(deadline_text="декабрь")
    draft.activities.last().delete()
    assert RoadmapActivity.objects.filter(roadmap=draft, deadline_text="декабрь").count() == 2


def test_an_adopted_or_approved_regulation_cannot_be_changed_and_a_new_version_can(org, head, curator):
    reg = regulations.generate(org, by=curator.user)
    reg.body += "Дополнительный пункт.\n"
    reg.save()  # a draft changes freely
    regulations.adopt(reg, council_date=TODAY, council_number="3")
    reg.refresh_from_db()
    reg.body = "Подменённый текст\n"
    with pytest.raises(ValidationError, match="изменить нельзя"):
        reg.save()
    order = regulations.draft_approval_order(reg, by=curator.user)
    submit_order(order, by=curator.user, notify=False)
    approve_order(order, by=head.user, notify=False)
    reg.refresh_from_db()
    assert reg.status == Regulation.Status.APPROVED
    text = reg.body

    reg.title = "Другое положение"
    with pytest.raises(ValidationError):
        reg.save()
    with pytest.raises(ValidationError):
        Regulation.objects.filter(pk=reg.pk).update(body="Подмена")
    with pytest.raises(ValidationError):
        Regulation.objects.filter(pk=reg.pk).delete()
    with pytest.raises(ValidationError):
        Regulation.objects.get(pk=reg.pk).delete()
    assert Regulation.objects.get(pk=reg.pk).body == text

    second = regulations.new_version(org, by=curator.user)
    regulations.save_text(second, title=second.title, body=text + "Новый пункт.")
    assert second.version == 2 and Regulation.objects.get(pk=reg.pk).body == text


# --- service level ----------------------------------------------------------------------------------------------


def test_a_change_is_a_new_version_approved_by_a_change_order(org, head, curator, approved):
    first_order = approved.approved_by_order
    before = content_of(approved)
    draft, created = versions.prepare_changes(approved)
    assert created and draft.status == Roadmap.Status.DRAFT and draft.replaces == approved
    assert versions.prepare_changes(approved) == (draft, False)  # one редакция at a time
    assert [row[:2] for row in content_of(draft)] == [row[:2] for row in before]

    changed = draft.activities.order_by("id").first()
    changed.content = "Провести установочную встречу наставников (новая редакция)"
    changed.save()
    # Work goes on under the approved редакция meanwhile; its mark moves to the new one.
    done = approved.activities.order_by("id").last()
    done.status, done.done_on, done.note = ActivityStatus.DONE, TODAY, "Проведено."
    done.save(update_fields=["status", "done_on", "note"])
    assert Roadmap.objects.current_for(org) == approved

    with pytest.raises(ValidationError, match="О внесении изменений"):
        draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=draft)
    order = approve_by_order(draft, OrderKind.ROADMAP_CHANGE, head, curator)

    draft.refresh_from_db()
    approved.refresh_from_db()
    assert (draft.status, draft.approved_by_order) == (Roadmap.Status.APPROVED, order)
    assert (approved.status, approved.approved_by_order) == (Roadmap.Status.SUPERSEDED, first_order)
    assert Roadmap.objects.current_for(org) == draft
    assert content_of(approved) == before  # the old редакция stays readable as approved
    assert draft.activities.get(origin=done).status == ActivityStatus.DONE
    assert order.heading.startswith("О внесении изменений в дорожную карту")
    assert f"утверждённую приказом от {first_order.date:%d.%m.%Y} № {first_order.reg_number}" in order.items[0]["text"]
    changed.refresh_from_db()
    with pytest.raises(ValidationError):
        changed.delete()  # the new редакция is approved now: fixed in its turn


def test_the_roadmap_order_approves_the_roadmap_the_curator_chose_and_carries_it_as_appendix(org, head, curator):
    chosen = make_roadmap(org, 4, title="Дорожная карта первого года")
    other = make_roadmap(org, 2, title="Другая дорожная карта")
    order = draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=chosen)
    assert order.roadmap == chosen
    assert order.items[0]["text"].startswith("Утвердить дорожную карту первого года на ")
    submit_order(order, by=curator.user, notify=False)
    order = approve_order(order, by=head.user, notify=False)

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, chosen.approved_by_order) == (Roadmap.Status.APPROVED, order)
    assert other.status == Roadmap.Status.DRAFT
    text = pdf_text(order.pdf.read())
    assert "Приложение № 1" in text
    assert "Мероприятие номер 3" in text and "Результат 4" in text

    with pytest.raises(ValidationError, match="приказом утверждается только проект"):
        draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=chosen)
    with pytest.raises(ValidationError, match="Выберите дорожную карту"):
        draft_order(org, OrderKind.ROADMAP, by=curator.user)


def test_the_regulation_order_never_picks_a_roadmap_by_itself(org, curator):
    make_roadmap(org, 3)
    reg = regulations.generate(org, by=curator.user)
    regulations.adopt(reg, council_date=TODAY, council_number="3")
    alone = regulations.draft_approval_order(reg, by=curator.user)
    assert alone.roadmap is None
    assert not any("дорожную карту" in i["text"] and i["text"].startswith("Утвердить") for i in alone.items)


def test_new_drafts_and_imports_never_replace_the_current_roadmap(org, approved):
    assert Roadmap.objects.current_for(org) == approved
    create_from_model(org, "2026–2027 учебный год", date(2026, 9, 1), date(2027, 8, 31))
    create_from_model(org, "2027–2028 учебный год", date(2027, 9, 1), date(2028, 8, 31))
    import_demo_roadmap(org)
    versions.prepare_changes(approved)
    assert Roadmap.objects.for_org(org).count() == 5
    assert Roadmap.objects.current_for(org) == approved
    assert approved_roadmap(org) == approved


def test_the_approved_roadmaps_overdue_items_still_count_while_a_draft_exists(org, curator, approved, time_machine):
    late = approved.activities.order_by("id").first()  # deadline 30.11.2026: not yet overdue on 20.11
    assert org_figures(org)["roadmap_overdue"] == 0
    make_roadmap(org, 2, title="Новая дорожная карта того же года")  # a later draft of the same period
    create_from_model(org, "2027–2028 учебный год", date(2027, 9, 1), date(2028, 8, 31))
    import_demo_roadmap(org)

    time_machine.move_to("2026-12-10 10:00 +03:00")
    curator.client.force_login(curator.user)  # the session of 20 days ago has expired
    assert org_figures(org)["roadmap_overdue"] == 6
    overdue = curator.client.get(reverse("role_home", args=[org.slug, "curator"])).context["roadmap_overdue"]
    assert late in overdue and {a.roadmap_id for a in overdue} == {approved.pk}


def test_a_second_year_is_approved_by_its_own_order_while_the_first_stays_intact(org, head, curator, approved):
    first_text = content_of(approved)
    second = create_from_model(org, "2027–2028 учебный год", date(2027, 9, 1), date(2028, 8, 31))
    order = approve_by_order(second, OrderKind.ROADMAP, head, curator)
    approved.refresh_from_db()
    second.refresh_from_db()
    assert approved.status == Roadmap.Status.APPROVED and content_of(approved) == first_text
    assert second.approved_by_order == order
    assert Roadmap.objects.current_for(org) == approved  # 20.11.2026 is in the first year
    assert Roadmap.objects.current_for(org, date(2027, 10, 1)) == second


# --- view level ---------------------------------------------------------------------------------------------------


def test_editing_an_approved_roadmap_on_its_pages_is_refused_and_progress_is_recorded(org, curator, approved):
    activity = approved.activities.order_by("id").first()
    url = reverse("roadmap:roadmap_activity_edit", args=[org.slug, approved.pk, activity.pk])
    page = curator.client.get(url)
    assert page.status_code == 200 and "Подготовить изменения" in page.content.decode()

    response = curator.client.post(url, {"content": "Подменённый текст", "status": ActivityStatus.PLANNED})
    assert response.status_code == 200  # the form again, with the refusal above it
    assert "содержание изменить нельзя" in response.content.decode()
    activity.refresh_from_db()
    assert activity.content == "Мероприятие номер 1"

    response = curator.client.post(url, {"status": ActivityStatus.DONE, "done_on": "2026-11-19", "note": "Сделано."})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.done_on, activity.note) == (ActivityStatus.DONE, date(2026, 11, 19), "Сделано.")

    for refused in (
        curator.client.post(url, {"action": "delete"}, follow=True),
        curator.client.post(reverse("roadmap:roadmap_renumber", args=[org.slug, approved.pk]), follow=True),
        curator.client.get(reverse("roadmap:roadmap_activity_new", args=[org.slug, approved.pk]), follow=True),
    ):
        assert refused.status_code == 200 and "содержание изменить нельзя" in refused.content.decode()
    assert approved.activities.count() == 6


def test_prepare_changes_and_the_change_order_from_the_roadmap_page(org, curator, outsider, approved):
    revise = reverse("roadmap:roadmap_revise", args=[org.slug, approved.pk])
    assert outsider.client.post(revise).status_code == 404
    response = curator.client.post(revise)
    draft = Roadmap.objects.get(replaces=approved)
    assert response.status_code == 302 and response["Location"].endswith(f"/roadmap/{draft.pk}/")
    page = curator.client.get(response["Location"]).content.decode()
    assert "Проект новой редакции" in page

    make_order = reverse("roadmap:roadmap_order", args=[org.slug, draft.pk])
    assert outsider.client.post(make_order).status_code == 404
    response = curator.client.post(make_order)
    order = Order.objects.get(roadmap=draft)
    assert order.kind == OrderKind.ROADMAP_CHANGE and response["Location"].endswith(f"/orders/{order.pk}/")


def test_the_public_copy_shows_the_approved_version_with_its_own_stamp(org, head, curator, approved):
    open_page(org)
    anonymous = Client()
    url = reverse("public_roadmap_pdf", args=[org.slug])
    first = approved.approved_by_order
    draft, _ = versions.prepare_changes(approved)
    changed = draft.activities.order_by("id").first()
    changed.content = "Формулировка новой редакции"
    changed.save()

    text = pdf_text(anonymous.get(url).content)
    assert f"№ {first.reg_number}" in text and "Мероприятие номер 1" in text
    assert "Формулировка новой редакции" not in text
    public = anonymous.get(reverse("public_page", args=[org.slug])).content.decode()
    assert f"{first.date:%d.%m.%Y} № {first.reg_number}" in public

    change = approve_by_order(draft, OrderKind.ROADMAP_CHANGE, head, curator)
    text = pdf_text(anonymous.get(url).content)
    assert f"№ {change.reg_number}" in text and "Формулировка новой редакции" in text
    assert "Мероприятие номер 1" not in text
    public = anonymous.get(reverse("public_page", args=[org.slug])).content.decode()
    assert f"{change.date:%d.%m.%Y} № {change.reg_number}" in public

    # The old редакция stays readable, with its own stamp and the word that it is replaced.
    old_pdf = curator.client.get(reverse("roadmap:roadmap_pdf", args=[org.slug, approved.pk])).content
    old = pdf_text(old_pdf)
    assert f"№ {first.reg_number}" in old and "Мероприятие номер 1" in old and "утратила силу" in old
    assert (
        f"заменена новой редакцией, утверждённой приказом от {change.date:%d.%m.%Y} № {change.reg_number}"
        in " ".join(old.split())
    )


def test_a_draft_roadmap_pdf_says_it_is_a_draft_and_carries_no_stamp(org, curator, approved):
    draft, _ = versions.prepare_changes(approved)
    text = pdf_text(curator.client.get(reverse("roadmap:roadmap_pdf", args=[org.slug, draft.pk])).content)
    assert "ПРОЕКТ" in text and "УТВЕРЖДЕНО" not in text
