"""TODO: filled by the drafting work of the orders issue."""

urlpatterns: list = []
