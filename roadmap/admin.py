"""Orders in the admin: drafts may be corrected by hand, an approved order is shown and never changed.

State changes (sending, approving, returning) belong to roadmap.services, so the admin never edits the status
or the fields fixed at approval; the numbering counters and the history are evidence and are read-only.
"""

from django.contrib import admin

from roadmap.models import Acknowledgement, Order, OrderCounter, OrderEvent, OrderTemplate, Regulation, Roadmap

# Set only by the approval service.
REGISTRATION_FIELDS = [
    "status",
    "year",
    "number",
    "reg_number",
    "date",
    "signer_position",
    "signer_name",
    "approved_by",
    "pdf",
    "pdf_sha256",
    "created_at",
    "updated_at",
]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "action", "actor", "comment"]
    readonly_fields = fields


class AcknowledgementInline(ReadOnlyInline):
    model = Acknowledgement
    fields = ["person", "acknowledged_at"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "organization", "date"]
    list_filter = ["status", "kind", "organization", "year"]
    search_fields = ["heading", "reg_number"]
    list_select_related = ["organization"]
    raw_id_fields = ["appointee", "refers_to", "created_by", "mentorships", "rewarded"]
    inlines = [OrderEventInline, AcknowledgementInline]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # A submitted order is read-only too: the head reviews exactly its text; changes go through a return.
        if obj is not None and (obj.is_approved or obj.status == Order.Status.SUBMITTED):
            return [f.name for f in [*Order._meta.fields, *Order._meta.many_to_many] if f.name != "id"]
        return REGISTRATION_FIELDS

    def has_change_permission(self, request, obj=None) -> bool:
        # An approved or submitted order opens as a view-only page; a correction is a new order or a return.
        if obj is not None and (obj.is_approved or obj.status == Order.Status.SUBMITTED):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_approved:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(OrderTemplate)
class OrderTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "organization", "heading", "updated_at"]
    list_filter = ["kind", "organization"]
    list_select_related = ["organization"]


@admin.register(OrderCounter)
class OrderCounterAdmin(admin.ModelAdmin):
    """The numbering is changed only by approvals: a hand edit would make a gap or a duplicate."""

    list_display = ["organization", "year", "last_number"]
    list_filter = ["year"]
    list_select_related = ["organization"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LockedWhenApprovedAdmin(admin.ModelAdmin):
    """An approved roadmap or regulation opens view-only: a change is a new редакция (version) approved by order."""

    def _locked(self, obj) -> bool:
        return obj is not None and obj.status != "draft"

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # The state and the approving order move only through the approval service.
        return ["status", "approved_by_order"]

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Roadmap)
class RoadmapAdmin(LockedWhenApprovedAdmin):
    list_display = ["title", "period_label", "status", "organization"]
    list_filter = ["status", "organization"]
    list_select_related = ["organization"]
    raw_id_fields = ["replaces", "approved_by_order"]


@admin.register(Regulation)
class RegulationAdmin(LockedWhenApprovedAdmin):
    list_display = ["title", "version", "status", "organization"]
    list_filter = ["status", "organization"]
    list_select_related = ["organization"]
    raw_id_fields = ["approved_by_order", "created_by"]
