"""Staff accounts in the admin: only superusers grant rights.

Site-wide, so not in an app that handles enquiries.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group


class StaffUserAdmin(UserAdmin):
    """Only superusers grant rights: group membership, permissions and staff status."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "is_staff", "groups", "user_permissions")


class SuperuserOnlyGroupAdmin(GroupAdmin):
    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, SuperuserOnlyGroupAdmin)
