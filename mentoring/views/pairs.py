"""TODO: filled by the pairs work of the pairs issue."""

urlpatterns: list = []
