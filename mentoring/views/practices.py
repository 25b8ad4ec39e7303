"""Best practices (методическая копилка) with their materials, and the final event with its reward proposals."""

urlpatterns: list = []
