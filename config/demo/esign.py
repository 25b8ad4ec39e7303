"""The demo's simple electronic signature (issue 15): the school confirms approvals with a one-time code.

The head of the school (login `head2`) has an authenticator with a fixed secret, printed in the README, so a
visitor adds it to any TOTP application and approves the waiting order with a code. The kindergarten approves
without a code (its orders are still signed by the head's login). A second run resets the device as it resets
the demo passwords: same secret, no failed attempts counted.
"""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from people import second_factor
from people.models import Organization, Person, Role

# Base32, as a TOTP application asks for it typed by hand: NASTAVNICHESTVODEMOSCHOOLSEVENQR.
DEMO_TOTP_SECRET = "NASTAVNICHESTVODEMOSCHOOLSEVENQR"  # noqa: S105 — published on purpose, like the demo passwords


def seed_second_factor(org: Organization) -> None:
    """The school asks for the code and its head's authenticator is set up; the kindergarten asks for none."""
    asks = org.kind == Organization.Kind.SCHOOL
    if org.approval_code != asks:
        org.approval_code = asks
        org.save(update_fields=["approval_code"])
    if not asks:
        return
    head = Person.objects.for_org(org).filter(roles__kind=Role.Kind.HEAD, user__isnull=False).first()
    if head is None:
        return
    TOTPDevice.objects.filter(user=head.user).exclude(name=second_factor.AUTHENTICATOR_NAME).delete()
    TOTPDevice.objects.update_or_create(
        user=head.user,
        name=second_factor.AUTHENTICATOR_NAME,
        defaults={
            "key": base64.b32decode(DEMO_TOTP_SECRET).hex(),
            "confirmed": True,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )


def confirmation_for(org: Organization, user) -> second_factor.Confirmation | None:
    """How the demo's history was signed: with the head's authenticator where the organisation asks for a code."""
    if not org.approval_code:
        return None
    device = second_factor.authenticator(user)
    return second_factor.for_device(device) if device is not None else None
