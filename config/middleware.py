"""Session timeouts: a session ends after a spell of inactivity and, whatever the activity, a fixed time after
sign-in. A shared staff-room computer left signed in must not stay open to the next person."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

STARTED_KEY = "_session_started"
SEEN_KEY = "_session_seen"
# Recording activity writes the session row: do it at most once a minute, not on every request.
SEEN_RESOLUTION = 60


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
