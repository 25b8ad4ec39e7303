"""A published consent text is what people agreed to: no route changes or removes it; a change is a new version."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from people.consents import ensure_consent_texts
from people.models import ConsentText, Purpose

PD = Purpose.PERSONAL_DATA


@pytest.fixture
def published(bare_org) -> ConsentText:
    ensure_consent_texts(bare_org)
    return ConsentText.objects.current(bare_org, PD)


def test_a_published_consent_text_cannot_be_saved_updated_or_deleted(published):
    before = (published.title, published.body)
    published.body = "Подменённая редакция"
    with pytest.raises(ValidationError, match="новую редакцию"):
        published.save()
    with pytest.raises(ValidationError):
        published.save(update_fields=["body"])
    with pytest.raises(ValidationError):
        ConsentText.objects.filter(pk=published.pk).update(body="Массовая подмена")
    with pytest.raises(ValidationError):
        ConsentText.objects.filter(pk=published.pk).delete()
    with pytest.raises(ValidationError):
        ConsentText.objects.get(pk=published.pk).delete()
    stored = ConsentText.objects.get(pk=published.pk)
    assert (stored.title, stored.body) == before


def test_a_change_is_a_new_version_and_the_old_one_stays(bare_org, published):
    second = ConsentText.revise(bare_org, PD, "Согласие (новая редакция)", "Новый текст {ФИО}")
    assert second.version == published.version + 1
    assert ConsentText.objects.current(bare_org, PD) == second
    assert ConsentText.objects.get(pk=published.pk).body == published.body


def test_the_admin_shows_a_consent_text_read_only_and_cannot_delete_it(published):
    root = get_user_model().objects.create_superuser("root", "root@example.ru", "x")
    client = Client()
    client.force_login(root)
    change = reverse("admin:people_consenttext_change", args=[published.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="body"' not in page.content.decode()
    client.post(change, {"title": "Подмена", "body": "Подмена"})
    delete = client.post(reverse("admin:people_consenttext_delete", args=[published.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert ConsentText.objects.get(pk=published.pk).body == published.body
