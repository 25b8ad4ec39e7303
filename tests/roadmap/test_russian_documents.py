"""Every order kind rendered to PDF reads right (issue 15, point 1): people named in the case the sentence needs,
a person's card correcting the rules, words agreeing in gender, and the printed typography (no «(а)», no nested
«…«…»…», no «..»).

The text is read back from the real PDF with pypdf; «flat» turns every run of white space — the non-breaking
spaces the typography adds among them — into one space.
"""

from __future__ import annotations

import importlib
import io
import re
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Mentorship, Programme, ProgrammeRevision
from people.models import Role
from roadmap import regulation as regulations
from roadmap import versions
from roadmap.documents import order_pdf_bytes
from roadmap.drafting import draft_order
from roadmap.models import Order, OrderKind, OrderTemplate
from roadmap.services import approve_order, submit_order
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.roadmap.order_document_fixtures import approved_order, pages_text
from tests.roadmap.roadmap_fixtures import make_roadmap

# The documents carry today's date (approvals, the council's decision): one day inside the 2026–2027 year they name.
pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)

S = Mentorship.State
CURATOR_DATIVE = "Куратору реализации программ наставничества Беловой Наталье Сергеевне"


def pdf_text(order: Order) -> str:
    # Words the layout hyphenated at a line's end («реа‐ лизации», «учителя- логопеда») are joined back.
    text = re.sub("\u2010 ", "", " ".join(pages_text(order_pdf_bytes(order))))
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


def proof_read(text: str) -> None:
    """What no printed order may hold, whatever its kind."""
    assert "(а)" not in text
    assert not re.search(r"(?<!\.)\.\.(?!\.)", text), "a double dot"
    assert not re.search(r"«[^»]*«", text), "nested «…«…»…» quotes: the inner ones must be „…“"
    assert "{" not in text and "}" not in text, "a placeholder left in the text"
    assert "(план мероприятий) «Дорожная карта" not in text, "the roadmap named twice"


@pytest.fixture
def soloviy(org):
    """A mentor whose surname the rules decline as «Соловея»; his card says «Соловья»."""
    return PersonFactory(
        organization=org,
        surname="Соловей",
        name="Игорь",
        patronymic="Петрович",
        position="Инструктор по физической культуре",
        roles=[Role.Kind.MENTOR],
        name_genitive="Соловья Игоря Петровича",
        name_dative="Соловью Игорю Петровичу",
        name_accusative="Соловья Игоря Петровича",
        name_instrumental="Соловьём Игорем Петровичем",
    )


@pytest.fixture
def nested_org(org):
    org.full_name = "Муниципальное бюджетное общеобразовательное учреждение «Школа № 1 «Радуга»»"
    org.city = "г. Верхнеречинск"
    org.save()
    return org


def test_curator_order_appoints_in_the_accusative_with_the_cards_correction(nested_org, head, curator, soloviy):
    text = pdf_text(draft_order(nested_org, OrderKind.CURATOR, by=curator.user, appointee=soloviy))
    assert (
        "Назначить инструктора по физической культуре Соловья Игоря Петровича куратором реализации программ "
        "наставничества педагогических работников."
    ) in text
    assert "Возложить на куратора Соловья И. П. формирование" in text
    assert "Соловея" not in text  # the rules' form never reaches the document
    assert "«Школа № 1 „Радуга“»" in text
    proof_read(text)


def test_curator_order_for_a_woman_without_override(org, head, curator, mentor):
    text = pdf_text(draft_order(org, OrderKind.CURATOR, by=curator.user, appointee=mentor.person))
    assert "Назначить учителя математики Фролову Галину Петровну куратором" in text
    assert "Возложить на куратора Фролову Г. П." in text
    proof_read(text)


def test_pairs_order_gives_the_curator_the_dative(org, head, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person)
    text = pdf_text(draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=[pair]))
    assert f"{CURATOR_DATIVE} обеспечить методическое сопровождение" in text
    assert "Фролова Галина Петровна, учитель математики" in text  # the appendix table stays in the nominative
    proof_read(text)


def test_early_end_names_the_group_and_its_mentor_in_the_instrumental(org, head, curator, soloviy, mentee):
    second = PersonFactory(
        organization=org, surname="Алиев", name="Эльчин", patronymic="Рашид оглы", position="Учитель химии"
    )
    group = make_pair(soloviy, mentee.person, second, state=S.ACTIVE)
    approved_order(org, mentorships=[group])  # «от 05.06.2026 № 15-од»
    order = draft_order(org, OrderKind.EARLY_END, by=curator.user, mentorships=[group], end_reason="mutual")
    text = pdf_text(order)
    assert (
        "Досрочно завершить реализацию персонализированной программы наставничества наставляемых "
        "Алиева Эльчина Рашид оглы, учителя химии, и Смирновой Дарьи Андреевны, учителя физики, закреплённых "
        "приказом от 05.06.2026 № 15-од за наставником Соловьём Игорем Петровичем, инструктором по физической "
        "культуре."
    ) in text
    assert f"{CURATOR_DATIVE} подвести итоги" in text
    proof_read(text)


