from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from privacy import record
from privacy.models import NoticeVersion

RECORD_PERMISSION = "privacy.view_processing_record"


@admin.register(NoticeVersion)
class NoticeVersionAdmin(admin.ModelAdmin):
    """Recorded by sync_notices; consents point here, so nothing is edited by hand. Beside
    it, the record of processing (GDPR art. 30), generated from the data map."""

    list_display = ("version", "effective_date", "first_seen", "sha256")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "behandlingsprotokoll/",
                wrap(self.processing_record),
                {"as_csv": False},
                name="privacy_processing_record",
            ),
            path(
                "behandlingsprotokoll.csv",
                wrap(self.processing_record),
                {"as_csv": True},
                name="privacy_processing_record_csv",
            ),
            *super().get_urls(),
        ]

    def processing_record(self, request: HttpRequest, as_csv: bool) -> HttpResponse:
        if not request.user.has_perm(RECORD_PERMISSION):
            raise PermissionDenied
        if as_csv:
            response = HttpResponse(record.as_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="behandlingsprotokoll.csv"'
            return response
        context = {
            "made": timezone.localtime().replace(microsecond=0),
            "controller": record.controller(),
            "rows": record.rows(),
            "security": record.security_measures(),
            "processors": record.processors(),
            "to_fill_in": record.to_fill_in(),
        }
        return TemplateResponse(request, "admin/privacy/processing_record.html", context)
