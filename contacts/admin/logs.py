"""The logs staff read and nobody edits: the audit log, the staff e-mails' notifications,
and the erasure records (no personal data in any of them)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from contacts.models import AuditEntry, ErasureRecord, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The whole log for those allowed it (superusers); a saksbehandler, who is told that
    searches and downloads are logged, sees the lines about their own actions only."""

    list_display = ("at", "actor", "action", "count", "enquiry_numbers")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    list_select_related = ("actor",)
    date_hierarchy = "at"

    @staticmethod
    def sees_everything(request: HttpRequest) -> bool:
        return request.user.has_perm("contacts.view_all_auditentries")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.sees_everything(request):
            return queryset
        return queryset.filter(actor=request.user)

    def changelist_view(self, request, extra_context=None):
        if not self.sees_everything(request):
            title = "Revisjonslogg: det du selv har gjort"
            extra_context = {"title": title, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="henvendelser")
    def enquiry_numbers(self, entry: AuditEntry) -> str:
        ids = entry.enquiry_ids
        shown = ", ".join(f"#{pk}" for pk in ids[:10])
        return shown + (f" og {len(ids) - 10} til" if len(ids) > 10 else "")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("enquiry_number", "state", "attempts", "last_error", "created_at", "sent_at")
    list_filter = ("state",)

    @admin.display(description="henvendelse", ordering="enquiry_id")
    def enquiry_number(self, notification: Notification) -> str:
        # The number only, as the audit log shows it: no join to the enquiry's own row.
        return f"#{notification.enquiry_id}"


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ("enquiry_id", "erased_at", "reason", "actor")
    list_filter = ("reason",)
    list_select_related = ("actor",)
