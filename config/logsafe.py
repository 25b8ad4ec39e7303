"""Personal data stays out of the logs, whatever a library puts into a log record.

Three things carried names and addresses into log lines: PostgreSQL quotes the values of a refused row in its
errors («DETAIL: Key (email)=(…) already exists»), smtplib names the refused recipients, and Django's template
engine at DEBUG prints a whole template context (people and all) for every missing variable. The filter drops
the last and rewrites the others: e-mail addresses become «<e-mail>», DETAIL lines lose their values. Settings
attach it to the loggers that write such records and to the console handler, the net under everything else.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DETAIL = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)
TEMPLATE_CONTEXT_DUMP = "Exception while resolving variable"


def redact(text: str) -> str:
    return EMAIL.sub("<e-mail>", DETAIL.sub(r"\1 (значения скрыты)", text))


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.template" and str(record.msg).startswith(TEMPLATE_CONTEXT_DUMP):
            return False
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
