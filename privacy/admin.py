from __future__ import annotations

from django.contrib import admin

from privacy.models import NoticeVersion


@admin.register(NoticeVersion)
class NoticeVersionAdmin(admin.ModelAdmin):
    """Recorded by sync_notices; consents point here, so nothing is edited by hand."""

    list_display = ("version", "effective_date", "first_seen", "sha256")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
