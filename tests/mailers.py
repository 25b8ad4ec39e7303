"""E-mail backends for tests: a mail server that refuses (what smtplib raises when every address is unknown)."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Refuses every letter as a real SMTP server refuses unknown addresses: the error names the addresses."""

    def send_messages(self, email_messages) -> int:
        addresses = [address for message in email_messages for address in message.recipients()]
        raise smtplib.SMTPRecipientsRefused(dict.fromkeys(addresses, (550, b"5.1.1 User unknown")))
