from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigConfig(AppConfig):
    """The project package: settings, root URLs, role home pages, organisation set-up and demo data."""

    name = "config"
    verbose_name = "Проект"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the deploy checks)
        from config.setup import set_up_after_migrate  # models are ready only now

        # Sent for every app: with sender=self the organisations are set up once per migrate, after all apps.
        post_migrate.connect(set_up_after_migrate, sender=self, dispatch_uid="config.set_up_after_migrate")
