"""TODO: filled by the orders work of the orders issue."""

urlpatterns: list = []
