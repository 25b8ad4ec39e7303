"""Builders for the publishing tests: an open page, news, results of ended pairs, practices with files,
approved documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile

from mentoring.models import Mentorship
from monitoring.models import NewsItem, Practice, PracticeFile, ProgrammeResult, PublicPage
from people.models import Organization, Person, Purpose
from roadmap.models import Regulation, Roadmap, RoadmapActivity, RoadmapStage
from tests.factories import OrganizationFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.people.bank_fixtures import give_consent


def open_page(org: Organization, **fields) -> PublicPage:
    page, _ = PublicPage.objects.update_or_create(
        organization=org, defaults={"is_enabled": True, "intro": "О наставничестве в организации.", **fields}
    )
    return page


def news(org: Organization, title: str, *, published: bool = True) -> NewsItem:
    return NewsItem.objects.create(organization=org, title=title, body=f"Текст: {title}", is_published=published)


def result(m: Mentorship, summary: str, *, published: bool = True) -> ProgrammeResult:
    r = ProgrammeResult.objects.create(organization=m.organization, mentorship=m, summary=summary)
    if published:
        r.set_published(True)
    return r


def ended_pair(mentor: Person, *mentees: Person, state: str = Mentorship.State.COMPLETED) -> Mentorship:
    return make_pair(mentor, *mentees, state=state)


def practice(
    org: Organization, title: str, *, published: bool = True, authors=(), mentorship=None, with_file: bool = True
) -> Practice:
    p = Practice.objects.create(
        organization=org, title=title, description=f"Описание: {title}", is_published=published, mentorship=mentorship
    )
    p.authors.set(authors)
    if with_file:
        PracticeFile.objects.create(
            practice=p,
            file=ContentFile(b"%PDF-1.4 practice material", name="material.pdf"),
            original_name=f"{title}.pdf",
            content_type="application/pdf",
            size=26,
        )
    return p


def publication_consent(person: Person):
    return give_consent(person, Purpose.PUBLICATION)


def approved_regulation(org: Organization, *, status: str = Regulation.Status.APPROVED) -> Regulation:
    return Regulation.objects.create(
        organization=org,
        version=1,
        title="Положение о системе наставничества педагогических работников",
        body="## 1. Общие положения\nНастоящее положение определяет порядок наставничества.\n",
        status=status,
    )


def approved_roadmap(
    org: Organization, *, status: str = Roadmap.Status.APPROVED, responsible: Person | None = None
) -> Roadmap:
    roadmap = Roadmap.objects.create(
        organization=org,
        title="Дорожная карта реализации системы наставничества",
        period_label="2026–2027 учебный год",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    )
    stage = RoadmapStage.objects.create(roadmap=roadmap, number="1", title="Подготовка условий", position=1)
    RoadmapActivity.objects.create(
        roadmap=roadmap,
        stage=stage,
        number="1.1",
        content="Издание приказа о внедрении системы наставничества",
        responsible_position="Заместитель директора",
        responsible_person=responsible,
        position=1,
    )
    # Filled as a draft, then approved: an approved roadmap's content is fixed.
    if status != Roadmap.Status.DRAFT:
        Roadmap.objects.filter(pk=roadmap.pk).update(status=status)
        roadmap.status = status
    return roadmap


@dataclass
class WalkPage:
    practice: Practice
    file: PracticeFile


def public_org_for_walk(slug: str) -> WalkPage:
    """An organisation with an open page, approved documents and a published practice with a file: every public
    URL of the page then answers 200 to the URL walk of tests/test_urls.py."""
    org = OrganizationFactory(slug=slug, short_name="Открытая школа", full_name="Открытая школа")
    open_page(org)
    approved_regulation(org)
    approved_roadmap(org)
    p = practice(org, "Практика для обхода адресов")
    return WalkPage(practice=p, file=p.files.get())
