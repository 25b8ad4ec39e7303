"""The curator's «Публикация на сайте» pages: page settings, news, results of ended programmes; who may do what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Mentorship
from monitoring.models import NewsItem, ProgrammeResult, PublicPage
from tests.mentoring.pair_fixtures import make_pair
from tests.monitoring.publishing_fixtures import ended_pair, news, open_page, result

pytestmark = pytest.mark.django_db


def url(name: str, org, *args) -> str:
    return reverse(f"monitoring:{name}", args=[org.slug, *args])


def test_the_curator_opens_the_page_and_sees_its_address_and_embed_code(org, curator):
    response = curator.client.get(url("publishing", org))
    assert response.status_code == 200
    text = response.content.decode()
    assert "http://testserver/p/school-1/" in text
    assert "&lt;iframe src=&quot;http://testserver/p/school-1/embed/&quot;" in text
    response = curator.client.post(
        url("publishing", org),
        {"is_enabled": "on", "intro": "Вступление", "show_regulation": "on", "show_figures": "on"},
    )
    assert response.status_code == 302
    page = PublicPage.objects.get(organization=org)
    assert page.is_enabled and page.intro == "Вступление" and not page.show_roadmap
    assert reverse("public_page", args=[org.slug]) in curator.client.get(url("publishing", org)).content.decode()


def test_the_head_reads_but_cannot_change(org, head, persona):
    open_page(org, is_enabled=False)
    item = news(org, "Новость")
    m = ended_pair(persona(org, "mentor").person, persona(org, "mentee").person)
    for name, args in (
        ("publishing", ()),
        ("publishing_news", ()),
        ("publishing_results", ()),
        ("publishing_preview", ()),
    ):
        assert head.client.get(url(name, org, *args)).status_code == 200
    assert head.client.get(url("publishing_result_edit", org, m.pk)).status_code == 200
    assert head.client.post(url("publishing", org), {"is_enabled": "on"}).status_code == 404
    assert head.client.post(url("publishing_news_publish", org, item.pk), {"publish": "1"}).status_code == 404
    assert head.client.post(url("publishing_news_delete", org, item.pk)).status_code == 404
    assert head.client.get(url("publishing_news_create", org)).status_code == 404
    assert (
        head.client.post(url("publishing_result_edit", org, m.pk), {"summary": "x", "publish": "on"}).status_code == 404
    )
    assert not PublicPage.objects.get(organization=org).is_enabled
    item.refresh_from_db()
    assert item.is_published


def test_participants_have_no_access(org, mentor, mentee):
    for persona in (mentor, mentee):
        assert persona.client.get(url("publishing", org)).status_code == 404


def test_the_curator_of_another_organisation_cannot_edit(org, outsider, persona):
    item = news(org, "Наша новость", published=False)
    m = ended_pair(persona(org, "mentor").person, persona(org, "mentee").person)
    r = result(m, "Итоги", published=False)
    assert outsider.client.get(url("publishing_news_edit", org, item.pk)).status_code == 404
    assert outsider.client.post(url("publishing_news_publish", org, item.pk), {"publish": "1"}).status_code == 404
    assert outsider.client.post(url("publishing_result_publish", org, m.pk), {"publish": "1"}).status_code == 404
    # Nor through their own organisation's address with our objects' numbers.
    own = outsider.person.organization
    assert outsider.client.get(url("publishing_news_edit", own, item.pk)).status_code == 404
    assert outsider.client.post(url("publishing_news_delete", own, item.pk)).status_code == 404
    assert outsider.client.post(url("publishing_result_publish", own, m.pk), {"publish": "1"}).status_code == 404
    item.refresh_from_db()
    r.refresh_from_db()
    assert not item.is_published and not r.is_published
    assert NewsItem.objects.filter(pk=item.pk).exists()


def test_news_add_edit_publish_and_delete(org, curator):
    response = curator.client.post(
        url("publishing_news_create", org), {"title": "Открытое занятие", "date": "2026-10-05", "body": "Текст"}
    )
    assert response.status_code == 302
    item = NewsItem.objects.get(organization=org)
    assert not item.is_published and item.author == curator.user
    response = curator.client.post(
        url("publishing_news_edit", org, item.pk),
        {"title": "Открытое занятие в средней группе", "date": "2026-10-05", "body": "Текст"},
    )
    assert response.status_code == 302
    curator.client.post(url("publishing_news_publish", org, item.pk), {"publish": "1"})
    item.refresh_from_db()
    assert item.is_published and item.title == "Открытое занятие в средней группе"
    curator.client.post(url("publishing_news_publish", org, item.pk), {"publish": "0"})
    item.refresh_from_db()
    assert not item.is_published
    assert curator.client.get(url("publishing_news_publish", org, item.pk)).status_code == 405
    curator.client.post(url("publishing_news_delete", org, item.pk))
    assert not NewsItem.objects.filter(pk=item.pk).exists()


def test_a_news_item_needs_a_title(org, curator):
    response = curator.client.post(url("publishing_news_create", org), {"title": "", "date": "2026-10-05", "body": "x"})
    assert response.status_code == 400
    assert "Обязательное поле" in response.content.decode()
    assert not NewsItem.objects.exists()


def test_results_list_has_only_ended_programmes(org, persona, curator):
    done = ended_pair(persona(org, "mentor", surname="Завершилова").person, persona(org, "mentee").person)
    early = ended_pair(
        persona(org, "mentor", surname="Досрочнова").person,
        persona(org, "mentee").person,
        state=Mentorship.State.ENDED_EARLY,
    )
    running = make_pair(
        persona(org, "mentor", surname="Действующева").person,
        persona(org, "mentee").person,
        state=Mentorship.State.ACTIVE,
    )
    text = curator.client.get(url("publishing_results", org)).content.decode()
    assert "Завершилова" in text and "Досрочнова" in text and "Действующева" not in text
    assert curator.client.get(url("publishing_result_edit", org, running.pk)).status_code == 404
    assert curator.client.post(url("publishing_result_publish", org, running.pk), {"publish": "1"}).status_code == 404
    assert not ProgrammeResult.objects.exists()
    assert done.pk and early.pk


def test_the_curator_writes_and_publishes_results(org, persona, curator):
    m = ended_pair(persona(org, "mentor").person, persona(org, "mentee").person)
    # Publishing before anything is written is refused with a message.
    response = curator.client.post(url("publishing_result_publish", org, m.pk), {"publish": "1"}, follow=True)
    assert "Сначала напишите итоги" in response.content.decode()
    response = curator.client.post(url("publishing_result_edit", org, m.pk), {"summary": "", "publish": "on"})
    assert response.status_code == 400
    assert "пустые итоги не публикуются" in response.content.decode()
    response = curator.client.post(url("publishing_result_edit", org, m.pk), {"summary": "Провели открытые уроки"})
    assert response.status_code == 302
    r = ProgrammeResult.objects.get(mentorship=m)
    assert r.summary == "Провели открытые уроки" and not r.is_published
    curator.client.post(url("publishing_result_publish", org, m.pk), {"publish": "1"})
    r.refresh_from_db()
    assert r.is_published and r.published_at is not None
    curator.client.post(url("publishing_result_publish", org, m.pk), {"publish": "0"})
    r.refresh_from_db()
    assert not r.is_published and r.published_at is None


def test_the_preview_shows_a_closed_page_to_the_curator(org, curator, client):
    open_page(org, is_enabled=False, intro="Скоро откроемся")
    news(org, "Опубликованная новость")
    text = curator.client.get(url("publishing_preview", org)).content.decode()
    assert "Предпросмотр" in text and "Скоро откроемся" in text and "Опубликованная новость" in text
    assert client.get(reverse("public_page", args=[org.slug])).status_code == 404


def test_the_curator_home_links_the_page(org, curator):
    home = reverse("role_home", args=[org.slug, "curator"])
    text = curator.client.get(home).content.decode()
    assert url("publishing", org) in text
    assert reverse("public_page", args=[org.slug]) not in text
    curator.client.post(url("publishing", org), {"is_enabled": "on", "intro": "Вступление", "show_figures": "on"})
    assert reverse("public_page", args=[org.slug]) in curator.client.get(home).content.decode()


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_lists_read_a_constant_number_of_queries(org, persona, curator):
    def grow(n: int, start: int) -> None:
        for i in range(n):
            m = ended_pair(persona(org, "mentor", surname=f"Н{start + i}").person, persona(org, "mentee").person)
            result(m, f"Итоги {start + i}", published=bool(i % 2))
            news(org, f"Новость {start + i}", published=bool(i % 2))

    grow(2, 0)
    curator.client.get(url("publishing", org))  # the first request of a session reads more (session, caches)
    small = {name: _queries(curator.client, url(name, org)) for name in ("publishing_news", "publishing_results")}
    grow(8, 100)
    large = {name: _queries(curator.client, url(name, org)) for name in ("publishing_news", "publishing_results")}
    assert small == large
