"""TODO: filled by the imports work of the banks issue."""

urlpatterns: list = []
