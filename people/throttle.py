"""Login throttling that slows guessing down without handing anyone a way to lock a colleague out.

django-axes records every failed login (people.services purges those records with the person). What it does with
them is decided here (settings.AXES_HANDLER):

- failures are counted by login alone, from whatever address: behind the school's NAT or the deployment's proxy
  everyone shares one address, so the address says nothing about who is guessing;
- the first LOGIN_DELAY_AFTER failures cost nothing; after that each further attempt waits, and the wait doubles
  with every failure — LOGIN_DELAY_FIRST_SECONDS, twice that, … — but never exceeds LOGIN_DELAY_MAX_SECONDS. A
  refused attempt is not counted, so hammering the form does not lengthen the wait: there is no lock of minutes
  that five wrong passwords from anyone could set off again and again;
- failures are forgotten after LOGIN_FAILURES_FORGOTTEN_MINUTES of quiet (AXES_COOLOFF_TIME), after a successful
  login, and after the owner sets a new password through the e-mailed link (`forget`): password reset itself is
  never throttled.

The client's address (for the records and the audit log) is REMOTE_ADDR, unless the deployment says how many
reverse proxies stand in front of it (TRUSTED_PROXY_COUNT): only then is X-Forwarded-For read, and only the entry
the nearest trusted proxy wrote — whatever a client puts in the header itself is ignored.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.templatetags.ru import plural_form


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n the n-th address from the right of
    X-Forwarded-For (each trusted proxy appends the address it saw; anything further left the client wrote)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < count:
        return remote  # the request did not come through all the proxies: nothing in the header is trustworthy
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def delay_after(failures: int) -> timedelta:
    """How long the next attempt waits after `failures` recent failures of one login."""
    free = settings.LOGIN_DELAY_AFTER
    if failures < free:
        return timedelta(0)
    first, cap = settings.LOGIN_DELAY_FIRST_SECONDS, settings.LOGIN_DELAY_MAX_SECONDS
    steps = min(failures - free, 32)  # 2**32 seconds is past any cap; keeps the number small
    return timedelta(seconds=min(first * 2**steps, cap))


def wait_for(username: str | None) -> timedelta:
    """How long `username` must still wait before the next attempt (zero if they may try now)."""
    if not username:
        return timedelta(0)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    totals = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not totals["failures"]:
        return timedelta(0)
    remaining = totals["last"] + delay_after(totals["failures"]) - timezone.now()
    return max(remaining, timedelta(0))


class ProgressiveHandler(AxesDatabaseHandler):
    """axes' database records, with the lock replaced by the growing, capped wait of `wait_for`."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        wait = wait_for(get_client_username(request, credentials))
        request.login_wait = wait
        return wait > timedelta(0)


def seconds_text(seconds: int) -> str:
    return f"{seconds} {plural_form(seconds, 'секунду', 'секунды', 'секунд')}"


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The answer to an attempt made before the wait was over: how long to wait, and the way to reset the password."""
    wait = getattr(request, "login_wait", None) or timedelta(seconds=settings.LOGIN_DELAY_FIRST_SECONDS)
    seconds = max(1, math.ceil(wait.total_seconds()))
    response = render(request, "registration/locked_out.html", {"wait": seconds_text(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def forget(username: str) -> None:
    """Drop the recorded failures of `username` (after the owner proved who they are by the e-mailed link)."""
    AxesProxyHandler.reset_attempts(username=username)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's «set a new password» page; the owner who got here by the e-mailed link starts with no wait."""

    def form_valid(self, form):
        response = super().form_valid(form)
        forget(self.user.get_username())
        return response
