"""A person's notification centre (people.notices): the list, reading one or all, and how each kind reaches them.

Every page works on the person's own notices in the organisation of the address; anyone else's notice is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from people.access import OrgAccess, org_view
from people.forms_notices import NoticeDeliveryForm
from people.models import Notice

PAGE_SIZE = 20


def own_notices(access: OrgAccess):
    """The one access helper of notices: the person's own, in this organisation."""
    return Notice.objects.filter(organization=access.org, person=access.person)


@org_view()
def notice_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """All notices, newest first, twenty a page; «Непрочитанные» shows only those not read yet."""
    notices = own_notices(access).only("id", "kind", "text", "body", "link", "link_text", "created_at", "read_at")
    only_unread = request.GET.get("show") == "unread"
    if only_unread:
        notices = notices.unread()
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/notices/list.html", {"access": access, "page": page, "only_unread": only_unread})


@org_view()
@require_POST
def notice_open(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """Following a notice's link marks it read, then leads to the page it names (or back to the list)."""
    notice = get_object_or_404(own_notices(access), pk=pk)
    notice.mark_read()
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()}):
        return redirect(notice.link)
    return redirect("people:notices", access.org.slug)


@org_view()
@require_POST
def notice_read_all(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    count = own_notices(access).mark_read()
    messages.success(request, f"Отмечено прочитанными: {count}." if count else "Непрочитанных уведомлений нет.")
    return redirect("people:notices", access.org.slug)


@org_view()
def notice_settings(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Per kind: at once by e-mail, in the daily or weekly digest, or in the system only."""
    form = NoticeDeliveryForm(request.POST or None, person=access.person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Настройки уведомлений сохранены.")
        return redirect("people:notice_settings", access.org.slug)
    return render(request, "people/notices/settings.html", {"access": access, "form": form})


@org_view()
@require_POST
def notice_dismiss(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """«Скрыть» on the home page: the notice is read (it stays in the notification centre)."""
    notice = get_object_or_404(own_notices(access), pk=pk)
    notice.mark_read()
    return redirect("org_home", access.org.slug)
