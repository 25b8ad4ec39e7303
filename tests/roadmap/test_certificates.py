"""Certificates of participation and letters of thanks: registration, the PDF's text, access and bulk issue."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mentoring.models import Meeting, PlanActivity
from roadmap import certificates as service
from roadmap.models import Certificate, Order, OrderKind
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows
from tests.roadmap.approval_fixtures import make_order

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def pair(mentor, mentee):
    pair = active_pair(mentor.person, mentee.person)
    programme = programme_with_rows(pair, rows=4)
    rows = list(programme.activities.order_by("position"))
    PlanActivity.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        status=PlanActivity.Status.DONE, done_on=date(2026, 10, 1)
    )
    for day in (3, 10, 17):
        Meeting.objects.create(
            organization=pair.organization, mentorship=pair, date=date(2026, 10, day), topic="Разбор урока", done="Да"
        )
    return pair


def reward_order(org, *people):
    order = make_order(
        org, OrderKind.REWARD, status=Order.Status.DRAFT, rewarded=people, heading="О поощрении наставников"
    )
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.APPROVED,
        year=2026,
        number=41,
        reg_number="41-од",
        date=date(2026, 11, 2),
        pdf_sha256="0" * 64,
    )
    return Order.objects.get(pk=order.pk)


def test_issue_numbers_the_register_and_freezes_the_facts(org, curator, mentee, pair):
    ground = service.ground_by_key(org, mentee.person, f"p-{pair.pk}-mentee")
    first = service.issue(org, mentee.person, ground, by=curator.user)
    second = service.issue(org, mentee.person, ground, by=curator.user)
    assert (first.number, second.number, second.reg_number) == (1, 2, "2-н/2026")
    assert first.facts["meetings"] == 3
    assert (first.facts["rows_done_count"], first.facts["rows_total"]) == (2, 4)
    assert first.facts["partners"] == ["Фролова Галина Петровна"]
    assert not first.esign_token  # the curator does not sign orders: a paper signature


def test_certificate_pdf_declines_the_name_and_prints_requisites(org, curator, mentee, pair):
    org.inn = "7707083893"
    org.save(update_fields=["inn"])
    client = curator.client
    url = reverse("roadmap:person_certificates", args=[org.slug, mentee.person.pk])
    response = client.post(url, {"ground": f"p-{pair.pk}-mentee"})
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    text = pdf_text(client.get(reverse("roadmap:certificate_pdf", args=[org.slug, certificate.pk])))
    assert "СПРАВКА" in text
    assert "выдана Смирновой Дарье Андреевне" in text
    assert "ИНН 7707083893" in text
    assert "в роли наставляемого" in text
    assert "встреч наставника и наставляемого: 3" in text
    assert "2 из 4" in text
    assert "№ 1-н/2026" in text


def test_head_issuing_signs_electronically(org, head, mentor, pair):
    ground = service.ground_by_key(org, mentor.person, f"p-{pair.pk}-mentor")
    certificate = service.issue(org, mentor.person, ground, by=head.user)
    assert certificate.esign_token and certificate.signer_name == "А. П. Сорокина"
    text = pdf_text(head.client.get(reverse("roadmap:certificate_pdf", args=[org.slug, certificate.pk])))
    assert "Документ подписан простой электронной подписью" in text
    assert "Владелец: А. П. Сорокина" in text


def test_thanks_letter_for_rewarded_mentor(org, curator, mentor, pair):
    order = reward_order(org, mentor.person)
    url = reverse("roadmap:person_certificates", args=[org.slug, mentor.person.pk])
    assert curator.client.post(url, {"ground": f"t-{order.pk}"}).status_code == 302
    letter = Certificate.objects.get(kind=Certificate.Kind.THANKS)
    text = pdf_text(curator.client.get(reverse("roadmap:certificate_pdf", args=[org.slug, letter.pk])))
    assert "БЛАГОДАРСТВЕННОЕ ПИСЬМО" in text
    assert "Уважаемая Галина Петровна!" in text
    assert "от 02.11.2026 № 41-од" in text


def test_issue_form_says_what_to_fix(org, curator, mentee, pair):
    url = reverse("roadmap:person_certificates", args=[org.slug, mentee.person.pk])
    response = curator.client.post(url, {"ground": "p-999-mentor"})
    assert response.status_code == 400
    assert "Выберите документ из списка." in response.content.decode()
    assert not Certificate.objects.exists()


def test_bulk_issue_and_combined_pdf(org, curator, mentor, mentee, pair):
    client = curator.client
    list_url = reverse("roadmap:certificates", args=[org.slug])
    page = client.get(list_url).content.decode()
    assert "Фролова Г. П." in page and "Смирнова Д. А." in page
    keys = [f"{mentor.person.pk}:p-{pair.pk}-mentor", f"{mentee.person.pk}:p-{pair.pk}-mentee"]
    response = client.post(reverse("roadmap:certificates_issue", args=[org.slug]), {"chosen_keys": keys})
    assert response.status_code == 302
    ids = list(Certificate.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    combined = client.get(reverse("roadmap:certificates_pdf", args=[org.slug]), {"id": ids})
    reader = PdfReader(io.BytesIO(combined.content))
    assert len(reader.pages) == 2
    # Issued once: the same people are no longer offered.
    again = client.post(reverse("roadmap:certificates_issue", args=[org.slug]), {"chosen_keys": keys})
    assert again.status_code == 400
    assert "уже выдан" in again.content.decode()


def test_bulk_issue_without_choice_is_refused_in_russian(org, curator, pair):
    response = curator.client.post(reverse("roadmap:certificates_issue", args=[org.slug]), {})
    assert response.status_code == 400
    assert "Отметьте хотя бы одного работника" in response.content.decode()


def test_access(org, curator, mentor, mentee, outsider, pair):
    ground = service.ground_by_key(org, mentee.person, f"p-{pair.pk}-mentee")
    certificate = service.issue(org, mentee.person, ground, by=curator.user)
    pdf = reverse("roadmap:certificate_pdf", args=[org.slug, certificate.pk])
    assert mentee.client.get(pdf).status_code == 200  # one's own
    assert mentor.client.get(pdf).status_code == 404  # not theirs
    assert outsider.client.get(pdf).status_code == 404
    assert outsider.client.get(reverse("roadmap:certificates", args=[org.slug])).status_code == 404
    assert mentee.client.get(reverse("roadmap:certificates", args=[org.slug])).status_code == 404
    own = reverse("roadmap:person_certificates", args=[org.slug, mentee.person.pk])
    assert mentee.client.get(own).status_code == 200
    assert mentee.client.post(own, {"ground": f"p-{pair.pk}-mentee"}).status_code == 404
    assert (
        mentee.client.get(reverse("roadmap:person_certificates", args=[org.slug, mentor.person.pk])).status_code == 404
    )


@pytest.mark.parametrize("count", [2, 12])
def test_register_query_count_is_constant(org, curator, persona, django_assert_num_queries, count):
    for n in range(count):
        m = persona(org, "mentor", surname=f"Наставникова{n}")
        e = persona(org, "mentee", surname=f"Молодова{n}")
        pair = active_pair(m.person, e.person)
        service.issue(org, e.person, service.ground_by_key(org, e.person, f"p-{pair.pk}-mentee"), by=curator.user)
    curator.client.get(reverse("roadmap:certificates", args=[org.slug]))
    with django_assert_num_queries(10):
        assert curator.client.get(reverse("roadmap:certificates", args=[org.slug])).status_code == 200


def test_verification_page_of_a_signed_certificate(org, head, mentor, pair, client):
    ground = service.ground_by_key(org, mentor.person, f"p-{pair.pk}-mentor")
    certificate = service.issue(org, mentor.person, ground, by=head.user)
    page = client.get(reverse("verify", args=[certificate.esign_token])).content.decode()
    assert certificate.reg_number in page and "Справка об участии" in page


def test_council_reads_cards_but_not_other_peoples_documents(org, persona, mentee, pair):
    council = persona(org, "council", surname="Советова")
    url = reverse("roadmap:person_certificates", args=[org.slug, mentee.person.pk])
    assert council.client.get(url).status_code == 404
    assert (
        council.client.get(reverse("roadmap:person_certificates", args=[org.slug, council.person.pk])).status_code
        == 200
    )


def test_the_card_says_when_a_document_was_already_issued(org, curator, mentee, pair):
    url = reverse("roadmap:person_certificates", args=[org.slug, mentee.person.pk])
    curator.client.post(url, {"ground": f"p-{pair.pk}-mentee"})
    assert "уже выдана № 1-н/2026, будет новый номер" in curator.client.get(url).content.decode()
