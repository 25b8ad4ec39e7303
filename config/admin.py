"""The organisation's admin lives here: adding an organisation sets up every app's defaults for it."""

from django.contrib import admin

from config.setup import describe, set_up_organization
from people.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "municipality", "slug"]
    list_filter = ["kind", "municipality"]
    search_fields = ["short_name", "full_name", "slug"]
    prepopulated_fields = {}
    raw_id_fields = ["acting_head"]  # the people of every organisation: no drop-down of them all

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The admin's add view runs in one transaction: the organisation and its defaults appear together.
            installed = describe(set_up_organization(obj))
            if installed:
                self.message_user(request, f"Организация подготовлена к работе: {installed}.")
