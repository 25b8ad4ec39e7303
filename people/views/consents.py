"""Consents: the organisation's versioned texts, each person's consents, a teacher's own, and the purge log.

Who may do what: curator, administrator and head see texts and consents; curator and administrator edit texts
and register or withdraw consents; every staff member sees and gives or withdraws their own; the purge log is
for the administrator and the head. Objects are always looked up within the organisation (others get 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.pdf import render_pdf
from core.text import initials_name
from people.access import OrgAccess, org_view
from people.consents import (
    PLACEHOLDERS,
    SCAN_CONTENT_TYPES,
    current_texts,
    destroyed_labels,
    document_context,
    ensure_consent_texts,
    file_name,
    fill_values,
    own_withdrawal_warning,
    register_consent,
    render_text,
    withdrawal_warning,
)
from people.forms import (
    ConsentRegisterForm,
    ConsentTextForm,
    ConsentWithdrawForm,
    OnlineConsentForm,
    OperatorRequisitesForm,
)
from people.models import Consent, ConsentText, Organization, Person, PurgeRecord, Purpose, Role
from people.requisites import missing_requisites
from people.services import withdraw_consent

CONSENT_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN)
CONSENT_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
PURGE_LOG_VIEWERS = (Role.Kind.ADMIN, Role.Kind.HEAD)
PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------------------------------


def _purpose(value: str) -> str:
    if value not in Purpose.values:
        raise Http404
    return value


def _person(access: OrgAccess, pk: int) -> Person:
    return get_object_or_404(Person.objects.for_org(access.org), pk=pk)


def _consent(access: OrgAccess, person: Person, consent_pk: int) -> Consent:
    qs = Consent.objects.for_org(access.org).filter(person=person).select_related("text")
    return get_object_or_404(qs, pk=consent_pk)


def _name_users(org: Organization, items, *attrs: str) -> None:
    """Set `<attr>_name` («Белова Н. С.») on each item for each user attribute; one query for all.

    The name comes from the user's staff card in the organisation, else from the account; a deleted
    account gives "".
    """
    items = [item for item in items if item is not None]
    users = {u.pk: u for item in items for a in attrs if (u := getattr(item, a)) is not None}
    names = {
        user_id: initials_name(surname, name, patronymic)
        for user_id, surname, name, patronymic in Person.objects.filter(
            organization=org, user_id__in=list(users)
        ).values_list("user_id", "surname", "name", "patronymic")
    }
    for pk, user in users.items():
        names.setdefault(pk, user.get_full_name() or user.username)
    for item in items:
        for a in attrs:
            user = getattr(item, a)
            setattr(item, f"{a}_name", names[user.pk] if user is not None else "")


@dataclass
class PurposeState:
    """A person's consents for one purpose: the active one (if any) and the earlier ones, newest first."""

    purpose: str
    label: str
    current_text: ConsentText
    active: Consent | None = None
    history: list[Consent] = field(default_factory=list)

    @property
    def last_withdrawn(self) -> Consent | None:
        return self.history[0] if self.history and not self.active else None

    @property
    def shown(self) -> Consent | None:
        """The consent the state line describes: the active one, else the last withdrawn one."""
        return self.active or self.last_withdrawn

    @property
    def earlier(self) -> list[Consent]:
        """The history below the current state: without the withdrawn consent the state already describes."""
        return self.history if self.active else self.history[1:]

    @property
    def warning(self) -> str:
        return withdrawal_warning(self.purpose)

    @property
    def outdated(self) -> bool:
        """The consent was given to an earlier version than the current one."""
        return self.active is not None and self.active.text.version < self.current_text.version


def _states(org: Organization, person: Person) -> list[PurposeState]:
    texts = current_texts(org)
    consents = (
        Consent.objects.for_org(org)
        .filter(person=person)
        .select_related("text", "registered_by", "withdrawn_by")
        .order_by("-given_on", "-pk")
    )
    states = {p: PurposeState(p, Purpose(p).label, texts[p]) for p in Purpose.values}
    consents = list(consents)
    _name_users(org, consents, "registered_by", "withdrawn_by")
    for consent in consents:
        state = states[consent.purpose]
        if consent.is_active and state.active is None:
            state.active = consent
        else:
            state.history.append(consent)
    return list(states.values())


