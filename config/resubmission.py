"""A form sent twice — a double click, a reload that re-sends the POST, two tabs — answers with what is saved.

Each rule «only one» (one open bank entry per person, one open request per pair member, one answer per question,
one pending change of a programme…) is a unique constraint in the database, and the forms check it before
saving. Two identical submissions arriving together both pass that check; the database lets the first in and
stops the second with an IntegrityError. That second request must not end in a server error: the first has
already saved what the person asked for. So a unique-constraint violation in a POST becomes a redirect back to the
page the form was on, with a message saying the data is already saved. The violating statement's transaction
has rolled back, so nothing of the second request stays.

Other integrity errors (a foreign key, a check) are real faults and keep failing loudly.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("config.resubmission")

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
ALREADY_SAVED = (
    "Эти данные уже сохранены: форма была отправлена повторно (например, двойным нажатием), и повторная отправка "
    "ничего не изменила. Проверьте результат на странице."
)


def is_unique_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == UNIQUE_VIOLATION or getattr(cause, "pgcode", None) == UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(exc)  # SQLite


def back(request: HttpRequest) -> str:
    """The page the form was on, if it is ours; else the address the form posted to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return request.get_full_path()


class RepeatedSubmissionMiddleware:
    """Turn a unique-constraint violation in a POST into a redirect with a message (see the module's text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method != "POST" or not isinstance(exception, IntegrityError) or not is_unique_violation(exception):
            return None
        # The path only: the driver's message quotes the values of the failed statement.
        logger.warning("Повторная отправка формы: %s", request.path)
        messages.info(request, ALREADY_SAVED)
        return HttpResponseRedirect(back(request))
