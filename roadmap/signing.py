"""The stored PDF of an approved order as an electronically signed document.

At approval (roadmap.services.approve_order) the order's PDF is rendered once as PDF/A-3b (fonts embedded, for
the archive) with:
- the mark of a simple electronic signature in place of the handwritten one (ГОСТ Р 7.0.97-2025, п. 5.23): a
  framed block «Документ подписан простой электронной подписью» with Владелец, Должность, Дата и время and
  Ключ — the key identifier of people.second_factor;
- a QR code (core.qr) with the address of the public verification page, SITE_URL/verify/<token>/, printed
  beside it in words as well;
- the order's source data as an embedded JSON file, so the archive keeps what the text was made from.
The `OrderSignature` written with it keeps the SHA-256 of exactly these bytes; the verification page compares an
uploaded file with it.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from core.pdf import archival_pdf_bytes
from core.qr import qr_svg_data_uri
from roadmap.documents import order_context
from roadmap.models import Order

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
MARK_TITLE = "Документ подписан простой электронной подписью"


def new_token() -> str:
    """An unguessable address of the verification page (128 bits)."""
    return secrets.token_urlsafe(16)


def verification_url(token: str) -> str:
    site = getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL
    return site.rstrip("/") + reverse("verify", args=[token])


def mark(*, owner: str, position: str, signed_at: datetime, key_id: str, token: str) -> dict:
    """What the signature mark prints; the QR code is an SVG data: URI (documents fetch nothing else)."""
    url = verification_url(token)
    return {
        "title": MARK_TITLE,
        "owner": owner,
        "position": position,
        "signed_at": timezone.localtime(signed_at),
        "key_id": key_id,
        "url": url,
        "qr": qr_svg_data_uri(url),
    }


def source_data(order: Order, content: dict, esign: dict) -> bytes:
    """The order's source data for the archive: requisites, the frozen content, the signature (not the hash)."""
    data = {
        "документ": "приказ",
        "организация": order.organization.full_name,
        "вид": order.get_kind_display(),
        "номер": order.reg_number,
        "дата": order.date,
        "подписал": {
            "владелец": esign["owner"],
            "должность": esign["position"],
            "дата_и_время": esign["signed_at"],
            "ключ": esign["key_id"],
            "проверка": esign["url"],
        },
        "содержание": content,
    }
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode("utf-8")


def signed_pdf(order: Order, content: dict, esign: dict) -> bytes:
    """The approved order as PDF/A-3b with the signature mark, the QR code and the source data attached."""
    context = order_context(order, content)
    context["esign"] = esign
    # An ASCII name: PDF readers show a Cyrillic file name of an attachment inconsistently.
    name = f"order-{order.year}-{order.number}.json"
    return archival_pdf_bytes(
        "documents/order.html",
        context,
        attachments=[(name, source_data(order, content, esign), "Исходные данные приказа")],
    )
