"""TODO: filled by the roadmaps work of the roadmap issue."""

urlpatterns: list = []
