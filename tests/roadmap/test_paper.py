"""Orders signed on paper, registered after the fact (issue 18, point 3): numbers as written, clashes, effects as
of the order's date, the stage checks, the pages and who may use them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from mentoring.models import Mentorship
from monitoring.progress import stage_progress
from people.models import Role
from roadmap import paper, services
from roadmap.models import Order, OrderCounter, OrderKind
from tests.mentoring.pair_fixtures import make_pair
from tests.roadmap.approval_fixtures import make_order

pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.time_machine("2026-12-03 10:00 +03:00")]


def scan_pdf() -> bytes:
    """A real one-page PDF, as a scanner saves it (pypdf writes it)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def free(number: str, on: date = date(2026, 9, 12), **fields) -> paper.PaperOrder:
    fields.setdefault("text", "Провести методический день наставников.\nКонтроль оставляю за собой.")
    return paper.PaperOrder(kind=OrderKind.FREE, date=on, number=number, title="О методическом дне", **fields)


@pytest.mark.parametrize(
    ("written", "serial"),
    [("47", 47), ("47-од", 47), ("01-05/47", 47), ("№ 12/3-лс", 3), ("№\u00a047 - ОД", 47), ("б/н", None), ("0", None)],
)
def test_the_serial_is_read_from_the_number_as_written(written, serial):
    assert paper.serial_of(written) == serial


@pytest.mark.parametrize("written", ["47", "47-од", "01-05/47"])
def test_a_paper_order_keeps_its_number_as_written_and_the_numbering_continues_after_it(org, head, written):
    order = paper.register_paper_order(org, free(written, scan=scan_pdf()), by=head.user)

    order.refresh_from_db()
    assert (order.source, order.status, order.reg_number, order.number, order.year) == (
        Order.Source.PAPER,
        Order.Status.APPROVED,
        written,
        47,
        2026,
    )
    assert order.date == date(2026, 9, 12)
    assert order.scan.read().startswith(b"%PDF-") and len(order.scan_sha256) == 64
    assert OrderCounter.objects.get(organization=org, year=2026).last_number == 47
    electronic = services.approve_order(make_order(org), by=head.user, notify=False)
    assert electronic.number == 48


def test_an_exact_clash_is_refused_and_so_is_a_taken_serial(org, head):
    first = paper.register_paper_order(org, free("47-од"), by=head.user)

    with pytest.raises(ValidationError) as exact:
        paper.register_paper_order(org, free("47-ОД", on=date(2026, 10, 1)), by=head.user)
    assert "В 2026 году уже зарегистрирован приказ от 12.09.2026 № 47-од" in exact.value.messages[0]
    with pytest.raises(ValidationError) as serial:
        paper.register_paper_order(org, free("01-05/47"), by=head.user)
    assert "Порядковый номер 47 в 2026 году уже занят" in serial.value.messages[0]
    # Another year has its own numbers.
    paper.register_paper_order(org, free("47-од", on=date(2025, 3, 3)), by=head.user)
    assert Order.objects.for_org(org).filter(reg_number__iexact="47-од").count() == 2
    assert Order.objects.get(pk=first.pk).heading == "О методическом дне"


def test_a_number_an_electronic_approval_took_is_refused(org, head):
    electronic = services.approve_order(make_order(org), by=head.user, notify=False)  # № 1-од of 2026

    with pytest.raises(ValidationError) as refused:
        paper.register_paper_order(org, free("1"), by=head.user)
    assert f"№ {electronic.reg_number}" in refused.value.messages[0]


def test_a_lower_serial_fills_a_gap_and_leaves_the_counter_where_it_was(org, head):
    OrderCounter.objects.create(organization=org, year=2026, last_number=50)

    paper.register_paper_order(org, free("12"), by=head.user)

    assert OrderCounter.objects.get(organization=org, year=2026).last_number == 50
    assert services.approve_order(make_order(org), by=head.user, notify=False).number == 51


def test_a_past_years_order_moves_that_years_counter_only(org, head):
    paper.register_paper_order(org, free("131-од", on=date(2024, 12, 20)), by=head.user)

    assert OrderCounter.objects.get(organization=org, year=2024).last_number == 131
    assert services.approve_order(make_order(org), by=head.user, notify=False).number == 1


def test_a_pairs_order_starts_its_pairs_as_of_its_date(org, head, persona):
    mentor = persona(org, Role.Kind.MENTOR, surname="Фролова").person
    mentee = persona(org, Role.Kind.MENTEE, surname="Смирнова").person
    pair = make_pair(mentor, mentee)
    signed = paper.PaperOrder(
        kind=OrderKind.PAIRS,
        date=date(2026, 9, 1),
        number="35-од",
        title="О закреплении наставнических пар",
        scan=scan_pdf(),
        mentorships=[pair],
    )

    order = paper.register_paper_order(org, signed, by=head.user)

    pair.refresh_from_db()
    assert pair.state == Mentorship.State.ACTIVE
    assert pair.started_on == date(2026, 9, 1)
    assert list(order.mentorships.all()) == [pair]
    assert mentee.roles.filter(kind=Role.Kind.MENTEE).exists()


