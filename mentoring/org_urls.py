"""URLs of the mentoring app under /o/<org>/. Each views module keeps its own patterns beside its views."""

from mentoring.views import calendar, matching, pairs, programmes

app_name = "mentoring"

urlpatterns = [
    *matching.urlpatterns,
    *pairs.urlpatterns,
    *programmes.urlpatterns,
    *calendar.urlpatterns,
]
