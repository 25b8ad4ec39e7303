"""TODO: filled by the consents work of the banks issue."""

urlpatterns: list = []
