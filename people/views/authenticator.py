"""Connecting an authenticator application (people.second_factor): /o/<org>/authenticator/.

The page shows the QR code of the otpauth:// address (segno, inline SVG) and the secret for typing by hand; the
device works once the user enters a code it shows. The user's own device only: nobody sets up another's.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.qr import qr_svg
from people import second_factor
from people.access import OrgAccess, org_view


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Код из приложения",
        max_length=7,
        error_messages={"required": "Введите шестизначный код, который показывает приложение."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


SESSION_KEY = "authenticator_pending_key"


@org_view()
def authenticator(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The secret being connected lives in the session until the user confirms it: a GET stores nothing."""
    current = second_factor.authenticator(request.user)
    connecting = current is None or request.GET.get("new") == "1" or request.method == "POST"
    form = CodeForm(request.POST or None)
    device = None
    if connecting:
        key = request.session.get(SESSION_KEY) or second_factor.new_secret()
        request.session[SESSION_KEY] = key
        device = second_factor.unsaved_authenticator(request.user, key)
    if request.method == "POST" and form.is_valid():
        device = second_factor.pending_authenticator(request.user, device.key)
        try:
            second_factor.confirm_authenticator(device, form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            del request.session[SESSION_KEY]
            messages.success(request, "Приложение-аутентификатор подключено: утверждайте приказы кодом из него.")
            return redirect("people:authenticator", access.org.slug)
    context = {"access": access, "current": current, "form": form, "device": device}
    if current is not None:
        context["current_key"] = second_factor.key_identifier(current)
    if device is not None:
        # segno writes the whole SVG itself from the otpauth address: nothing the user typed is in it.
        context["qr"] = mark_safe(qr_svg(device.config_url, scale=5, title="QR-код для приложения"))
        context["secret"] = second_factor.secret_base32(device)
    return render(request, "people/authenticator.html", context)


@org_view()
@require_POST
def authenticator_remove(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    second_factor.remove_authenticator(request.user)
    messages.success(request, "Приложение-аутентификатор отключено. Код для утверждения можно получить по почте.")
    return redirect("people:authenticator", access.org.slug)
