"""The roadmap document: landscape A4, the table's header on every page, the approval stamp once approved."""

from __future__ import annotations

import io

from django.urls import reverse
from pypdf import PdfReader

from tests.roadmap.roadmap_fixtures import approve_roadmap, make_roadmap


def _pdf(client, org, roadmap) -> PdfReader:
    response = client.get(reverse("roadmap:roadmap_pdf", args=[org.slug, roadmap.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_pdf_is_landscape_with_title_activities_and_header_on_every_page(org, persona):
    roadmap = make_roadmap(org, 60)
    reader = _pdf(persona(org, "mentor").client, org, roadmap)
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    first = reader.pages[0].extract_text()
    assert "Дорожная карта по реализации положения" in first and "Мероприятие номер 1" in first
    assert "УТВЕРЖДЕНА" not in first
    second = reader.pages[1].extract_text()
    assert "Срок исполнения" in second and "Ответственный" in second
    everything = "".join(p.extract_text() for p in reader.pages)
    assert "Мероприятие номер 60" in everything


def test_pdf_carries_the_stamp_after_approval(org, persona):
    roadmap = make_roadmap(org, 5)
    approve_roadmap(roadmap, "15-од")
    text = _pdf(persona(org, "head").client, org, roadmap).pages[0].extract_text()
    assert "УТВЕРЖДЕНА" in text and "приказом от 20.09.2026 № 15-од" in text


def test_pdf_of_another_organisation_is_not_found(org, other_org, persona):
    roadmap = make_roadmap(org, 1)
    outsider = persona(other_org, "head", "curator")
    assert outsider.client.get(reverse("roadmap:roadmap_pdf", args=[org.slug, roadmap.pk])).status_code == 404
