"""The inbox and an enquiry's page: the list staff triage from, and the change form.

Every write goes through a service (contacts/inbox/triage.py and its neighbours), which
enforces the rules, moves the retention date and writes the audit entries; nothing here
deletes a row directly. The actions are actions.py; the pages beside an enquiry's own are
pages.py (a withdrawn consent, restriction) and subjects.py (the person search).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from common.dates import short_date, short_datetime
from common.emails import normalised_email
from contacts import phone as phone_numbers
from contacts.admin import filters
from contacts.admin.actions import ENQUIRY_ACTIONS
from contacts.admin.display import InboxChangeList, breakable, is_email, marketing_column
from contacts.admin.forms import EnquiryAdminForm
from contacts.admin.inlines import (
    AddTextInlineFormSet,
    ConsentInline,
    NoteInline,
    RestrictionLiftInline,
)
from contacts.admin.pages import EnquiryPages
from contacts.admin.subjects import PersonSearch
from contacts.inbox import contact, triage
from contacts.models import Enquiry, Note
from contacts.models.consent import marketing_consent
from contacts.models.enquiry import awaiting_due_at
from contacts.restricted import EnquiryRestricted

RESTRICTION_HELP = (
    "En begrenset henvendelse bare lagres: den eksporteres ikke, det sendes ikke varsel om "
    "den, og status og saksbehandler kan ikke endres før begrensningen er opphevet. Sletting, "
    "tilbaketrekking av samtykke, innsyn og retting går fortsatt."
)
RETENTION_HELP = (
    "Henvendelsen slettes automatisk etter datoen over. En rettslig grunn til å beholde den "
    "(for eksempel en tvist: fastsette, gjøre gjeldende eller forsvare rettskrav) holder den "
    "tilbake til grunnen fjernes. Grunnen må ha en dato for ny vurdering; fjernes grunnen, "
    "fjernes datoen også. Spam slettes etter en kortere frist fra den ble merket."
)
STORAGE_FIELDS = (
    "received_at",
    "last_activity_at",
    "retain_until_day",
    "legal_hold_reason",
    "legal_hold_review_on",
)


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    # Narrow enough for 1,400 px beside the filters (tests/browser/test_admin_width.py):
    # short dates, the person in one cell and the ways to reach them in another.
    list_display = (
        "received",
        "person",
        "contact_links",
        "status_display",
        "callback_display",
        "assignee_display",
        "marketing_display",
        "retain_until_day",
    )
    list_display_links = ("received", "person")
    list_filter = (
        filters.StatusFilter,
        filters.CallbackFilter,
        filters.AssigneeFilter,
        filters.MarketingFilter,
        ("received_at", admin.DateFieldListFilter),
        filters.RetentionEndingFilter,
        filters.LegalHoldFilter,
        filters.RestrictionFilter,
    )
    list_select_related = ("assignee",)
    list_per_page = 50
    search_fields = ("name", "company", "email", "phone")
    search_help_text = "Søk på navn, firma, e-post eller telefon (skriv nummeret slik du vil)."
    date_hierarchy = "received_at"
    ordering = ("-received_at", "-id")
    # A full COUNT(*) per page view is slow on a large table; Django shows "Vis alle" instead.
    show_full_result_count = False
    form = EnquiryAdminForm
    inlines = [ConsentInline, NoteInline, RestrictionLiftInline]
    readonly_fields = (
        "received_at",
        "last_activity_at",
        "retain_until_day",
        "notice_version",
        "form_location",
        "information_text",
        "restriction",
        "callback_due_at",
    )
    fieldsets = (
        ("Henvendelsen", {"fields": ("name", "company", "email", "phone", "message")}),
        ("Behandling", {"fields": ("status", "assignee", "callback_due_at", "contacted_at")}),
        ("Begrensning (art. 18)", {"fields": ("restriction",), "description": RESTRICTION_HELP}),
        (
            "Det som ble vist med skjemaet",
            {"fields": ("notice_version", "form_location", "information_text")},
        ),
        ("Lagring", {"fields": STORAGE_FIELDS, "description": RETENTION_HELP}),
    )
    actions = ENQUIRY_ACTIONS

    def get_queryset(self, request):
        # The marketing column is worked out for the page's rows only (InboxChangeList).
        return super().get_queryset(request).annotate(awaiting_due_at=awaiting_due_at())

    def get_changelist(self, request, **kwargs):
        return InboxChangeList

    def get_ordering(self, request):
        # Calls still to make first, the most urgent (overdue) at the top; then the rest,
        # newest first.
        return (F("awaiting_due_at").asc(nulls_last=True), "-received_at", "-id")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # erasure goes through erase_now / data-subject requests, with records

    def has_add_permission(self, request) -> bool:
        return False  # enquiries come from the form

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("contacts.export_enquiries")

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("contacts.erase_enquiries")

    def get_urls(self):
        return [*PersonSearch(self).urls(), *EnquiryPages(self).urls(), *super().get_urls()]

    # --- The list's columns -----------------------------------------------------------------

    @admin.display(description="mottatt", ordering="received_at")
    def received(self, enquiry: Enquiry) -> str:
        return short_datetime(enquiry.received_at)

    @admin.display(description="navn og firma", ordering="name")
    def person(self, enquiry: Enquiry) -> str:
        if not enquiry.company:
            return enquiry.name
        return format_html("{}<br>{}", enquiry.name, enquiry.company)

    @admin.display(description="e-post og telefon")
    def contact_links(self, enquiry: Enquiry) -> str:
        return format_html(
            '<a href="mailto:{}">{}</a><br><a href="tel:{}">{}</a>',
            enquiry.email,
            breakable(enquiry.email),
            enquiry.phone,
            enquiry.phone,
        )

    @admin.display(description="saksbehandler", ordering="assignee__username")
    def assignee_display(self, enquiry: Enquiry) -> str:
        return breakable(enquiry.assignee.get_username()) if enquiry.assignee else "–"

    @admin.display(description="slettes etter", ordering="retain_until")
    def retain_until_day(self, enquiry: Enquiry) -> str:
        if enquiry.is_restricted:
            return format_html(
                "{}<br>begrenset: slettes ikke før begrensningen oppheves",
                short_date(enquiry.retain_until),
            )
        return short_date(enquiry.retain_until)

    @admin.display(description="status", ordering="status")
    def status_display(self, enquiry: Enquiry) -> str:
        if enquiry.is_restricted:
            return format_html("{} <strong>Begrenset</strong>", enquiry.get_status_display())
        return enquiry.get_status_display()

    @admin.display(description="begrensning")
    def restriction(self, enquiry: Enquiry) -> str:
        if enquiry.is_restricted:
            url = reverse("admin:contacts_enquiry_lift_restriction", args=[enquiry.pk])
            return format_html(
                'Begrenset {}: {} <a href="{}">Opphev begrensningen</a>',
                short_datetime(enquiry.restricted_at),
                enquiry.restricted_reason,
                url,
            )
        url = reverse("admin:contacts_enquiry_restrict", args=[enquiry.pk])
        return format_html('Ikke begrenset. <a href="{}">Begrens behandlingen</a>', url)

    @admin.display(description="markedsføring", ordering=marketing_consent())
    def marketing_display(self, enquiry: Enquiry) -> str:
        return marketing_column(enquiry)

    @admin.display(description="ring innen", ordering="callback_due_at")
    def callback_display(self, enquiry: Enquiry) -> str:
        """The due time; "forfalt" in words (not by colour alone) once it has passed
        without contact; the contact time once made."""
        if enquiry.contacted_at:
            return f"Kontaktet {short_datetime(enquiry.contacted_at)}"
        if enquiry.callback_due_at is None:
            return "–"
        when = short_datetime(enquiry.callback_due_at)
        if enquiry.awaiting_due_at and enquiry.awaiting_due_at <= timezone.now():
            return format_html('{} <strong class="overdue">forfalt</strong>', when)
        return when

    # --- The list's search and page ---------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if is_email(term):
            # A whole address: that person's enquiries, by an index, not a scan of every row.
            return queryset.filter(email=normalised_email(term)), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        e164 = phone_numbers.for_search(search_term) if search_term else None
        if e164:
            # "912 34 567", "+47 91234567" and "0047912..." all find +4791234567.
            results |= queryset.filter(phone=e164)
        return results, may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        # The inbox needs the width: the admin's menu, on every other page, is left out here
        # (Hjem and the breadcrumbs remain).
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # --- An enquiry's page ------------------------------------------------------------------

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for admin_formset in admin_formsets:
            if getattr(admin_formset.opts, "add_text", None):
                # Django builds these itself; only the link's text differs.
                admin_formset.__class__ = AddTextInlineFormSet
        return admin_formsets

    def response_change(self, request, obj):
        """Django's "Henvendelse «Henvendelse #37» ble endret" names the enquiry twice (its
        name says what it is): "Henvendelse #37 ble endret", still a link to it."""
        if any(key in request.POST for key in (IS_POPUP_VAR, "_saveasnew", "_addanother")):
            return super().response_change(request, obj)
        link = format_html('<a href="{}">{}</a>', request.path, obj)
        if "_continue" in request.POST:
            said = format_html("{} ble endret. Du kan redigere videre nedenfor.", link)
            self.message_user(request, said, messages.SUCCESS)
            filters_ = {
                "preserved_filters": self.get_preserved_filters(request),
                "opts": self.opts,
            }
            return HttpResponseRedirect(add_preserved_filters(filters_, request.path))
        self.message_user(request, format_html("{} ble endret.", link), messages.SUCCESS)
        return self.response_post_save_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form refuses these with the input kept; this catches a restriction or hold
        # set by someone else between the form's check and the save (nothing is saved).
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (
            EnquiryRestricted,
            triage.LegalHoldRefused,
            triage.StatusRefused,
            contact.ContactTimeRefused,
        ) as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        contacted_now = triage.save_enquiry(
            enquiry=obj, changed=form.changed_data, actor=request.user
        )
        obj.refresh_from_db()
        if contacted_now:
            self.message_user(request, "Kontakt registrert nå, siden den er besvart.")

    def save_formset(self, request, form, formset, change):
        if formset.model is not Note:
            super().save_formset(request, form, formset, change)
            return
        # New notes only (existing ones are read-only), each through the service.
        for note in formset.save(commit=False):
            if note.pk is None:
                note.pk = triage.add_note(
                    enquiry=form.instance, author=request.user, text=note.text
                ).pk
