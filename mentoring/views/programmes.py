"""TODO: filled by the programmes work of the pairs issue."""

urlpatterns: list = []
