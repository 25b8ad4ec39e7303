"""Writing the security audit log (people.models.AuditEvent).

Sign-ins and sign-outs come from Django's auth signals (connected in PeopleConfig.ready); role changes,
approvals, exports and purges call `record` where they happen. Details name objects by number and kind, never
a person's name.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from people.models import AuditEvent
from people.throttle import client_address


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_address(request)


def record(kind: str, *, request: HttpRequest | None = None, user=None, org=None, detail: str = "") -> AuditEvent:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        organization=org,
        ip_address=client_ip(request),
        detail=detail[:500],
    )


def _logged_in(sender, request, user, **kwargs) -> None:
    record(AuditEvent.Kind.LOGIN, request=request, user=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The login typed is kept (it is how an attack shows); the password never reaches here (Django masks it).
    username = str(credentials.get("username", ""))[:150]
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN_FAILED, username=username, ip_address=client_ip(request))


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
