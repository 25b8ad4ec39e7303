from django.contrib import admin

from people.models import REFERENCE_LISTS, Organization, Person, Role
from people.services import install_reference_lists


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "municipality", "slug"]
    list_filter = ["kind", "municipality"]
    search_fields = ["short_name", "full_name", "slug"]
    prepopulated_fields = {}

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            install_reference_lists(obj)


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["surname", "name", "patronymic", "position", "organization", "user"]
    list_filter = ["organization", "qualification_category"]
    search_fields = ["name_key", "email", "position"]
    list_select_related = ["organization", "user"]
    autocomplete_fields = ["user"]
    inlines = [RoleInline]


for model in REFERENCE_LISTS.values():

    @admin.register(model)
    class ReferenceAdmin(admin.ModelAdmin):
        list_display = ["name", "organization", "code", "position", "is_active"]
        list_filter = ["organization", "is_active"]
        search_fields = ["name", "code"]
