"""The public verification page of a signed order: /verify/<token>/ (no login; the address is on the QR code).

It shows only what the printed order itself shows — number, date, kind, organisation — plus the SHA-256 of the
registered PDF and the signature's time and key, and checks a dropped PDF byte for byte against that hash.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core import bounds
from core.uploads import megabytes
from roadmap.models import Certificate, OrderSignature


class VerifyForm(forms.Form):
    document = forms.FileField(
        label="Файл приказа (PDF)",
        help_text="Файл не сохраняется: система только вычисляет его SHA-256 и сравнивает с зарегистрированным.",
        error_messages={"required": "Выберите файл PDF, который нужно проверить."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = bounds.MAX_VERIFY_UPLOAD
        if upload.size > limit:
            raise forms.ValidationError(
                f"Файл больше {megabytes(limit)} МБ — это не подписанный приказ из системы. Выберите PDF приказа."
            )
        return upload


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def get_signature(token: str) -> OrderSignature:
    signature = OrderSignature.objects.select_related("order__organization").filter(token=token).first()
    if signature is None:
        raise Http404("Документ с таким адресом проверки не зарегистрирован.")
    return signature


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    certificate = Certificate.objects.select_related("organization").filter(esign_token=token).first()
    if certificate is not None:  # a certificate or letter of thanks: rendered on demand, so no file to compare
        response = render(request, "public/verify_certificate.html", {"certificate": certificate})
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
    signature = get_signature(token)
    result = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = sha256_of(form.cleaned_data["document"])
            result = {"genuine": uploaded == signature.document_sha256, "sha256": uploaded}
    else:
        form = VerifyForm()
    context = {"signature": signature, "order": signature.order, "form": form, "result": result}
    response = render(request, "public/verify.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
