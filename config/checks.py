"""Deploy checks of the project's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_check(app_configs=None, **kwargs) -> list[Error]:
    """Letters carry absolute links (people.notices): production must say where the site is."""
    if settings.DEBUG:
        return []
    url = getattr(settings, "SITE_URL", "") or ""
    parts = urlsplit(url)
    if not url:
        return [
            Error(
                "SITE_URL is not set: e-mails would carry no links to the site.",
                hint="Set the environment variable SITE_URL to the address people open, e.g. https://nastavnik.example.ru",
                id="config.E001",
            )
        ]
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            Error(
                f"SITE_URL «{url}» is not an absolute http(s) address.",
                hint="Write it with the scheme and host, e.g. https://nastavnik.example.ru",
                id="config.E002",
            )
        ]
    return []
