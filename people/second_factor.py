"""The second factor with which a head confirms an approval: a simple electronic signature (63-ФЗ, art. 9).

Where the organisation has `approval_code` on, the head approves an order only with a one-time code: from an
authenticator application (a TOTP device of django-otp, set up on /o/<org>/authenticator/ with a QR code) or,
as a fallback, from an e-mail sent to the head and valid for ten minutes (`OTP_EMAIL_TOKEN_VALIDITY`). Wrong codes
are throttled by django-otp itself: after the n-th wrong code in a row the device accepts nothing for 2ⁿ⁻¹
seconds, so a code cannot be guessed.

What a confirmation leaves is a `Confirmation`: the method and the key identifier — a hash of the device's
identity printed on the signed document; the secret itself is never shown again.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device, GenerateNotAllowed, VerifyNotAllowed
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

AUTHENTICATOR_NAME = "Приложение-аутентификатор"
EMAIL_NAME = "Код по электронной почте"


class Method:
    TOTP = "totp"
    EMAIL = "email"
    NONE = "none"


@dataclass(frozen=True)
class Confirmation:
    """How the signer confirmed: `method` (Method) and the key identifier printed on the document."""

    method: str
    key_id: str


def _fingerprint(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def key_identifier(device: Device) -> str:
    """«3F2A-9C01-…»: a hash of the device's identity; it names the key without revealing it."""
    return _fingerprint(device.persistent_id)


def without_code(user) -> Confirmation:
    """The organisation does not ask for a code: the signature is the head's login (password) itself."""
    return Confirmation(Method.NONE, _fingerprint(f"login:{user.pk}"))


def for_device(device: Device) -> Confirmation:
    """A confirmation by `device` already checked by the caller (the demo registers its history this way)."""
    method = Method.TOTP if isinstance(device, TOTPDevice) else Method.EMAIL
    return Confirmation(method, key_identifier(device))


# --- the authenticator application ----------------------------------------------------------------------------


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def new_secret() -> str:
    """A new secret for an authenticator being connected (hex, as TOTPDevice keeps it)."""
    return random_hex(20)


def unsaved_authenticator(user, key: str) -> TOTPDevice:
    """The device the setup page shows before it is confirmed: nothing is stored until the user enters a code."""
    return TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=False)


def pending_authenticator(user, key: str) -> TOTPDevice:
    """The stored, not yet confirmed device with `key` (wrong codes entered for it are counted on it)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(key=key).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=False, key=key).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as the application asks for it when typed by hand, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_authenticator(device: TOTPDevice, code: str) -> None:
    """Switch the pending authenticator on when `code` is right; the older one, if any, stops working."""
    _verify(device, _clean(code))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])


def remove_authenticator(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()


# --- the e-mail fallback --------------------------------------------------------------------------------------


def send_email_code(user, email: str, *, purpose: str) -> None:
    """Send a one-time code to `email`, valid for ten minutes; refused more often than once a minute."""
    if not email:
        raise ValidationError("В карточке работника нет адреса электронной почты: код отправить некуда.")
    device = EmailDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = EmailDevice.objects.create(user=user, name=EMAIL_NAME, email=email)
    allowed, data = device.generate_is_allowed()
    if not allowed:
        if data and data.get("reason") == GenerateNotAllowed.COOLDOWN_DURATION_PENDING:
            wait = _seconds_until(data["next_generation_at"])
            raise ValidationError(f"Код уже отправлен. Новый можно запросить через {wait} с.")
        raise ValidationError("Отправить код сейчас нельзя: попробуйте позже.")
    device.email = email
    device.cooldown_set(commit=False)
    minutes = settings.OTP_EMAIL_TOKEN_VALIDITY // 60
    device.generate_token(valid_secs=settings.OTP_EMAIL_TOKEN_VALIDITY, commit=True)
    send_mail(
        "Код подтверждения — Наставничество",
        f"Код для подтверждения: {device.token}\n\n"
        f"Вы запросили его, чтобы {purpose}. Код действует {minutes} минут и подходит один раз.\n"
        "Если вы ничего не запрашивали, не сообщайте код никому и смените пароль.",
        None,
        [email],
    )


# --- the check ------------------------------------------------------------------------------------------------


def _clean(code: str) -> str:
    return "".join((code or "").split())


def _seconds_until(moment) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def _verify(device: Device, code: str) -> None:
    if not code:
        raise ValidationError("Введите шестизначный код.", code="empty")
    if not code.isdigit() or len(code) != 6:
        raise ValidationError("Код — шесть цифр, без букв и других знаков.", code="format")
    allowed, data = device.verify_is_allowed()
    if not allowed:
        raise _throttled(data)
    if not device.verify_token(code):
        raise ValidationError(
            "Код не подошёл. Проверьте, что время на телефоне точное, и введите код, который показан сейчас.",
            code="wrong",
        )


def _throttled(data: dict | None) -> ValidationError:
    if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and data.get("locked_until"):
        wait = _seconds_until(data["locked_until"])
        return ValidationError(
            f"Слишком много неверных кодов подряд. Подождите {wait} с и введите новый код.", code="throttled"
        )
    return ValidationError("Проверка кода временно недоступна: попробуйте через минуту.", code="throttled")


def confirm(user, code: str) -> Confirmation:
    """Check the one-time code of `user`: the authenticator's first, then an e-mailed one. A refusal is a
    ValidationError with a Russian message for the field; wrong codes count towards django-otp's throttling."""
    code = _clean(code)
    devices: list[Device] = [d for d in (authenticator(user),) if d is not None]
    email_device = EmailDevice.objects.filter(user=user, token__isnull=False).exclude(token="").first()
    if email_device is not None and email_device.valid_until > timezone.now():
        devices.append(email_device)
    if not devices:
        raise ValidationError(
            "Подтвердить утверждение нечем: подключите приложение-аутентификатор или запросите код на почту.",
            code="no_device",
        )
    refusal: ValidationError | None = None
    for device in devices:
        try:
            _verify(device, code)
        except ValidationError as exc:
            # A throttled device says more than a plain «wrong code»: keep its message.
            if refusal is None or exc.code == "throttled":
                refusal = exc
            if exc.code in ("empty", "format"):
                break
            continue
        return for_device(device)
    raise refusal
