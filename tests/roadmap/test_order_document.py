"""The order as a document (ГОСТ Р 7.0.97-2025): every requisite read back from the PDF with pypdf, the layout
checked by the positions of the text, the first page rendered to PNG, and the screen text sharing the wording."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import Mentorship
from people.models import Person
from roadmap.documents import order_context, order_html, order_pdf_bytes
from roadmap.models import Order, OrderKind
from tests.mentoring.pair_fixtures import bulk_pairs, make_pair
from tests.roadmap.order_document_fixtures import approved_order, embedded_fonts, page_lines, pages_text

PDFTOPPM = shutil.which("pdftoppm")
PDFFONTS = shutil.which("pdffonts")
ORG_NAME = "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»"


@pytest.fixture
def city(org):
    org.city = "г. Верхнеречинск"
    org.save(update_fields=["city"])
    return org.city


@pytest.fixture
def fixed_pair(head, mentor, mentee, city) -> Mentorship:
    return make_pair(mentor.person, mentee.person)


def test_approved_order_carries_every_requisite(org, head, mentor, mentee, fixed_pair):
    order = approved_order(
        org,
        mentorships=[fixed_pair],
        acknowledgers=[mentor.person, mentee.person],
        acknowledged=[mentor.person],
    )
    pdf = order_pdf_bytes(order)
    first, appendix, sheet = pages_text(pdf)

    assert first.startswith(ORG_NAME)
    assert "П Р И К А З" in first  # the word is spaced out
    assert "05.06.2026 № 15-од" in first
    assert "г. Верхнеречинск" in first
    assert "О закреплении наставнических пар (групп)" in first
    assert "В соответствии с Положением о системе наставничества" in first
    assert "ПРИКАЗЫВАЮ:" in first
    assert "1. Закрепить наставнические пары (группы) согласно приложению № 1." in first
    assert "2. Наставникам начать работу." in first
    assert "3. Контроль за исполнением настоящего приказа оставляю за собой." in first
    assert first.endswith("Директор А. П. Сорокина")
    assert "ПРОЕКТ" not in first

    assert appendix.startswith("Приложение № 1 к приказу от 05.06.2026 № 15-од")
    for cell in (
        "Наставник (ФИО, должность)",
        "Наставляемые (ФИО, должность)",
        "Форма наставничества",
        "Фролова Галина Петровна, учитель математики",
        "Смирнова Дарья Андреевна, учитель физики",
    ):
        assert cell in appendix

    assert sheet.startswith("Лист ознакомления с приказом от 05.06.2026 № 15-од")
    assert "Дата ознакомления Подпись" in sheet
    assert "Фролова Галина Петровна Учитель математики 08.06.2026" in sheet
    assert "Смирнова Дарья Андреевна Учитель физики 2" in sheet  # no date yet: the next cell is row 2


def test_layout_date_and_number_on_one_line_signature_on_one_line_page_numbers_from_the_second(org, head, fixed_pair):
    pdf = order_pdf_bytes(approved_order(org, mentorships=[fixed_pair], acknowledgers=[head.person]))
    first = page_lines(pdf, 0)
    by_text = {line.text: line for line in first}
    # pypdf joins runs that share a baseline: date on the left and number on the right are one line.
    date_line = by_text["05.06.2026 № 15-од"]
    assert date_line.x < 100  # starts at the left margin (30 mm ≈ 85 pt)
    assert by_text["Директор А. П. Сорокина"].x < 100
    # The first page has no number: the organisation's name is its topmost text.
    assert max(first, key=lambda line: line.y).text.startswith("Муниципальное бюджетное")
    # From the second page on, the number stands at the top centre.
    for index, number in ((1, "2"), (2, "3")):
        top = max(page_lines(pdf, index), key=lambda line: line.y)
        assert top.text == number
        assert 250 < top.x < 350  # A4 is 595 pt wide; the text block is centred between 85 and 567 pt


def test_only_the_shipped_liberation_serif_is_embedded(org, head, fixed_pair):
    pdf = order_pdf_bytes(approved_order(org, mentorships=[fixed_pair]))
    assert embedded_fonts(pdf) == {"Liberation-Serif", "Liberation-Serif-Bold"}
    if PDFFONTS:
        out = subprocess.run([PDFFONTS, "-"], input=pdf, capture_output=True, check=False).stdout.decode()  # noqa: S603
        rows = [row for row in out.splitlines()[2:] if row.strip()]
        assert rows and all("Liberation-Serif" in row and " yes " in row for row in rows)


def test_draft_says_project_and_leaves_number_and_date_blank(org, head, fixed_pair):
    order = Order.objects.create(
        organization=org,
        kind=OrderKind.PAIRS,
        heading="О закреплении наставнических пар (групп)",
        preamble="В соответствии с Положением",
        items=["Закрепить пары согласно приложению № 1."],
    )
    order.mentorships.set([fixed_pair])
    first, appendix = pages_text(order_pdf_bytes(order))
    assert "ПРОЕКТ" in first
    assert "__.__.____ № ___" in first
    assert "Директор А. П. Сорокина" in first  # the head who would sign it
    assert appendix.startswith("ПРОЕКТ") or "ПРОЕКТ" in appendix
    assert "к приказу от __.__.____ № ___" in appendix
    assert "Лист ознакомления" not in appendix  # the sheet comes with approval


def test_a_long_appendix_repeats_its_header_on_every_page(org, head):
    pairs = bulk_pairs(org, 60)
    pdf = order_pdf_bytes(approved_order(org, mentorships=pairs))
    texts = pages_text(pdf)
    assert len(texts) >= 4  # the order, at least two pages of the table, the acknowledgement sheet
    assert "Приложение № 1" not in texts[2]  # a continuation page ...
    assert "Наставник (ФИО, должность) Наставляемые (ФИО, должность)" in texts[2]  # ... with the header again
    rows = sum(len(re.findall(r"с \d\d\.\d\d\.\d{4} по \d\d\.\d\d\.\d{4}", text)) for text in texts[1:-1])
    assert rows == 60


@pytest.mark.skipif(not PDFTOPPM, reason="pdftoppm (poppler-utils) is not installed")
def test_first_page_renders_to_png(org, head, fixed_pair, tmp_path):
    pdf_path = tmp_path / "order.pdf"
    pdf_path.write_bytes(order_pdf_bytes(approved_order(org, mentorships=[fixed_pair], acknowledgers=[head.person])))
    args = [PDFTOPPM, "-png", "-r", "70", "-f", "1", "-l", "1", pdf_path, tmp_path / "page"]
    subprocess.run(args, check=True)  # noqa: S603 — our own file
    png = next(tmp_path.glob("page-*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    if artifacts.is_dir():
        shutil.copy(png, artifacts / "order-page-1.png")


def test_reward_order_lists_the_rewarded_mentors(org, head, mentor):
    order = approved_order(
        org,
        OrderKind.REWARD,
        heading="О поощрении наставников",
        items=["Объявить благодарность согласно приложению № 1."],
    )
    order.rewarded.set([mentor.person])
    texts = pages_text(order_pdf_bytes(order))
    assert "Список наставников, представленных к поощрению" in texts[1]
    assert "Фролова Галина Петровна Учитель математики" in texts[1]


def test_orders_without_appendix_have_none(org, head):
    order = approved_order(org, OrderKind.FREE, heading="О проведении методического дня")
    texts = pages_text(order_pdf_bytes(order))
    assert len(texts) == 2  # the order and the acknowledgement sheet
    assert "Приложение" not in texts[0]


def test_screen_text_and_document_share_the_wording(org, head, fixed_pair):
    order = approved_order(org, mentorships=[fixed_pair])
    html = order_html(order)
    doc = order_context(order)["doc"]
    assert doc["items"][-1]["text"] == "Контроль за исполнением настоящего приказа оставляю за собой."
    for text in ("О закреплении наставнических пар (групп)", "ПРИКАЗЫВАЮ:", "А. П. Сорокина", "№ 15-од"):
        assert text in html


def test_document_context_runs_a_constant_number_of_queries(org, head):
    def queries_for(count: int, start: int) -> int:
        order = approved_order(
            org, mentorships=bulk_pairs(org, count, start=start), number=start, reg_number=f"{start}"
        )
        order = Order.objects.select_related("organization").get(pk=order.pk)
        with CaptureQueriesContext(connection) as captured:
            order_context(order)
        return len(captured)

    assert queries_for(2, 1000) == queries_for(25, 2000)


def test_people_in_the_document_are_named_in_full(org, head, persona, city):
    group_mentor = persona(org, "mentor", surname="Кузьмина", name="Ольга", patronymic="Ивановна", position="Учитель")
    mentees = [persona(org, "mentee", surname=s, position="Воспитатель").person for s in ("Абрамова", "Белкина")]
    group = make_pair(group_mentor.person, *mentees)
    order = approved_order(org, mentorships=[group])
    appendix = pages_text(order_pdf_bytes(order))[1]
    assert "Кузьмина Ольга Ивановна, учитель" in appendix
    full = [Person.objects.get(pk=p.pk).full_name for p in mentees]
    assert all(name in appendix for name in full)
