"""Request hygiene and session timeouts.

NUL characters never reach a view: PostgreSQL refuses text holding one, so a NUL typed into a search box, a
comment or an address would end in a server error wherever it met the database. A session ends after a spell of
inactivity and, whatever the activity, a fixed time after sign-in: a shared staff-room computer left signed in
must not stay open to the next person.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, QueryDict

NUL = "\x00"

STARTED_KEY = "_session_started"
SEEN_KEY = "_session_seen"
# Recording activity writes the session row: do it at most once a minute, not on every request.
SEEN_RESOLUTION = 60


def _without_nul(data: QueryDict) -> QueryDict:
    """The same values with every NUL character taken out of names and values (the same object when none has one)."""
    if not any(NUL in key or any(NUL in value for value in values) for key, values in data.lists()):
        return data
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    clean._mutable = False
    return clean


class NulCharacterMiddleware:
    """Takes NUL characters out of the query string, the posted form, the cookies and the request headers, and
    answers 404 to an address that holds one (no object of ours is named with it).

    A NUL has no place in any text a person types, so it is dropped silently rather than refused: the search
    finds what the rest of the words find, the comment is saved without it. Sits before the session middleware,
    whose cookie would otherwise reach the database as it came.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        if any(NUL in value for value in request.COOKIES.values()):
            request.COOKIES = {key: value.replace(NUL, "") for key, value in request.COOKIES.items()}
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
                request.META[key] = value.replace(NUL, "")
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # An address with a NUL resolves only where a parameter takes any text (the calendar feed's token); the
        # 404 is raised here, once the page's context (the user) is there to render it.
        if NUL in request.path_info:
            raise Http404("В адресе недопустимый символ.")
        # The posted form is read at the point the CSRF check reads it in any case.
        if request.method == "POST":
            request.POST = _without_nul(request.POST)
        return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(STARTED_KEY, now)
            seen = session.get(SEEN_KEY, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT:
                return self._end(request, "Сеанс завершён после долгого бездействия. Войдите снова.")
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                return self._end(
                    request, "Сеанс завершён: с момента входа прошло слишком много времени. Войдите снова."
                )
            if now - seen >= SEEN_RESOLUTION or SEEN_KEY not in session:
                session[SEEN_KEY] = now
        return self.get_response(request)

    def _end(self, request, text: str):
        path = request.get_full_path()
        logout(request)
        messages.info(request, text)
        return redirect_to_login(path)
