from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Technical helpers (PDF, charts, uploads, tables, template filters); an app only for its template tags."""

    name = "core"
    verbose_name = "Общие инструменты"
