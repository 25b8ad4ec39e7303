"""The programme on the common ГОСТ page (issue 15, point 2): page numbers at the top centre from page 2, the
stamp naming the approver (position, signature line, «И. О. Фамилия», date), tables ≥ 10 pt, and the signatures
kept with the approval chain above them — proved against a rendering without the keep rule."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pdf import pdf_bytes
from tests.document_checks import (
    assert_gost_pages,
    beside_signature,
    pages_text,
    render_pngs,
    signature_alone,
    unkept_pdf,
)
from tests.mentoring.programme_fixtures import active_pair, approved_programme, programme_with_rows

pytestmark = pytest.mark.time_machine("2025-11-20 10:00 +03:00", tick=True)

MARKERS = ["/ Белова Н. С.", "Наставник", "/ Фролова Г. П.", "С программой ознакомлена", "/ Смирнова Д. А.", "Куратор"]


def pdf_and_context(client, programme) -> tuple[bytes, dict]:
    url = reverse("mentoring:programme_pdf", args=[programme.mentorship.organization.slug, programme.mentorship.pk])
    response = client.get(url)
    assert response.status_code == 200
    contexts = response.context if isinstance(response.context, list) else [response.context]
    return response.content, contexts[0].flatten()


@pytest.fixture
def approved(mentor, mentee, curator):
    programme = programme_with_rows(active_pair(mentor.person, mentee.person), rows=40)
    return approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)


def test_the_programme_stamp_names_the_approver_and_the_pages_follow_gost(approved, curator):
    pdf, _ = pdf_and_context(curator.client, approved)
    assert_gost_pages(pdf)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    day = f"{timezone.localtime(approved.approved_at):%d.%m.%Y}"
    assert f"УТВЕРЖДЕНА Заместитель директора Н. С. Белова {day}" in pages[0]
    assert "Мероприятие плана № 40" in " ".join(pages)
    assert not signature_alone(pdf, MARKERS)
    render_pngs(pdf, "programme", first=1, last=2)


def test_the_signatures_never_part_from_the_chain_and_the_check_would_see_them_alone(approved, curator):
    _, context = pdf_and_context(curator.client, approved)
    rows = context["rows"]
    caught = 0
    for count in range(4, len(rows) + 1, 2):
        shown = {**context, "rows": rows[:count]}
        if not signature_alone(unkept_pdf("documents/programme.html", shown), MARKERS):
            continue
        caught += 1
        pdf = pdf_bytes("documents/programme.html", shown)
        assert not signature_alone(pdf, MARKERS), beside_signature(pdf, MARKERS)
        page = next(p for p in pages_text(pdf) if "Белова Н. С." in p)
        assert "Наставляемый ознакомлен" in page
        render_pngs(pdf, "programme-kept", first=2, last=2)
        break
    assert caught, "no length put the signatures alone without the rule: the check proves nothing"
