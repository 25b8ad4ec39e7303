"""TODO: filled by the matching work of the pairs issue."""

urlpatterns: list = []
