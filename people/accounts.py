"""Accounts of staff members: creating one and sending the link to set a password.

The administrator does it by hand on the person's card (people.views.staff.person_account); an approved order
that gives a person a role invites them the same way (`invite`), so nobody is left with a role and no way in.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from people.models import Person

User = get_user_model()


class Invitation:
    """What `invite` did: «created» (account made, letter on its way), «has_account» or «no_email»."""

    CREATED, HAS_ACCOUNT, NO_EMAIL = "created", "has_account", "no_email"


@transaction.atomic
def create_account(person: Person, *, username: str, email: str):
    """A login for `person` (no password yet: they set it from the invitation)."""
    user = User.objects.create_user(username=username, email=email, first_name=person.name, last_name=person.surname)
    person.user = user
    person.email = person.email or user.email
    person.save(update_fields=["user", "email", "updated_at"])
    return user


class PasswordLinkForm(PasswordResetForm):
    """Password reset for one known account, including a new one that has no password yet.

    The stock form skips accounts without a usable password, which is every account we have just created.
    """

    def __init__(self, user) -> None:
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email: str) -> list:
        return [self.user] if self.user.is_active else []


def _site() -> tuple[str, bool]:
    """The site's host and whether it is served over HTTPS, for letters sent outside a request."""
    base = urlsplit(getattr(settings, "SITE_URL", "") or "")
    if base.netloc:
        return base.netloc, base.scheme == "https"
    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
    return (hosts[0] if hosts else "localhost"), False


def send_invitation(user, *, request: HttpRequest | None = None) -> None:
    """E-mail the link to set a password (the invitation letter), from a request or, without one, from SITE_URL."""
    reset = PasswordLinkForm(user)
    if not reset.is_valid():
        return
    options = {
        "subject_template_name": "registration/account_invite_subject.txt",
        "email_template_name": "registration/account_invite_email.txt",
    }
    if request is not None:
        reset.save(request=request, use_https=request.is_secure(), **options)
    else:
        domain, https = _site()
        reset.save(domain_override=domain, use_https=https, **options)


def free_username(email: str) -> str:
    """A login made from the address's local part, with a number added if it is taken («ivanova», «ivanova-2»)."""
    stem = re.sub(r"[^a-z0-9_-]+", "-", email.split("@", 1)[0].lower()).strip("-")[:140] or "user"
    candidate, n = stem, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def invite(person: Person) -> str:
    """Give `person` an account and send the invitation once the transaction commits.

    Nothing happens to a person who already has an account (so a second approval sends no second letter), and
    nothing can be sent without an address: such a person stays «без учётной записи» and the curator sees it.
    """
    with transaction.atomic():
        # Two approvals naming the same person at once: the second sees the account the first made.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.user_id:
            person.user_id = locked.user_id
            return Invitation.HAS_ACCOUNT
        if not locked.email:
            return Invitation.NO_EMAIL
        user = create_account(locked, username=free_username(locked.email), email=locked.email)
    person.user, person.email = user, locked.email
    transaction.on_commit(lambda: send_invitation(user))
    return Invitation.CREATED
