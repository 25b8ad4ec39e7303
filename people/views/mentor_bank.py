"""The bank of mentors (stage 3): questionnaires filled by the curator or by teachers, their review and status.

The list, its export, a questionnaire's page and its change of status are the views both banks share
(bank_helpers), given MENTORS, this bank's description.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.filters import MENTOR_STATUSES, MentorBankFilter
from people.forms import MentorEntryForm, StatusChangeForm
from people.models import (
    Consent,
    Direction,
    MentorEntry,
    MentoringForm,
    MentoringKind,
    Organization,
    Purpose,
    TrainingEvent,
)
from people.resources import MentorBankResource
from people.views.bank_helpers import (
    BANK_EDITORS,
    Bank,
)

Status = MentorEntry.Status
Review = MentorEntry.Review
ACTIONS = {
    Status.SELECTED: "Отобрать в наставники",
    Status.CANDIDATE: "Вернуть в кандидаты",
    Status.RELEASED: "Вывести из банка",
}
NOTE_REQUIRED = {Status.RELEASED: "Укажите причину, по которой наставник выводится из банка."}
NO_CONSENT = "Сначала дайте согласие на обработку персональных данных: без него анкета не принимается."


def get_mentor_entry(access: OrgAccess, pk: int) -> MentorEntry:
    """An entry of the organisation's bank of mentors; the views calling it admit only bank viewers."""
    qs = MentorEntry.objects.for_org(access.org).with_training().with_capacity_left()
    return get_object_or_404(qs.select_related("person", "reviewed_by"), pk=pk)


def _for_list(qs):
    return qs.select_related("person").prefetch_related(
        Prefetch("competencies", queryset=Direction.objects.order_by("position", "name"))
    )


def _for_export(qs):
    return qs.prefetch_related(
        Prefetch("preferred_forms", queryset=MentoringForm.objects.order_by("position", "name")),
        Prefetch("preferred_kinds", queryset=MentoringKind.objects.order_by("position", "name")),
    )


def _list_context(org: Organization) -> dict:
    counts = MentorEntry.objects.for_org(org).aggregate(
        in_bank=Count("id", filter=~Q(status=Status.RELEASED)),
        on_review=Count("id", filter=Q(review=Review.ON_REVIEW) & ~Q(status=Status.RELEASED)),
    )
    return {"counts": counts, "competencies": Direction.objects.filter(organization=org)}


def _save_questionnaire(form: MentorEntryForm) -> MentorEntry | None:
    """Save the questionnaire and the qualification it updates on the person's card, all or nothing."""
    try:
        with transaction.atomic():
            entry = form.save(commit=False)
            if form.owner is None:
                entry.person = form.cleaned_data["person"]
            changed = form.apply_to_person(entry.person)
            if changed:
                entry.person.save(update_fields=[*changed, "updated_at"])
            entry.save()
            form.save_m2m()
            organization_changed(entry.organization)
            return entry
    except ValidationError as exc:
        form.add_error(None, exc)
    except IntegrityError:
        form.add_error(None, "У работника уже есть анкета в банке наставников.")
    return None


