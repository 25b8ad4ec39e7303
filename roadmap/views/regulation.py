"""TODO: filled by the regulation work of the roadmap issue."""

urlpatterns: list = []