def test_programme_change_names_a_single_mentee_in_her_gender(org, head, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    programme = Programme.objects.create(
        mentorship=pair, title="Первый год в школе", start=date(2026, 9, 1), end=date(2027, 5, 31)
    )
    ProgrammeRevision.objects.create(
        programme=programme,
        kind=ProgrammeRevision.Kind.EXTENSION,
        reason="Болезнь наставляемой.",
        old_end=date(2027, 5, 31),
        new_end=date(2027, 6, 30),
        status=ProgrammeRevision.Status.APPROVED,
        closed_at=timezone.now(),
    )
    text = pdf_text(draft_order(org, OrderKind.PROGRAMME_CHANGE, by=curator.user, mentorships=[pair]))
    assert (
        "Внести изменения в персонализированную программу наставничества «Первый год в школе» наставляемой "
        "Смирновой Дарьи Андреевны, учителя физики, закреплённой за наставником Фроловой Галиной Петровной, "
        "учителем математики."
    ) in text
    assert f"{CURATOR_DATIVE} учесть внесённые изменения" in text
    proof_read(text)


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (OrderKind.FINAL_EVENT, f"{CURATOR_DATIVE} подготовить программу мероприятия"),
        (OrderKind.FREE, "Контроль за исполнением настоящего приказа оставляю за собой."),
    ],
)
def test_kinds_from_the_model_text_alone(org, head, curator, kind, phrase):
    text = pdf_text(draft_order(org, kind, by=curator.user))
    assert phrase in text
    proof_read(text)


def test_reward_order(org, head, curator, mentor, mentee):
    make_pair(mentor.person, mentee.person, state=S.COMPLETED)
    text = pdf_text(draft_order(org, OrderKind.REWARD, by=curator.user, rewarded=[mentor.person]))
    assert "Объявить благодарность наставникам согласно приложению № 1." in text
    assert f"{CURATOR_DATIVE} разместить информацию" in text
    proof_read(text)


def test_roadmap_order_names_a_roadmap_titled_as_one_once(org, head, curator):
    roadmap = make_roadmap(org, 3, title="Дорожная карта по реализации положения о наставничестве")
    text = pdf_text(draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=roadmap))
    assert (
        "Утвердить дорожную карту по реализации положения о наставничестве на 2026–2027 учебный год "
        "согласно приложению № 1."
    ) in text
    assert f"{CURATOR_DATIVE} ознакомить педагогических работников с дорожной картой" in text
    proof_read(text)


def test_roadmap_change_order(org, head, curator):
    roadmap = make_roadmap(org, 3, title="План наставничества")
    first = draft_order(org, OrderKind.ROADMAP, by=curator.user, roadmap=roadmap)
    submit_order(first, by=curator.user, notify=False)
    first = approve_order(first, by=head.user, notify=False)
    draft, _ = versions.prepare_changes(roadmap)
    text = pdf_text(draft_order(org, OrderKind.ROADMAP_CHANGE, by=curator.user, roadmap=draft))
    assert (
        "Внести изменения в дорожную карту (план мероприятий) «План наставничества» на 2026–2027 учебный год, "
        f"утверждённую приказом от {first.date:%d.%m.%Y} № {first.reg_number}, изложив её в новой редакции"
    ) in text
    assert f"{CURATOR_DATIVE} ознакомить ответственных" in text
    proof_read(text)


def test_regulation_order(org, head, curator):
    roadmap = make_roadmap(org, 3)
    reg = regulations.generate(org, by=curator.user)
    regulations.adopt(reg, council_date=timezone.localdate(), council_number="1")
    order = draft_order(org, OrderKind.REGULATION, by=curator.user, regulation=reg, roadmap=roadmap)
    text = pdf_text(order)
    assert "Утвердить Положение о системе наставничества" in text
    # The appendices are listed under the text (ГОСТ Р 7.0.97), not as an item of the order.
    assert "Приложения к приказу" not in text
    listed = text[text.index("Приложения:") :]
    assert "2. Дорожная карта по реализации положения о наставничестве на 2026–2027 учебный год в 1 экз." in listed
    assert f"{CURATOR_DATIVE} ознакомить педагогических работников с Положением" in text
    proof_read(text)


def test_every_kind_is_covered_here():
    tested = {
        OrderKind.CURATOR,
        OrderKind.PAIRS,
        OrderKind.EARLY_END,
        OrderKind.PROGRAMME_CHANGE,
        OrderKind.FINAL_EVENT,
        OrderKind.FREE,
        OrderKind.REWARD,
        OrderKind.ROADMAP,
        OrderKind.ROADMAP_CHANGE,
        OrderKind.REGULATION,
    }
    assert tested == set(OrderKind.values)


def test_the_printed_pdf_keeps_numbers_with_their_sign(org, head, curator, mentor):
    """The typography reaches the PDF: «№» and the number stay on one line as one unbreakable run."""
    order = approved_order(org, kind=OrderKind.CURATOR, appointee=mentor.person, items=["Назначить … № 7."])
    raw = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(order_pdf_bytes(order))).pages)
    assert "№\xa07." in raw or "№\xa07" in raw


def test_the_data_migration_rewrites_only_the_untouched_model_items(org):
    """roadmap 0006: an organisation's item still equal to the old model text gets the declined one; an item the
    organisation edited stays as it is."""
    migration = importlib.import_module("roadmap.migrations.0006_order_texts_declined")
    old, new = migration.REPLACED[0]
    edited = "Куратору ({куратор}) обеспечить сопровождение пар по-нашему."
    template = OrderTemplate.objects.get(organization=org, kind=OrderKind.REGULATION)
    template.items = [old, edited]
    template.save()
    migration.replace_items(django_apps, None)
    template.refresh_from_db()
    assert template.items == [new, edited]
    migration.restore_items(django_apps, None)
    template.refresh_from_db()
    assert template.items == [old, edited]
