"""The three consents on the common ГОСТ page (issue 15, point 2): A4, Liberation Serif embedded, no «N / M» at the
foot, the page number at the top centre from page 2, the last paragraph with the signature; pages looked at as PNG."""

from __future__ import annotations

import pytest

from people.models import ConsentText, Purpose
from tests.document_checks import assert_gost_pages, beside_signature, pages_text, render_pngs, signature_alone
from tests.people.test_consent_documents import download, long_body, operator, values_for  # noqa: F401

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


@pytest.mark.parametrize("purpose", Purpose.values)
def test_every_consent_is_on_the_common_page(curator, mentee, operator, purpose):  # noqa: F811
    data = download(curator, mentee.person, purpose)
    assert_gost_pages(data)
    signature = values_for(mentee.person, operator)["signature"]
    markers = [signature, "(дата)", "(подпись / расшифровка подписи)"]
    assert not signature_alone(data, markers), beside_signature(data, markers)
    first = pages_text(data)[0]
    assert first.startswith(operator.full_name)
    render_pngs(data, f"consent-{purpose}", first=1, last=2)


@pytest.mark.parametrize("paragraphs", [7, 8, 9])
def test_a_long_consent_numbers_its_pages_and_keeps_the_signature(curator, mentee, operator, paragraphs):  # noqa: F811
    ConsentText.revise(
        operator, Purpose.PERSONAL_DATA, "Согласие на обработку персональных данных", long_body(paragraphs)
    )
    data = download(curator, mentee.person, Purpose.PERSONAL_DATA)
    assert len(pages_text(data)) >= 2
    assert_gost_pages(data)
    signature = values_for(mentee.person, operator)["signature"]
    assert not signature_alone(data, [signature, "(дата)", "(подпись / расшифровка подписи)"])
