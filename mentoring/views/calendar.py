"""TODO: the private iCalendar feeds (pairs issue)."""

# Patterns relative to /o/<org>/ (managing one's feed) and public ones at the site root (the feed itself).
urlpatterns: list = []
public_urlpatterns: list = []
