"""A person's notices (people.notices): hiding one they have read."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from people.access import OrgAccess, org_view
from people.models import Notice


@org_view()
@require_POST
def notice_dismiss(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """Only one's own notice can be hidden; anyone else's is a 404."""
    notice = get_object_or_404(Notice.objects.filter(organization=access.org, person=access.person), pk=pk)
    notice.dismiss()
    return redirect("org_home", access.org.slug)
