from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "Организации и работники"

    def ready(self) -> None:
        from people import audit

        audit.connect()
