"""The demo's electronic signatures (issue 15): the school asks for a code, its head's authenticator has the
secret the README prints, and every approved order of both organisations is signed."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.oath import TOTP

from config.demo.esign import DEMO_TOTP_SECRET
from people import second_factor
from people.models import Organization
from roadmap.models import Order, OrderSignature

pytestmark = pytest.mark.django_db


def test_the_school_signs_with_the_readme_secret_and_every_approved_order_is_signed():
    call_command("seed_demo", stdout=io.StringIO())
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert DEMO_TOTP_SECRET in readme

    school, kindergarten = Organization.objects.get(slug="school-7"), Organization.objects.get(slug="ds-solnyshko")
    assert school.approval_code and not kindergarten.approval_code
    head2 = school.people.get(user__username="head2").user
    code = f"{TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token():06d}"
    assert second_factor.confirm(head2, code).method == second_factor.Method.TOTP

    for org, method in ((school, OrderSignature.Method.TOTP), (kindergarten, OrderSignature.Method.NONE)):
        approved = Order.objects.filter(organization=org, status=Order.Status.APPROVED).exclude(
            source=Order.Source.PAPER
        )
        assert approved.count() >= 3
        signatures = OrderSignature.objects.filter(order__organization=org)
        assert signatures.count() == approved.count()
        assert set(signatures.values_list("method", flat=True)) == {method}
        assert all(s.document_sha256 == s.order.pdf_sha256 for s in signatures.select_related("order"))

    before = set(OrderSignature.objects.values_list("token", flat=True))
    call_command("seed_demo", stdout=io.StringIO())
    assert set(OrderSignature.objects.values_list("token", flat=True)) == before
    assert re.fullmatch(r"[A-Z2-7]{32}", DEMO_TOTP_SECRET)
