"""The calendar page: the address of the user's private iCalendar feed (mentoring.feeds), made and renewed here."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentoring.models import CalendarFeed
from people.access import OrgAccess, org_view

# --- views ---


@org_view()
def calendar_page(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    # Looking at the page creates nothing: the address is made by the button (a GET never changes data).
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {"access": access, "feed": feed}
    if feed is not None:
        url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
        context |= {"feed_url": url, "webcal_url": re.sub(r"^https?://", "webcal://", url)}
    return render(request, "mentoring/programmes/calendar.html", context)


@org_view()
@require_POST
def calendar_regenerate(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    existing = CalendarFeed.objects.filter(user=request.user).first()
    if existing is None:
        CalendarFeed.for_user(request.user)
        messages.success(request, "Адрес календаря создан: добавьте его в календарь как подписку.")
    else:
        existing.regenerate()
        messages.success(request, "Создан новый адрес календаря. Прежний адрес больше не работает: обновите подписку.")
    return redirect("mentoring:calendar", access.org.slug)
