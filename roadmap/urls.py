"""URLs of the roadmap app under /o/<org>/. Each views module keeps its own patterns beside its views."""

from roadmap.views import drafting, orders, regulation, roadmap_import, roadmaps

app_name = "roadmap"

urlpatterns = [
    *orders.urlpatterns,
    *drafting.urlpatterns,
    *roadmaps.urlpatterns,
    *roadmap_import.urlpatterns,
    *regulation.urlpatterns,
]