def _send_scan(consent: Consent) -> FileResponse:
    if not consent.scan:
        raise Http404
    extension = consent.scan.name.rsplit(".", 1)[-1].lower()
    try:
        handle = consent.scan.open("rb")
    except FileNotFoundError:
        raise Http404("Файл скана не найден в хранилище.") from None
    response = FileResponse(handle, content_type=SCAN_CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, file_name(consent.purpose, extension))
    response["Cache-Control"] = "private, no-store"
    return response


def _consent_pdf(request: HttpRequest, org: Organization, person: Person, purpose: str) -> HttpResponse:
    """The filled-in form: the consent the person gave (its version and date) or the current text to sign."""
    active = Consent.objects.for_org(org).active().filter(person=person, purpose=purpose).select_related("text")
    consent = active.first()
    text = consent.text if consent else current_texts(org)[purpose]
    if text.pk is None:
        # A form handed out to sign names a stored version and its date, never the day it was printed.
        ensure_consent_texts(org)
        text = current_texts(org)[purpose]
    context = document_context(org, person, text, consent.given_on if consent else None)
    # The product's own public page shows the names the publication consent allows (monitoring.publishing).
    context["public_page"] = request.build_absolute_uri(reverse("public_page", args=[org.slug]))
    return render_pdf(request, "documents/consent.html", context, file_name(purpose, "pdf"))


# --- texts -----------------------------------------------------------------------------------------------------


