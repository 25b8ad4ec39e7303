"""The organisation's reference lists: installed from fixtures/, then kept by the organisation's admin."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from people.models import REFERENCE_LISTS, Direction, MentoringForm, MentoringKind
from people.services import REFERENCE_FIXTURE, install_reference_lists, load_reference_fixture
from tests.factories import OrganizationFactory


def counts(org) -> dict[str, int]:
    return {key: model.objects.filter(organization=org).count() for key, model in REFERENCE_LISTS.items()}


def test_fixture_has_the_four_lists_with_unique_codes_and_names():
    data = json.loads(REFERENCE_FIXTURE.read_text(encoding="utf-8"))
    assert set(data) == {"forms", "kinds", "directions", "categories"}
    for key, entries in data.items():
        assert entries, key
        codes = [entry["code"] for entry in entries]
        names = [entry["name"] for entry in entries]
        assert all(codes) and len(set(codes)) == len(codes), key
        assert all(names) and len(set(names)) == len(names), key
        assert all(len(code) <= 40 and code == code.lower() for code in codes), key


def test_fixture_with_an_unknown_list_is_refused(tmp_path):
    bad = tmp_path / "lists.json"
    bad.write_text(json.dumps({"forms": [], "colours": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="colours"):
        load_reference_fixture(bad)


@pytest.mark.django_db
def test_install_adds_every_entry_once():
    org = OrganizationFactory()
    expected = {key: len(entries) for key, entries in load_reference_fixture().items()}
    assert install_reference_lists(org) == sum(expected.values())
    assert counts(org) == expected
    assert install_reference_lists(org) == 0
    assert counts(org) == expected


@pytest.mark.django_db
def test_install_keeps_what_the_organisation_renamed_or_switched_off():
    org = OrganizationFactory(reference_lists=True)
    before = counts(org)
    renamed = MentoringKind.objects.get(organization=org, code="group")
    renamed.name = "Групповое наставничество"
    renamed.save()
    MentoringForm.objects.filter(organization=org, code="employer-student").update(is_active=False)

    assert install_reference_lists(org) == 0
    assert counts(org) == before
    assert MentoringKind.objects.get(organization=org, code="group").name == "Групповое наставничество"
    assert not MentoringKind.objects.filter(organization=org, name="Наставничество в группе").exists()
    assert not MentoringForm.objects.get(organization=org, code="employer-student").is_active


@pytest.mark.django_db
def test_install_does_not_clash_with_an_entry_the_organisation_added_itself():
    org = OrganizationFactory()
    Direction.objects.create(organization=org, name="Методическое", code="")
    direction_codes = [e["code"] for e in load_reference_fixture()["directions"]]
    fixture_names = {e["name"] for e in load_reference_fixture()["directions"]}
    assert "Методическое" in fixture_names, "the test needs a name that the fixture also uses"

    install_reference_lists(org)
    assert Direction.objects.filter(organization=org, name="Методическое").count() == 1
    assert Direction.objects.filter(organization=org).count() == len(direction_codes)


@pytest.mark.django_db
def test_install_touches_no_other_organisation():
    first = OrganizationFactory(reference_lists=True)
    MentoringForm.objects.filter(organization=first).update(is_active=False)
    second = OrganizationFactory(reference_lists=True)
    assert counts(second) == counts(first)
    assert MentoringForm.objects.filter(organization=second, is_active=True).count() == counts(first)["forms"]


def list_url(org, key: str = "forms") -> str:
    return reverse("people:reference_list", args=[org.slug, key])


def test_reference_list_shows_the_organisations_entries_in_order(admin, other_org):
    MentoringForm.objects.create(organization=other_org, name="Только у соседей")
    response = admin.client.get(list_url(admin.org))
    names = [item.name for item in response.context["items"]]
    assert names[:2] == ["Педагог – педагог", "Руководитель образовательной организации – педагог"]
    assert "Только у соседей" not in names
    assert "Добавить запись" in response.text


def test_admin_adds_an_entry(admin):
    response = admin.client.post(
        list_url(admin.org, "directions"),
        {"name": "  Финансовая\xa0 грамотность ", "description": "Для классных руководителей", "position": 90},
        follow=True,
    )
    item = Direction.objects.get(organization=admin.org, name="Финансовая грамотность")
    assert item.code == ""
    assert item.is_active is False  # an unticked box
    assert "Запись «Финансовая грамотность» добавлена." in response.text


@pytest.mark.parametrize(
    "name", ["Педагог – педагог", "педагог – педагог", "ПЕДАГОГ – ПЕДАГОГ", " Педагог –  педагог "]
)
def test_duplicate_name_is_refused(admin, name):
    response = admin.client.post(list_url(admin.org), {"name": name, "position": 5, "is_active": "on"})
    assert response.status_code == 200
    assert "Такая запись в справочнике уже есть." in response.text
    assert MentoringForm.objects.filter(organization=admin.org).count() == counts(admin.org)["forms"]
    assert MentoringForm.objects.filter(organization=admin.org, name__icontains="едагог – педагог").count() == 1


def test_a_name_used_by_another_organisation_is_fine(admin, other_org):
    MentoringForm.objects.create(organization=other_org, name="Педагог – родитель")
    response = admin.client.post(list_url(admin.org), {"name": "Педагог – родитель", "position": 5})
    assert response.status_code == 302
    assert MentoringForm.objects.filter(organization=admin.org, name="Педагог – родитель").exists()


def test_admin_renames_and_switches_off_an_entry(admin):
    item = MentoringForm.objects.get(organization=admin.org, code="teacher-teacher")
    url = reverse("people:reference_edit", args=[admin.org.slug, "forms", item.pk])
    assert admin.client.get(url).status_code == 200
    response = admin.client.post(url, {"name": "Педагог – педагог (внутри школы)", "position": 10})
    assert response.status_code == 302
    assert response.url == list_url(admin.org)
    item.refresh_from_db()
    assert (item.name, item.is_active, item.code) == ("Педагог – педагог (внутри школы)", False, "teacher-teacher")


def test_saving_an_entry_under_its_own_name_is_not_a_duplicate(admin):
    item = MentoringForm.objects.get(organization=admin.org, code="teacher-teacher")
    url = reverse("people:reference_edit", args=[admin.org.slug, "forms", item.pk])
    response = admin.client.post(url, {"name": "Педагог – педагог", "description": "Новое пояснение", "position": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.description == "Новое пояснение"


def test_renaming_to_another_entrys_name_is_refused(admin):
    item = MentoringForm.objects.get(organization=admin.org, code="teacher-teacher")
    url = reverse("people:reference_edit", args=[admin.org.slug, "forms", item.pk])
    response = admin.client.post(url, {"name": "работодатель – студент", "position": 1})
    assert response.status_code == 200
    assert "Такая запись в справочнике уже есть." in response.text
    item.refresh_from_db()
    assert item.name == "Педагог – педагог"
