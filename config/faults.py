"""The database going away mid-request: a clear page with status 503 instead of a bare 500.

Every state change of the product runs in one transaction, so a request cut short by a lost connection either
committed before it or rolled back entirely: what the user had already saved stays saved, and the page says so.
The page is rendered from a plain context — no context processors, no session, no user — because any query
would fail the same way again.

Two entry points: `DatabaseUnavailableMiddleware.process_exception` catches what a view raises, and
`server_error` (the project's handler500) catches what the middleware around the views raises (loading the
session or the user, saving the session afterwards), where no process_exception is called.
"""

from __future__ import annotations

import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("config.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds after which a browser or a proxy may try again; a restarted database is usually back by then.
RETRY_AFTER = 30


def database_unavailable() -> HttpResponse:
    """The 503 page; touches neither the database nor the request."""
    body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    # A page saying the database is away must not be kept by a cache in front of the site.
    response["Cache-Control"] = "no-store"
    return response


def _log(request: HttpRequest, exc: BaseException) -> None:
    # The path and the kind of fault only: a driver's message may quote the values of the failed statement.
    logger.error("База данных недоступна: %s %s (%s)", request.method, request.path, type(exc).__name__, exc_info=False)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection inside a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            _log(request, exception)
            return database_unavailable()
        return None


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the 503 page when the fault was the database, Django's plain 500 page otherwise."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        _log(request, exc)
        return database_unavailable()
    # As django.views.defaults.server_error: the 500 template with no context at all.
    return HttpResponseServerError(loader.get_template(template_name).render())
