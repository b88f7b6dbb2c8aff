"""Staff accounts in the admin: only superusers grant rights, reset a second factor, and
make the enrolment link a user without one needs (staff/enrolment.py).

Site-wide, so not in an app that handles enquiries.
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import enrolment, factors
from staff.display import permission_label, yes_no_icon

log = logging.getLogger(__name__)


class NorwegianPermissions:
    """Permission pickers in bokmål (staff.display.permission_label)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


class StaffUserAdmin(NorwegianPermissions, UserAdmin):
    """Only superusers grant rights: group membership, permissions and staff status."""

    actions = ["reset_second_factor"]
    change_form_template = "admin/auth/user/staff_change_form.html"
    list_display = ("username", "email", "first_name", "last_name", "staff_status")

    @admin.display(description="Administrasjonsstatus", ordering="is_staff")
    def staff_status(self, user) -> str:
        return yes_no_icon(user.is_staff)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "is_staff", "groups", "user_permissions")

    def has_reset_second_factor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description="Nullstill andre faktor (fjern passnøkler, apper og koder, og logg ut)",
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset) -> None:
        """For a lost phone or key: the user enrols again at the next login. Recorded in
        each user's admin history (who, when); not for one's own account, where it would
        lock oneself out of the admin."""
        reset = 0
        for user in queryset.exclude(pk=request.user.pk):
            sessions = factors.reset(user)
            self.log_change(request, user, "Andre faktor nullstilt; brukeren ble logget ut.")
            log.info(
                "second factor reset: user %s by user %s, %s session(s) ended",
                user.pk,
                request.user.pk,
                sessions,
            )
            reset += 1
        if queryset.filter(pk=request.user.pk).exists():
            messages.error(
                request, "Din egen andre faktor endrer du under «Innlogging og sikkerhet»."
            )
        if reset:
            messages.success(request, f"Andre faktor nullstilt for {reset} bruker(e).")

    def get_urls(self):
        view = self.admin_site.admin_view(never_cache(require_POST(self.enrolment_link)))
        own = [path("<int:pk>/registreringslenke/", view, name="staff_enrolment_link")]
        return own + super().get_urls()

    def enrolment_link(self, request, pk: int):
        """Make a user's enrolment link and show it, this once (only its hash is kept)."""
        if not self.has_reset_second_factor_permission(request):
            raise PermissionDenied
        user = get_object_or_404(get_user_model(), pk=pk)
        if factors.has_second_factor(user):
            messages.error(
                request,
                "Brukeren har allerede en andre faktor. Nullstill den først hvis brukeren "
                "skal sette opp en ny.",
            )
            return redirect("admin:auth_user_change", pk)
        link = request.build_absolute_uri(enrolment.create(user, by=request.user))
        self.log_change(request, user, "Registreringslenke laget.")
        log.info("enrolment link made: user %s by user %s", user.pk, request.user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Registreringslenke",
            "subject": user,
            "link": link,
            "hours": enrolment.LINK_HOURS,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/auth/user/enrolment_link.html", context)


class SuperuserOnlyGroupAdmin(NorwegianPermissions, GroupAdmin):
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
# django-otp's own device pages would let a superuser remove anyone's last device without a
# record, and show authenticator keys: the reset above is the one door.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
