from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mentoring.models import (
    NOTE_FIELDS,
    ChangeRequest,
    Mentorship,
    MentorshipEvent,
    PlanActivity,
    Programme,
    ProgrammeRevision,
    ProgrammeTemplate,
    SupportRecord,
    TemplateActivity,
    recount_places,
)


class MentorshipEventInline(admin.TabularInline):
    model = MentorshipEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    """The state moves only through the model's methods (and the head's orders), never by editing the field."""

    list_display = ["__str__", "organization", "state", "planned_start", "planned_end"]
    list_filter = ["organization", "state"]
    list_select_related = ["mentor", "organization"]
    readonly_fields = ["state", "state_changed_at", "started_on", "ended_on", "end_reason", "match_score"]
    raw_id_fields = ["mentor", "mentees"]
    inlines = [MentorshipEventInline]

    # The mentors' places follow the pairs here too: a change of mentor or mentees, a deletion.
    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        recount_places(mentor_ids={form.initial.get("mentor"), form.instance.mentor_id})

    def delete_queryset(self, request, queryset) -> None:
        mentors = set(queryset.values_list("mentor_id", flat=True))
        super().delete_queryset(request, queryset)
        recount_places(mentor_ids=mentors)


class PlanActivityInline(admin.TabularInline):
    """The plan; once the programme is approved only the record of the work (status, date done) is edited."""

    model = PlanActivity
    extra = 0
    fields = ["position", "direction", "activity", "deadline", "status", "done_on"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return ["position", "direction", "activity", "deadline"]
        return []

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_approved

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_approved


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    """The chain moves only through the model's methods; an approved programme's content is read-only."""

    list_display = ["__str__", "status", "start", "end", "acknowledged_at", "approved_at"]
    list_filter = ["status"]
    list_select_related = ["mentorship__mentor"]
    readonly_fields = [
        "status",
        "sent_at",
        "sent_by",
        "acknowledged_at",
        "acknowledged_by",
        "approved_at",
        "approved_by",
        "remark",
        "remark_by",
        "remark_at",
    ]
    raw_id_fields = ["mentorship", "copied_from"]
    inlines = [PlanActivityInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return [*self.readonly_fields, "mentorship", *NOTE_FIELDS, "template", "copied_from"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_approved


@admin.register(ProgrammeRevision)
class ProgrammeRevisionAdmin(admin.ModelAdmin):
    """Versions are records: read here, changed only through the proposal's own steps."""

    list_display = ["programme", "kind", "status", "created_at", "author"]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TemplateActivityInline(admin.TabularInline):
    model = TemplateActivity
    extra = 0


@admin.register(ProgrammeTemplate)
class ProgrammeTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "duration_months", "is_active"]
    list_filter = ["organization", "is_active"]
    inlines = [TemplateActivityInline]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["kind", "mentorship", "status", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["status", "decided_by", "decided_at"]


@admin.register(SupportRecord)
class SupportRecordAdmin(admin.ModelAdmin):
    list_display = ["entry", "date", "organization"]
    list_filter = ["organization"]
