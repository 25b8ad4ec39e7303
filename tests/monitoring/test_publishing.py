"""The public mentoring page of an organisation: exactly what is published, names only with consent, closed is 404,
framing allowed for the embedded version only, documents only when approved, a constant number of queries."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Mentorship
from monitoring.models import ProgrammeResult
from monitoring.progress import org_figures, stage_checks
from people.models import Purpose
from people.services import withdraw_consent
from roadmap.models import Regulation, Roadmap
from tests.mentoring.pair_fixtures import make_pair
from tests.monitoring.publishing_fixtures import (
    approved_regulation,
    approved_roadmap,
    ended_pair,
    news,
    open_page,
    practice,
    publication_consent,
    result,
)
from tests.people.bank_fixtures import give_consent

pytestmark = pytest.mark.django_db


def public(org, name: str = "public_page", *args) -> str:
    return reverse(name, args=[org.slug, *args])


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def anonymous() -> Client:
    return Client()


def test_the_page_shows_exactly_the_published_items(org, persona, anonymous):
    open_page(org, intro="Наставничество в нашей школе.")
    news(org, "Стартовала программа наставничества")
    news(org, "Черновик о круглом столе", published=False)
    mentor, mentee = persona(org, "mentor", surname="Фролова"), persona(org, "mentee", surname="Смирнова")
    done = ended_pair(mentor.person, mentee.person)
    result(done, "Итоги опубликованной программы")
    other_mentor, other_mentee = persona(org, "mentor", surname="Исаева"), persona(org, "mentee", surname="Романова")
    result(ended_pair(other_mentor.person, other_mentee.person), "Итоги, которые ещё пишутся", published=False)
    practice(org, "Опубликованная практика")
    practice(org, "Неопубликованная практика", published=False)

    text = html(anonymous.get(public(org)))

    for shown in (
        "Наставничество в нашей школе.",
        "Стартовала программа наставничества",
        "Итоги опубликованной программы",
        "Опубликованная практика",
        "Опубликованная практика.pdf",
    ):
        assert shown in text
    for absent in ("Черновик о круглом столе", "Итоги, которые ещё пишутся", "Неопубликованная практика"):
        assert absent not in text


def test_names_only_with_a_publication_consent_and_gone_after_withdrawal(org, persona, anonymous):
    open_page(org)
    mentor = persona(org, "mentor", surname="Захарова", name="Ольга", patronymic="Николаевна")
    mentee = persona(org, "mentee", surname="Киселёва", name="Надежда", patronymic="Андреевна")
    author = persona(org, "mentor", surname="Орлова", name="Марина", patronymic="Ивановна")
    silent_author = persona(org, "mentor", surname="Медведева", name="Светлана", patronymic="Олеговна")
    consent = publication_consent(mentor.person)
    publication_consent(author.person)
    result(ended_pair(mentor.person, mentee.person), "Итоги пары")
    practice(org, "Практика двух авторов", authors=[author.person, silent_author.person])

    text = html(anonymous.get(public(org)))
    assert "Захарова Ольга Николаевна" in text
    assert "Орлова Марина Ивановна" in text
    assert "Наставляемый" in text
    assert "Киселёва" not in text and "Медведева" not in text

    withdraw_consent(consent, by=None)
    text = html(anonymous.get(public(org)))
    assert "Захарова" not in text
    assert "Наставник" in text


def test_a_closed_page_and_an_unknown_organisation_are_not_found(org, anonymous):
    practice_file = practice(org, "Практика").files.get()
    urls = lambda: [  # noqa: E731
        public(org),
        public(org, "public_embed"),
        public(org, "public_practice_file", practice_file.practice_id, practice_file.pk),
    ]
    assert all(anonymous.get(url).status_code == 404 for url in urls())
    open_page(org, is_enabled=False)
    assert all(anonymous.get(url).status_code == 404 for url in urls())
    assert anonymous.get("/p/no-such-org/").status_code == 404
    open_page(org)
    assert all(anonymous.get(url).status_code == 200 for url in urls())


def test_a_result_cannot_be_published_before_the_programme_ended(org, persona):
    mentor, mentee = persona(org, "mentor"), persona(org, "mentee")
    running = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    r = ProgrammeResult.objects.create(organization=org, mentorship=running, summary="Рано")
    with pytest.raises(ValidationError, match="после завершения программы"):
        r.set_published(True)
    r.refresh_from_db()
    assert not r.is_published
    # Even a mark set behind the method's back shows nothing while the programme runs.
    ProgrammeResult.objects.filter(pk=r.pk).update(is_published=True)
    open_page(org)
    assert "Рано" not in html(Client().get(public(org)))
    running.complete(by=None, on=running.started_on)
    r.refresh_from_db()
    r.set_published(True)
    assert r.published_at is not None
    assert "Рано" in html(Client().get(public(org)))


def test_an_empty_summary_is_not_published(org, persona):
    m = ended_pair(persona(org, "mentor").person, persona(org, "mentee").person)
    r = result(m, "   ", published=False)
    with pytest.raises(ValidationError, match="пустые итоги"):
        r.set_published(True)


def test_only_the_embedded_version_may_be_framed_by_another_site(org, anonymous):
    open_page(org)
    embed = anonymous.get(public(org, "public_embed"))
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    page = anonymous.get(public(org))
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    login = anonymous.get(reverse("login"))
    assert login.headers["X-Frame-Options"] == "DENY"


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_regulation_pdf_only_when_approved_and_shown(org, anonymous):
    page = open_page(org)
    url = public(org, "public_regulation_pdf")
    assert anonymous.get(url).status_code == 404
    reg = approved_regulation(org, status=Regulation.Status.ADOPTED)
    assert anonymous.get(url).status_code == 404
    assert "regulation-link" not in html(anonymous.get(public(org)))
    Regulation.objects.filter(pk=reg.pk).update(status=Regulation.Status.APPROVED)
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "НАСТАВНИЧЕСТВА" in _pdf_text(response)
    assert "regulation-link" in html(anonymous.get(public(org)))
    page.show_regulation = False
    page.save()
    assert anonymous.get(url).status_code == 404
    assert "regulation-link" not in html(anonymous.get(public(org)))


def test_the_roadmap_pdf_only_when_approved_and_without_names_lacking_consent(org, persona, anonymous):
    open_page(org)
    url = public(org, "public_roadmap_pdf")
    responsible = persona(org, "curator", surname="Белоусова", name="Наталья", patronymic="Сергеевна")
    roadmap = approved_roadmap(org, status=Roadmap.Status.DRAFT, responsible=responsible.person)
    assert anonymous.get(url).status_code == 404
    Roadmap.objects.filter(pk=roadmap.pk).update(status=Roadmap.Status.APPROVED)
    text = _pdf_text(anonymous.get(url))
    assert "Заместитель" in text
    assert "Белоусова" not in text
    publication_consent(responsible.person)
    assert "Белоусова" in _pdf_text(anonymous.get(url))


def test_practice_files_only_of_published_practices_of_this_page(org, other_org, anonymous):
    open_page(org)
    open_page(other_org)
    shown = practice(org, "Опубликованная").files.get()
    hidden = practice(org, "Черновик практики", published=False).files.get()
    foreign = practice(other_org, "Чужая").files.get()
    response = anonymous.get(public(org, "public_practice_file", shown.practice_id, shown.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert anonymous.get(public(org, "public_practice_file", hidden.practice_id, hidden.pk)).status_code == 404
    assert anonymous.get(public(org, "public_practice_file", foreign.practice_id, foreign.pk)).status_code == 404


def test_a_practice_from_a_running_programme_stays_off_the_page(org, persona, anonymous):
    open_page(org)
    running = make_pair(persona(org, "mentor").person, persona(org, "mentee").person, state=Mentorship.State.ACTIVE)
    p = practice(org, "Практика из идущей программы", mentorship=running)
    assert "Практика из идущей программы" not in html(anonymous.get(public(org)))
    f = p.files.get()
    assert anonymous.get(public(org, "public_practice_file", p.pk, f.pk)).status_code == 404


def test_the_login_page_lists_open_pages_only(org, other_org, anonymous):
    open_page(org)
    open_page(other_org, is_enabled=False)
    text = html(anonymous.get(reverse("login")))
    assert "Страницы наставничества организаций" in text
    assert public(org) in text and org.short_name in text
    assert public(other_org) not in text


def test_the_login_page_has_no_list_when_no_page_is_open(anonymous, db):
    assert "Страницы наставничества организаций" not in html(anonymous.get(reverse("login")))


def test_figures_of_the_current_period(org, persona, anonymous):
    open_page(org)
    mentor = persona(org, "mentor").person
    make_pair(mentor, persona(org, "mentee").person, state=Mentorship.State.ACTIVE)
    make_pair(mentor, persona(org, "mentee").person, state=Mentorship.State.ACTIVE)
    ended_pair(persona(org, "mentor").person, persona(org, "mentee").person)
    text = html(anonymous.get(public(org)))
    # The figures of the school year as the reports count them: the pair that ended today worked this year too.
    assert 'data-testid="figure-mentors">2<' in text
    assert 'data-testid="figure-mentees">3<' in text
    assert 'data-testid="figure-pairs">3<' in text
    assert 'data-testid="figure-completed">1<' in text
    open_page(org, show_figures=False)
    assert "figure-mentors" not in html(anonymous.get(public(org)))


def _fill(org, persona, n: int, start: int) -> None:
    for i in range(n):
        mentor = persona(org, "mentor", surname=f"Наставникова{start + i}")
        mentee = persona(org, "mentee", surname=f"Наставляемова{start + i}")
        if i % 2:
            publication_consent(mentor.person)
        result(ended_pair(mentor.person, mentee.person), f"Итоги {start + i}")
        news(org, f"Новость {start + i}")
        practice(org, f"Практика {start + i}", authors=[mentor.person])


def _queries(url: str, *, cold: bool = True) -> int:
    if cold:
        cache.clear()  # as after a write in the organisation: the figures are computed anew (people.changes)
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_public_page_reads_a_constant_number_of_queries(org, persona):
    open_page(org)
    approved_regulation(org)
    approved_roadmap(org)
    _fill(org, persona, 2, 0)
    Client().get(public(org))  # warm process-wide caches (content types, templates) before counting
    small, small_embed = _queries(public(org)), _queries(public(org, "public_embed"))
    _fill(org, persona, 10, 100)
    assert _queries(public(org)) == small
    assert _queries(public(org, "public_embed")) == small_embed
    assert small <= 17  # 17 with the published events (issue 17)
    # Visited again with nothing written: the six queries of the figures (monitoring.reports.org_summary) come from
    # the cache.
    assert _queries(public(org), cold=False) == small - 6


def test_after_a_write_the_public_page_shows_the_new_figures(org, persona, curator, anonymous):
    """No stale read: completing a pair through its page changes the organisation's version."""
    open_page(org)
    pair = make_pair(persona(org, "mentor").person, persona(org, "mentee").person, state=Mentorship.State.ACTIVE)
    assert 'data-testid="figure-completed">0<' in html(anonymous.get(public(org)))
    today = timezone.localdate().isoformat()
    curator.client.post(reverse("mentoring:mentorship_complete", args=[org.slug, pair.pk]), {"on": today})
    assert 'data-testid="figure-completed">1<' in html(anonymous.get(public(org)))


def test_stage_7_is_done_when_the_page_is_open_and_something_is_published(org):
    def check():
        return next(c for c in stage_checks(org_figures(org))[7] if c.code == "items_published")

    assert not check().done
    news(org, "Новость")
    assert not check().done and "закрыта" in check().detail
    open_page(org)
    assert check().done
    assert check().detail == "опубликовано: 1"
    practice(org, "Практика")
    assert check().detail == "опубликовано: 2"
    assert check().url_name == "monitoring:publishing"


def test_withdrawn_consent_is_the_publication_one(org, persona):
    """The page reads the PUBLICATION purpose, not any consent: a personal data consent names nobody."""
    open_page(org)
    mentor = persona(org, "mentor", surname="Тихонравова")
    give_consent(mentor.person, Purpose.PERSONAL_DATA)
    result(ended_pair(mentor.person, persona(org, "mentee").person), "Итоги")
    assert "Тихонравова" not in html(Client().get(public(org)))
