"""What the organisation publishes: the curator's settings, news and programme results under /o/<org>/, and the
public mentoring page under /p/<org>/ that needs no login."""

urlpatterns: list = []
# Mounted at the site root by mentoring/urls.py: pages anyone may open (each listed in tests/test_urls.PUBLIC).
public_urlpatterns: list = []
