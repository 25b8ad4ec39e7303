"""Deploy checks of the project's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


# The settings an installation must give (deploy/mentoring.env.example), each named in its message: SECRET_KEY and
# ALLOWED_HOSTS stop the start-up already (config/settings.py), SITE_URL is above; these three only weaken it.
_LOCAL_MAIL = ("console", "locmem", "dummy", "filebased")


@register(Tags.security, deploy=True)
def installation_check(app_configs=None, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    found = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        found.append(
            Warning(
                "DATABASE_URL is not set: the site runs on SQLite, which several processes cannot write at once.",
                hint="Set DATABASE_URL=postgres://user:password@host:5432/dbname (deploy/mentoring.env.example).",
                id="config.W003",
            )
        )
    if settings.CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
        found.append(
            Warning(
                "REDIS_URL is not set: every gunicorn process keeps its own cache, so figures are computed by each.",
                hint="Set REDIS_URL=redis://127.0.0.1:6379/0 (cache and sessions in Redis), or CACHE_URL=db://table.",
                id="config.W004",
            )
        )
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2] if settings.EMAIL_BACKEND.count(".") >= 2 else ""
    if backend in _LOCAL_MAIL:
        found.append(
            Warning(
                f"EMAIL_BACKEND is «{settings.EMAIL_BACKEND}»: letters (notifications, password reset, approval "
                "codes) never leave the server.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT, "
                "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL and DEFAULT_FROM_EMAIL.",
                id="config.W005",
            )
        )
    elif settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        found.append(
            Warning(
                "DEFAULT_FROM_EMAIL is an address at localhost: mail servers reject or bin such letters.",
                hint="Set DEFAULT_FROM_EMAIL, e.g. «Наставничество <noreply@nastavnik.example.ru>».",
                id="config.W006",
            )
        )
    return found
