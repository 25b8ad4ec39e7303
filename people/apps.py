from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "Организации и работники"

    def ready(self) -> None:
        from people import audit  # models are ready only now

        audit.connect()


class SiteAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our admin site (people.admin_site): a write there renews the figures."""

    default = False  # people's own default is PeopleConfig; settings name this one explicitly
    default_site = "people.admin_site.AdminSite"
