"""The municipal coordinator's pages under /m/<municipality>/: figures of the municipality's organisations,
aggregated and side by side, and never a person's data."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from people.access import municipal_view
from people.models import Municipality


@require_GET
@municipal_view
def municipal_home(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return HttpResponse(municipality.name)  # replaced by the municipal report


# Mounted at the site root by mentoring/urls.py.
urlpatterns = [
    path("m/<slug:municipality>/", municipal_home, name="municipal_home"),
]