@org_view(*BANK_EDITORS)
def mentor_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The curator records a questionnaire after an interview: it is checked by the one who fills it."""
    entry = MentorEntry(
        organization=access.org,
        review=Review.ACCEPTED,
        reviewed_by=request.user,
        reviewed_at=timezone.now(),
    )
    initial = {"interview_date": timezone.localdate(), "capacity": 1}
    form = MentorEntryForm(request.POST or None, instance=entry, organization=access.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = _save_questionnaire(form)
        if entry is not None:
            messages.success(request, f"Анкета {entry.person.short_name} внесена в банк наставников.")
            return redirect("people:mentor_detail", access.org.slug, entry.pk)
    without_consent = [p for p in form.fields["person"].queryset if not p.pd_consent]
    context = {"access": access, "form": form, "entry": None, "without_consent": without_consent}
    return render(request, "people/banks/mentor_form.html", context)


@org_view(*BANK_EDITORS)
def mentor_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    entry = get_mentor_entry(access, pk)
    if not entry.is_open:
        messages.error(request, "Наставник выведен из банка: его анкету изменить нельзя.")
        return redirect("people:mentor_detail", access.org.slug, entry.pk)
    form = MentorEntryForm(request.POST or None, instance=entry, organization=access.org)
    if request.method == "POST" and form.is_valid() and _save_questionnaire(form) is not None:
        messages.success(request, "Изменения сохранены.")
        return redirect("people:mentor_detail", access.org.slug, entry.pk)
    return render(request, "people/banks/mentor_form.html", {"access": access, "form": form, "entry": entry})


def _transitions(entry: MentorEntry, posted: StatusChangeForm | None = None) -> list[dict]:
    items = []
    for target in (Status.SELECTED, Status.CANDIDATE, Status.RELEASED):
        if target in MentorEntry.TRANSITIONS[entry.status]:
            form = posted if posted is not None and posted.data.get("status") == target else None
            needs_note = target in NOTE_REQUIRED
            items.append(
                {
                    "value": target.value,
                    "label": ACTIONS[target],
                    "needs_note": needs_note,
                    "note_label": "Причина вывода из банка",
                    "danger": needs_note,
                    "needs_support": False,
                    "form": form,
                }
            )
    return items


def _status_form(entry: MentorEntry, data=None) -> StatusChangeForm:
    choices = [(s.value, s.label) for s in MentorEntry.TRANSITIONS[entry.status]]
    return StatusChangeForm(data, choices=choices, note_required=NOTE_REQUIRED)


def _change_status(entry: MentorEntry, data: dict, by) -> None:
    entry.change_status(data["status"], by=by, note=data["note"])


def _entry_context(access: OrgAccess, entry: MentorEntry) -> dict:
    return {
        "competencies": list(entry.competencies.all()),
        "forms": list(entry.preferred_forms.all()),
        "kinds": list(entry.preferred_kinds.all()),
        "trainings": list(TrainingEvent.objects.filter(organization=access.org, attendees=entry.person)),
    }


MENTORS = Bank(
    name="mentor",
    title="Банк наставников",
    filters=MentorBankFilter,
    statuses=MENTOR_STATUSES,
    resource=MentorBankResource,
    history_fields=["person_id", "subjects", "motivation", "capacity", "interview_date"],
    entries=lambda org: MentorEntry.objects.for_org(org).with_training().with_capacity_left().with_status_order(),
    for_list=_for_list,
    for_export=_for_export,
    list_context=_list_context,
    get_entry=get_mentor_entry,
    entry_context=_entry_context,
    transitions=_transitions,
    status_form=_status_form,
    change_status=_change_status,
)


@org_view(*BANK_EDITORS)
@require_POST
def mentor_review(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    entry = get_mentor_entry(access, pk)
    try:
        with transaction.atomic():
            MentorEntry.objects.select_for_update().get(pk=entry.pk).accept_review(by=request.user)
            organization_changed(access.org)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Анкета проверена.")
    return redirect("people:mentor_detail", access.org.slug, entry.pk)


# --- a teacher's own questionnaire ---------------------------------------------------------------------------


@org_view()
def my_questionnaire(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """A teacher fills in the questionnaire of a mentor; the curator reviews it (again after every change)."""
    own = MentorEntry.objects.for_org(access.org).filter(person=access.person).with_training()
    entry = own.in_bank().select_related("person", "reviewed_by").first()
    has_consent = Consent.objects.active().filter(person=access.person, purpose=Purpose.PERSONAL_DATA).exists()
    form = None
    if has_consent:
        instance = entry or MentorEntry(organization=access.org, person=access.person, self_submitted=True)
        form = MentorEntryForm(
            request.POST or None,
            instance=instance,
            organization=access.org,
            owner=access.person,
            self_service=True,
            initial=None if entry else {"capacity": 1},
        )
        if request.method == "POST" and form.is_valid():
            form.instance.review = Review.ON_REVIEW
            form.instance.reviewed_by = None
            form.instance.reviewed_at = None
            if _save_questionnaire(form) is not None:
                messages.success(
                    request,
                    "Анкета сохранена и передана куратору на проверку."
                    if entry
                    else "Анкета отправлена куратору. После проверки вы войдёте в банк наставников.",
                )
                return redirect("people:my_questionnaire", access.org.slug)
    elif request.method == "POST":
        messages.error(request, NO_CONSENT)
        return redirect("people:my_questionnaire", access.org.slug)
    context = {
        "access": access,
        "entry": entry,
        "last_released": None if entry else own.order_by("-status_changed_at").first(),
        "has_consent": has_consent,
        "form": form,
        "trainings": list(TrainingEvent.objects.filter(organization=access.org, attendees=access.person)),
    }
    return render(request, "people/banks/my_questionnaire.html", context)
