"""TODO: filled by the roadmap_import work of the roadmap issue."""

urlpatterns: list = []
