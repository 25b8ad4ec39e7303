"""URLs of the roadmap app under /o/<org>/. Each views module keeps its own patterns beside its views."""

from roadmap.views import drafting, orders

app_name = "roadmap"

urlpatterns = [
    *orders.urlpatterns,
    *drafting.urlpatterns,
]