@org_view(*CONSENT_VIEWERS)
def consent_texts(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    texts = current_texts(access.org)
    _name_users(access.org, texts.values(), "created_by")
    rows = [(Purpose(p).label, texts[p]) for p in Purpose.values]
    context = {
        "access": access,
        "rows": rows,
        "can_edit": access.has(*CONSENT_EDITORS),
        "can_see_purge_log": access.has(*PURGE_LOG_VIEWERS),
        "missing_requisites": missing_requisites(access.org),
        "can_fill_requisites": access.has(*CONSENT_EDITORS),
    }
    return render(request, "people/consents/texts.html", context)


@org_view(*CONSENT_EDITORS)
def consent_operator(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The organisation as the operator of personal data: the requisites every consent form prints."""
    form = OperatorRequisitesForm(request.POST or None, instance=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Реквизиты оператора сохранены — они напечатаны в формах согласий.")
        return redirect("people:consent_texts", access.org.slug)
    context = {"access": access, "form": form, "missing_requisites": missing_requisites(access.org)}
    return render(request, "people/consents/operator.html", context)


@org_view(*CONSENT_VIEWERS)
def consent_text(request: HttpRequest, access: OrgAccess, purpose: str, version: int | None = None) -> HttpResponse:
    purpose = _purpose(purpose)
    current = current_texts(access.org)[purpose]
    versions = ConsentText.objects.filter(organization=access.org, purpose=purpose).select_related("created_by")
    # An organisation without stored texts reads the default as an unsaved version 1 (people.consents).
    unsaved = current.pk is None and version == current.version
    shown = current if version is None or unsaved else get_object_or_404(versions, version=version)
    page = Paginator(versions.order_by("-version"), PAGE_SIZE).get_page(request.GET.get("page"))
    _name_users(access.org, [shown, *page], "created_by")
    context = {
        "access": access,
        "purpose": purpose,
        "purpose_label": Purpose(purpose).label,
        "shown": shown,
        "current": current,
        "body": render_text(shown.body),
        "page": page,
        "can_edit": access.has(*CONSENT_EDITORS),
    }
    return render(request, "people/consents/text_detail.html", context)


@org_view(*CONSENT_EDITORS)
def consent_text_edit(request: HttpRequest, access: OrgAccess, purpose: str) -> HttpResponse:
    purpose = _purpose(purpose)
    current = current_texts(access.org)[purpose]
    initial = {"title": current.title, "body": current.body}
    form = ConsentTextForm(request.POST or None, initial=initial, current=current)
    if request.method == "POST" and form.is_valid():
        text = ConsentText.revise(
            access.org, purpose, form.cleaned_data["title"], form.cleaned_data["body"], user=request.user
        )
        messages.success(
            request,
            f"Сохранена версия {text.version}. Согласия, данные раньше, остаются в тех редакциях, "
            "на которые они были даны; новые согласия даются на эту версию.",
        )
        return redirect("people:consent_text", access.org.slug, purpose)
    context = {
        "access": access,
        "purpose": purpose,
        "purpose_label": Purpose(purpose).label,
        "current": current,
        "form": form,
        "placeholders": PLACEHOLDERS,
    }
    return render(request, "people/consents/text_edit.html", context)


# --- a person's consents ---------------------------------------------------------------------------------------


@org_view(*CONSENT_VIEWERS)
def person_consents(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = _person(access, pk)
    states = _states(access.org, person)
    context = {
        "access": access,
        "person": person,
        "states": states,
        "can_edit": access.has(*CONSENT_EDITORS) and person.anonymized_at is None,
        "today": timezone.localdate(),
        "missing_requisites": missing_requisites(access.org),
        "can_fill_requisites": access.has(*CONSENT_EDITORS),
    }
    return render(request, "people/consents/person.html", context)


@org_view(*CONSENT_EDITORS)
def consent_register(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = _person(access, pk)
    if person.anonymized_at is not None:
        messages.error(request, "Персональные данные работника уничтожены: зарегистрировать согласие нельзя.")
        return redirect("people:person_consents", access.org.slug, person.pk)
    initial = {"given_on": timezone.localdate()}
    if request.GET.get("purpose") in Purpose.values:
        initial["purpose"] = request.GET["purpose"]
    form = ConsentRegisterForm(request.POST or None, request.FILES or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = register_consent(
                person,
                data["purpose"],
                given_on=data["given_on"],
                by=request.user,
                scan=data["scan"] or None,
                scan_extension=form.scan_extension,
            )
        except ValidationError as exc:
            form.add_error("purpose" if getattr(exc, "code", None) == "consent_active" else None, exc)
        else:
            messages.success(request, f"Согласие «{consent.get_purpose_display()}» зарегистрировано.")
            return redirect("people:person_consents", access.org.slug, person.pk)
    texts = current_texts(access.org)
    context = {"access": access, "person": person, "form": form, "texts": texts}
    return render(request, "people/consents/register.html", context)


@org_view(*CONSENT_EDITORS)
def consent_withdraw(request: HttpRequest, access: OrgAccess, pk: int, consent_pk: int) -> HttpResponse:
    """GET: the confirmation page (the person page opens the same form in a dialog). POST: withdraw."""
    person = _person(access, pk)
    consent = _consent(access, person, consent_pk)
    if not consent.is_active:
        messages.info(request, "Это согласие уже отозвано.")
        return redirect("people:person_consents", access.org.slug, person.pk)
    form = ConsentWithdrawForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_consent(consent, by=request.user, on=form.cleaned_data["withdrawn_on"])
        except ValidationError as exc:
            form.add_error("withdrawn_on", exc)
        else:
            messages.success(request, _withdrawn_message(consent.purpose))
            return redirect("people:person_consents", access.org.slug, person.pk)
    context = {
        "access": access,
        "person": person,
        "consent": consent,
        "form": form,
        "warning": withdrawal_warning(consent.purpose),
    }
    return render(request, "people/consents/withdraw.html", context)


def _withdrawn_message(purpose: str) -> str:
    if purpose == Purpose.PERSONAL_DATA:
        return (
            "Согласие отозвано. Работник исключён из банков наставляемых и наставников; его персональные данные "
            "будут уничтожены по истечении установленного срока."
        )
    return f"Согласие «{Purpose(purpose).label}» отозвано."


@org_view(*CONSENT_VIEWERS)
def consent_scan(request: HttpRequest, access: OrgAccess, pk: int, consent_pk: int) -> HttpResponse:
    return _send_scan(_consent(access, _person(access, pk), consent_pk))


@org_view(*CONSENT_VIEWERS)
def consent_pdf(request: HttpRequest, access: OrgAccess, pk: int, purpose: str) -> HttpResponse:
    person = _person(access, pk)
    if person.anonymized_at is not None:
        raise Http404("Персональные данные работника уничтожены.")
    return _consent_pdf(request, access.org, person, _purpose(purpose))


# --- one's own consents ----------------------------------------------------------------------------------------


def _my_page(request: HttpRequest, access: OrgAccess, bound: OnlineConsentForm | None = None) -> HttpResponse:
    person = access.person
    states = _states(access.org, person)
    values = fill_values(access.org, person)
    cards = []
    for state in states:
        shown = state.active.text if state.active else state.current_text
        form = None
        if state.active is None:
            form = bound if bound is not None and bound.prefix == state.purpose else None
            form = form or OnlineConsentForm(text=state.current_text, prefix=state.purpose)
        cards.append(
            {
                "state": state,
                "text": shown,
                "body": render_text(shown.body, values),
                "form": form,
                "warning": own_withdrawal_warning(state.purpose),
            }
        )
    context = {"access": access, "person": person, "cards": cards}
    return render(request, "people/consents/my.html", context, status=400 if bound is not None else 200)


@org_view()
def my_consents(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return _my_page(request, access)


@org_view()
@require_POST
def my_consent_give(request: HttpRequest, access: OrgAccess, purpose: str) -> HttpResponse:
    purpose = _purpose(purpose)
    text = current_texts(access.org)[purpose]
    form = OnlineConsentForm(request.POST, text=text, prefix=purpose)
    if form.is_valid():
        try:
            register_consent(
                access.person, purpose, given_on=timezone.localdate(), by=request.user, online=True, text=text
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) != "consent_active":
                form.add_error(None, exc)
                return _my_page(request, access, bound=form)
            # A second click or a second tab: the consent is there, which is what the teacher wanted.
            messages.info(request, exc.messages[0])
        else:
            messages.success(request, f"Спасибо! Согласие «{Purpose(purpose).label}» принято.")
        return redirect("people:my_consents", access.org.slug)
    return _my_page(request, access, bound=form)


@org_view()
@require_POST
def my_consent_withdraw(request: HttpRequest, access: OrgAccess, purpose: str) -> HttpResponse:
    purpose = _purpose(purpose)
    consent = Consent.objects.for_org(access.org).active().filter(person=access.person, purpose=purpose).first()
    try:
        if consent is None:
            raise ValidationError("Действующего согласия нет — отзывать нечего.")
        withdraw_consent(consent, by=request.user, on=timezone.localdate())
    except ValidationError as exc:  # none to withdraw, or withdrawn by another request a moment ago
        messages.info(request, exc.messages[0])
    else:
        messages.success(request, f"Согласие «{Purpose(purpose).label}» отозвано.")
    return redirect("people:my_consents", access.org.slug)


@org_view()
def my_consent_pdf(request: HttpRequest, access: OrgAccess, purpose: str) -> HttpResponse:
    return _consent_pdf(request, access.org, access.person, _purpose(purpose))


@org_view()
def my_consent_scan(request: HttpRequest, access: OrgAccess, consent_pk: int) -> HttpResponse:
    return _send_scan(_consent(access, access.person, consent_pk))


# --- purge log -------------------------------------------------------------------------------------------------


@org_view(*PURGE_LOG_VIEWERS)
def purge_log(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    records = PurgeRecord.objects.filter(organization=access.org).order_by("-purged_at", "-pk")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, destroyed_labels(record.destroyed, record.counts)) for record in page]
    context = {
        "access": access,
        "page": page,
        "rows": rows,
        "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
    }
    return render(request, "people/consents/purge_log.html", context)
