"""Staff triage of enquiries in Django admin. (The full inbox comes with the admin issue.)"""

from __future__ import annotations

from django.contrib import admin

from contacts.models import Consent, Enquiry, ErasureRecord, Notification


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    can_delete = False
    fields = ("purpose", "given", "label_text", "given_at", "notice_version", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ("received_at", "name", "company", "email", "phone", "status", "retain_until")
    list_filter = ("status",)
    list_select_related = ("assignee",)
    date_hierarchy = "received_at"
    readonly_fields = ("received_at", "last_activity_at", "retain_until")
    inlines = [ConsentInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("enquiry_id", "state", "attempts", "last_error", "created_at", "sent_at")
    list_filter = ("state",)
    readonly_fields = ("enquiry", "state", "attempts", "last_error", "created_at", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ("enquiry_id", "erased_at", "reason", "actor")
    list_filter = ("reason",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