def test_an_early_end_order_ends_the_pair_on_its_date(org, head, persona):
    pair = make_pair(persona(org).person, persona(org).person, state=Mentorship.State.ACTIVE)
    signed = paper.PaperOrder(
        kind=OrderKind.EARLY_END,
        date=date(2026, 11, 2),
        number="60",
        title="О досрочном завершении наставничества",
        text="Завершить досрочно по взаимному решению.",
        mentorships=[pair],
        end_reason=Mentorship.EndReason.MUTUAL,
    )

    paper.register_paper_order(org, signed, by=head.user)

    pair.refresh_from_db()
    assert (pair.state, pair.ended_on) == (Mentorship.State.ENDED_EARLY, date(2026, 11, 2))


def test_a_refused_effect_leaves_nothing_behind(org, head, persona, media):
    active = make_pair(persona(org).person, persona(org).person, state=Mentorship.State.ACTIVE)
    signed = paper.PaperOrder(
        kind=OrderKind.PAIRS, date=date(2026, 9, 1), number="35", title="О закреплении", scan=scan_pdf()
    )
    signed.mentorships = [active]

    with pytest.raises(ValidationError, match="закрепить приказом можно только"):
        paper.register_paper_order(org, signed, by=head.user)

    assert not Order.objects.exists()
    assert not OrderCounter.objects.filter(last_number__gt=0).exists()
    assert list(media.rglob("*.pdf")) == []  # the scan was stored and deleted again


def checks(org) -> dict[str, bool]:
    return {c.code: c.done for s in stage_progress(org) for c in s.checks}


def test_a_curator_order_on_paper_counts_in_the_stage_checks(org, head, persona):
    teacher = persona(org, surname="Белова", position="Заместитель директора").person
    assert checks(org)["curator_appointed"] is False

    signed = paper.PaperOrder(
        kind=OrderKind.CURATOR,
        date=date(2025, 8, 29),
        number="101-од",
        title="О назначении куратора",
        scan=scan_pdf(),
        appointee=teacher,
    )
    paper.register_paper_order(org, signed, by=head.user)

    assert teacher.roles.filter(kind=Role.Kind.CURATOR).exists()
    assert checks(org)["curator_appointed"] is True


# --- the scan ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "По содержимому это не PDF"),
        (b"MZ\x90\0" + b"\0" * 100, "исполняемый файл"),
        (b"%PDF-1.7\n1 0 obj\n", "повреждён"),
        (b"%PDF-1.4\n/OpenAction << /S /JavaScript /JS (app.alert(1)) >>\n%%EOF", "JavaScript"),
    ],
)
def test_only_a_whole_pdf_is_accepted_as_a_scan(data, message):
    with pytest.raises(ValidationError, match=message):
        paper.check_scan(data)


