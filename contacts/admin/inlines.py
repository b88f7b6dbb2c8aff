"""What an enquiry's page shows beneath it: its consent evidence and its notes."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from common.dates import short_datetime
from contacts.models import Consent, Note, RestrictionLift
from staff.display import yes_no_icon


class NoteInline(admin.TabularInline):
    """Notes are added, never edited: what was written stays as written."""

    model = Note
    extra = 1
    fields = ("written_at", "written_by", "text")
    readonly_fields = ("written_at", "written_by")
    can_delete = False
    # Django's link reads "Legg til ny Notat" (its bokmål, and the name capitalised); see
    # EnquiryAdmin.get_inline_formsets.
    add_text = "Legg til nytt notat"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # A note not yet saved has neither: its row stays empty rather than showing the time
    # the page was opened.
    @admin.display(description="tidspunkt")
    def written_at(self, note: Note) -> str:
        if note.pk is None:
            return ""
        return date_format(timezone.localtime(note.created_at), "DATETIME_FORMAT")

    @admin.display(description="skrevet av")
    def written_by(self, note: Note) -> str:
        if note.pk is None:
            return ""
        return note.author.get_username() if note.author else "–"


class AddTextInlineFormSet(helpers.InlineAdminFormSet):
    """An inline whose "add another" link says its inline's `add_text`."""

    def inline_formset_data(self) -> str:
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = self.opts.add_text
        return json.dumps(data)


class ConsentInline(admin.TabularInline):
    """Consent evidence is read-only; a withdrawal is recorded through its own page."""

    model = Consent
    extra = 0
    can_delete = False
    fields = (
        "purpose",
        "given_display",
        "label_text",
        "given_at",
        "confirmation",
        "notice_version",
        "withdrawal",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="gitt")
    def given_display(self, consent: Consent) -> str:
        return yes_no_icon(consent.given)

    @admin.display(description="bekreftet")
    def confirmation(self, consent: Consent) -> str:
        """Double opt-in: when it was confirmed, that it waits, or that it lapsed."""
        if consent.confirmed_at:
            return short_datetime(consent.confirmed_at)
        if consent.awaiting_confirmation:
            return f"venter på bekreftelse (innen {short_datetime(consent.confirm_by)})"
        if consent.lapsed_at:
            return f"ikke bekreftet, falt bort {short_datetime(consent.lapsed_at)}"
        return "–"

    @admin.display(description="tilbaketrukket")
    def withdrawal(self, consent: Consent) -> str:
        if consent.withdrawn_at:
            when = short_datetime(consent.withdrawn_at)
            return f"{when} ({consent.get_withdrawal_channel_display()})"
        if not consent.given:
            return "–"
        url = reverse("admin:contacts_consent_withdraw", args=[consent.pk])
        return format_html('<a href="{}">Registrer tilbaketrekking</a>', url)


class RestrictionLiftInline(admin.TabularInline):
    """Each lifted restriction and how the person was told (art. 18(3)): a record, read
    only; a restriction is lifted through its own page."""

    model = RestrictionLift
    extra = 0
    can_delete = False
    fields = ("lifted_at", "actor", "told", "told_how")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("contacts.view_enquiry")  # part of the enquiry's page

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
