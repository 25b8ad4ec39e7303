"""The meeting log of a pair or group: recording and editing a meeting, the mentee's feedback on it.

The log itself is a card of the pair's page (pairs.render_detail); these views are its forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mentoring.access import get_mentorship_for_user
from mentoring.forms_meetings import FeedbackForm, MeetingForm
from mentoring.meetings import can_give_feedback, can_log, leave_feedback, save_meeting
from mentoring.models import Meeting, MeetingFeedback, Mentorship
from people.access import OrgAccess, org_view


def _to_log(access: OrgAccess, m: Mentorship) -> HttpResponse:
    response = redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    response["Location"] += "#meetings"
    return response


def _meeting(m: Mentorship, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("author"), mentorship=m, pk=pk)


def _meeting_form(request: HttpRequest, access: OrgAccess, m: Mentorship, meeting: Meeting) -> HttpResponse:
    if not can_log(access, m):
        raise Http404
    form = MeetingForm(request.POST or None, instance=meeting, mentorship=m)
    if request.method == "POST" and form.is_valid():
        try:
            save_meeting(form.save(commit=False), form.cleaned_data["plan_rows"], by=access.person, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = sum(1 for row in form.cleaned_data["plan_rows"])
            note = f" Отмечено выполненными мероприятий плана: {done}." if done else ""
            messages.success(request, f"Встреча {meeting.date:%d.%m.%Y} записана в журнал.{note}")
            return _to_log(access, m)
    mentees = list(m.mentees.order_by("surname", "name", "id"))
    context = {"access": access, "m": m, "form": form, "meeting": meeting, "mentees": mentees}
    return render(request, "mentoring/meetings/form.html", context)


@org_view()
def meeting_new(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = get_mentorship_for_user(access, pk)
    return _meeting_form(request, access, m, Meeting(mentorship=m, organization=access.org))


@org_view()
def meeting_edit(request: HttpRequest, access: OrgAccess, pk: int, meeting: int) -> HttpResponse:
    m = get_mentorship_for_user(access, pk)
    return _meeting_form(request, access, m, _meeting(m, meeting))


@org_view()
def meeting_feedback(request: HttpRequest, access: OrgAccess, pk: int, meeting: int) -> HttpResponse:
    """The mentee rates a meeting of their own pair or group; nobody else reaches this page."""
    m = get_mentorship_for_user(access, pk)
    mentees = list(m.mentees.all())
    if not can_give_feedback(access, mentees):
        raise Http404
    item = _meeting(m, meeting)
    own = MeetingFeedback.objects.filter(meeting=item, mentee=access.person).first()
    form = FeedbackForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            leave_feedback(item, access.person, rating=data["rating"], comment=data["comment"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Спасибо! Ваш отзыв о встрече сохранён, его увидят наставник и куратор.")
            return _to_log(access, m)
    context = {"access": access, "m": m, "form": form, "meeting": item, "own": own}
    return render(request, "mentoring/meetings/feedback.html", context)