def test_a_scan_over_the_bound_is_refused(monkeypatch):
    from core import bounds

    monkeypatch.setattr(bounds, "SCAN_MAX_BYTES", 1000)
    with pytest.raises(ValidationError, match="Файл слишком большой"):
        paper.check_scan(b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF")


# --- the pages --------------------------------------------------------------------------------------------------


def url(org, name: str, *args) -> str:
    return reverse(f"roadmap:{name}", args=[org.slug, *args])


def form_data(**overrides) -> dict:
    data = {
        "kind": OrderKind.FREE,
        "date": "2026-09-12",
        "number": "47-од",
        "title": "О проведении методического дня наставников",
        "text": "",
        "signer_position": "Директор",
        "signer_name": "А. П. Сорокина",
    }
    data.update(overrides)
    return data


def test_the_head_registers_a_paper_order_through_preview_and_confirmation(org, head):
    data = form_data(scan=SimpleUploadedFile("приказ 47.pdf", scan_pdf(), content_type="application/pdf"))
    page = head.client.get(url(org, "paper_order_new") + "?kind=free")
    assert page.status_code == 200 and "Регистрация приказа, подписанного на бумаге" in page.content.decode()

    response = head.client.post(url(org, "paper_order_new"), data)
    assert response.status_code == 302 and response["Location"] == url(org, "paper_order_preview")
    preview = head.client.get(url(org, "paper_order_preview")).content.decode()
    assert "Приказ от 12.09.2026 № 47-од" in preview
    assert "47 (2026 год)" in preview
    assert "данные программы наставничества не меняются" in preview
    assert not Order.objects.exists() and not OrderCounter.objects.filter(last_number__gt=0).exists()

    done = head.client.post(url(org, "paper_order_confirm"))
    order = Order.objects.get()
    assert done["Location"] == url(org, "order", order.pk)
    register = head.client.get(url(org, "orders")).content.decode()
    assert 'data-testid="paper-badge"' in register and "на бумаге" in register
    assert url(org, "paper_order_scan", order.pk) in register
    scan = head.client.get(url(org, "paper_order_scan", order.pk))
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == scan_pdf()
    detail = head.client.get(url(org, "order", order.pk)).content.decode()
    assert "Скачать скан" in detail and url(org, "order_pdf", order.pk) not in detail


def test_the_administrator_may_register_too(org, admin, head):
    response = admin.client.post(url(org, "paper_order_new"), form_data(text="Провести методический день."))
    assert response.status_code == 302
    admin.client.post(url(org, "paper_order_confirm"))
    assert Order.objects.get().reg_number == "47-од"


@pytest.mark.parametrize("who", ["curator", "mentor", "mentee", "outsider"])
def test_others_get_404(org, who, request):
    visitor = request.getfixturevalue(who)
    assert visitor.client.get(url(org, "paper_order_new")).status_code == 404
    assert visitor.client.post(url(org, "paper_order_new"), form_data(text="Текст.")).status_code == 404
    assert visitor.client.post(url(org, "paper_order_confirm")).status_code == 404
    assert not Order.objects.exists()


def test_the_scan_is_reached_through_the_order_access_helper(org, head, outsider, mentor):
    order = paper.register_paper_order(org, free("47", scan=scan_pdf()), by=head.user)

    assert outsider.client.get(url(org, "paper_order_scan", order.pk)).status_code == 404
    assert mentor.client.get(url(org, "paper_order_scan", order.pk)).status_code == 404  # not named in it
    other = paper.register_paper_order(outsider.org, free("47", scan=scan_pdf()), by=outsider.user)
    assert head.client.get(url(org, "paper_order_scan", other.pk)).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("скан.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "По содержимому это не PDF"),
        (SimpleUploadedFile("скан.pdf", b"%PDF-1.4\n" + b"0" * 3000 + b"\n%%EOF"), "Файл слишком большой"),
    ],
)
def test_a_bad_scan_is_refused_beside_the_field(org, head, upload, message, monkeypatch):
    from core import bounds

    monkeypatch.setattr(bounds, "SCAN_MAX_BYTES", 2000)
    response = head.client.post(url(org, "paper_order_new"), form_data(scan=upload))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "paper_order" not in head.client.session


def test_missing_fields_are_named_beside_them(org, head):
    data = form_data(kind=OrderKind.CURATOR, number="б/н", date="2027-01-10")
    page = head.client.post(url(org, "paper_order_new"), data).content.decode()

    assert "В номере нет порядкового номера" in page
    assert "Дата приказа не может быть позже сегодняшнего дня" in page
    assert "Выберите работника, назначенного куратором." in page
    assert "Приложите скан приказа (PDF) или перепишите его текст" in page


def test_a_clash_is_shown_on_the_preview_and_confirmation_refuses_it(org, head):
    paper.register_paper_order(org, free("47-од"), by=head.user)
    head.client.post(url(org, "paper_order_new"), form_data(text="Провести."))

    preview = head.client.get(url(org, "paper_order_preview")).content.decode()
    assert "Зарегистрировать приказ нельзя" in preview and "уже зарегистрирован" in preview
    assert 'data-testid="paper-confirm"' not in preview
    response = head.client.post(url(org, "paper_order_confirm"), follow=True)
    assert "уже зарегистрирован" in response.content.decode()
    assert Order.objects.count() == 1


def test_the_order_book_export_marks_the_paper_order(org, head):
    from openpyxl import load_workbook

    order = paper.register_paper_order(org, free("01-05/47", scan=scan_pdf()), by=head.user)

    response = head.client.get(url(org, "orders_export") + "?fmt=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "№" in r)
    line = next(r for r in rows if "01-05/47" in r)
    assert line[header.index("Состояние")] == "Утверждён (подписан на бумаге)"
    assert line[header.index("SHA-256 PDF")] == order.scan_sha256


def test_the_order_pdf_of_a_paper_order_is_its_scan(org, head):
    with_scan = paper.register_paper_order(org, free("47", scan=scan_pdf()), by=head.user)
    without = paper.register_paper_order(org, free("48"), by=head.user)

    response = head.client.get(url(org, "order_pdf", with_scan.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == scan_pdf()
    assert head.client.get(url(org, "order_pdf", without.pk)).status_code == 404
