"""TODO: filled by the banks work of the banks issue."""

urlpatterns: list = []
