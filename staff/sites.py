"""The admin site: Django's, refusing a session that has not passed the second factor.

Installed through StaffAdminConfig (in INSTALLED_APPS in place of django.contrib.admin), so
`admin.site` is this site and every existing registration keeps working.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse

from staff.policy import second_factor_passed


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # The middleware sends such a session to the second-factor page first; this is
        # the admin's own guard, for any view that the middleware does not see.
        return super().has_permission(request) and second_factor_passed(request)

    def logout(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        from staff.views import log_out

        return log_out(request)


class StaffAdminConfig(AdminConfig):
    default_site = "staff.sites.StaffAdminSite"
