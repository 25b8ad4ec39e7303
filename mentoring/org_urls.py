"""URLs of the mentoring app under /o/<org>/. Each views module keeps its own patterns beside its views."""

from mentoring.views import calendar, matching, pairs, practices, programmes, publishing, questionnaires, reports

app_name = "mentoring"

urlpatterns = [
    *matching.urlpatterns,
    *pairs.urlpatterns,
    *programmes.urlpatterns,
    *calendar.urlpatterns,
    *questionnaires.urlpatterns,
    *reports.urlpatterns,
    *practices.urlpatterns,
    *publishing.urlpatterns,
]
