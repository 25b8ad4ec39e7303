from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from people.models import (
    REFERENCE_LISTS,
    AuditEvent,
    Consent,
    ConsentText,
    MenteeEntry,
    MentorEntry,
    Municipality,
    Person,
    PurgeRecord,
    Role,
    StaffImport,
    TrainingEvent,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """A municipality and its coordinator; organisations join it through their own «муниципалитет» field."""

    list_display = ["name", "region", "slug", "coordinator"]
    search_fields = ["name", "slug"]
    list_select_related = ["coordinator"]
    autocomplete_fields = ["coordinator"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ["kind", "created_at", "granted_by", "ground"]
    readonly_fields = ["created_at", "granted_by", "ground"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["surname", "name", "patronymic", "position", "organization", "user"]
    list_filter = ["organization", "qualification_category"]
    search_fields = ["name_key", "email", "position"]
    list_select_related = ["organization", "user"]
    autocomplete_fields = ["user"]
    inlines = [RoleInline]

    def save_formset(self, request, form, formset, change) -> None:
        """A role added here was given by the superuser: recorded as for the administrator's roles screen."""
        if formset.model is Role:
            for role in formset.save(commit=False):
                if role.pk is None:
                    role.granted_by, role.ground = request.user, "администратор сайта"
                role.save()
            for role in formset.deleted_objects:
                role.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)


for model in REFERENCE_LISTS.values():

    @admin.register(model)
    class ReferenceAdmin(admin.ModelAdmin):
        list_display = ["name", "organization", "code", "position", "is_active"]
        list_filter = ["organization", "is_active"]
        search_fields = ["name", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence (consent versions, the purge log, imports) are not edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsentText)
class ConsentTextAdmin(ReadOnlyAdmin):
    list_display = ["organization", "purpose", "version", "title", "created_at"]
    list_filter = ["organization", "purpose"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["person", "purpose", "given_on", "withdrawn_on", "organization"]
    list_filter = ["organization", "purpose"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name_key"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyAdmin):
    list_display = ["label", "organization", "consent_withdrawn_on", "purged_at", "purged_by"]
    list_filter = ["organization"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StaffImport)
class StaffImportAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "organization", "status", "created_at", "applied_at"]
    list_filter = ["organization", "status"]


@admin.register(MenteeEntry)
class MenteeEntryAdmin(SimpleHistoryAdmin):
    list_display = ["person", "category", "status", "request_date", "organization"]
    list_filter = ["organization", "status"]
    list_select_related = ["person", "category", "organization"]
    search_fields = ["person__name_key"]
    raw_id_fields = ["person", "collected_by"]


@admin.register(MentorEntry)
class MentorEntryAdmin(SimpleHistoryAdmin):
    list_display = ["person", "status", "review", "capacity", "organization"]
    list_filter = ["organization", "status", "review"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name_key"]
    raw_id_fields = ["person"]


@admin.register(TrainingEvent)
class TrainingEventAdmin(admin.ModelAdmin):
    list_display = ["date", "topic", "organization"]
    list_filter = ["organization"]
    filter_horizontal = ["attendees"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "organization", "ip_address", "detail"]
    list_filter = ["kind", "organization"]
    search_fields = ["username", "detail"]
    date_hierarchy = "at"
