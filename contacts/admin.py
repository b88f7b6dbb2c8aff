"""Staff triage in Django admin: the inbox, data-subject requests and the audit log.

Every write goes through contacts.services, which moves the retention date and writes the
audit entries; nothing here deletes a row directly.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from contacts import (
    admin_quarantine,
    admin_subject,  # noqa: F401 - registers the subject requests' admin
)
from contacts import phone as phone_numbers
from contacts.admin_subject_forms import SubjectRecordForm
from contacts.inbox import callbacks, export, triage
from contacts.models import (
    AuditEntry,
    Consent,
    Enquiry,
    EnquiryStatus,
    ErasureReason,
    ErasureRecord,
    Note,
    Notification,
    WithdrawalChannel,
)
from contacts.models.enquiry import awaiting_due_at
from contacts.retention import erasure
from contacts.rights import restriction, subject_requests
from contacts.rights.restriction import RESTRICTED_MESSAGE, EnquiryRestricted
from contacts.rights.selfservice import information
from staff.display import yes_no_icon


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _short_time(value: dt.datetime) -> str:
    """A time in the inbox's narrow columns: 26.11.2026 16:00."""
    return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"


def _breakable(text: str) -> str:
    """An address or user name that may wrap after its dots and before its @ (<wbr>), so
    that a long one does not widen its column; copied, it is the same text."""
    parts = re.split(r"(?<=[._])|(?=@)", text)
    return format_html("{}" + "<wbr>{}" * (len(parts) - 1), *parts)


# --- Filters ------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the open enquiries (ny and under behandling)."""

    title = "status"
    parameter_name = "status"
    OPEN, ALL = "open", "all"

    def lookups(self, request, model_admin):
        return [
            (self.OPEN, "Åpne (ny og under behandling)"),
            *admin_quarantine.status_choices(),
            (self.ALL, "Alle"),
        ]

    def value(self):
        return super().value() or self.OPEN

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.OPEN:
            return queryset.open()
        if value in EnquiryStatus.values:
            return queryset.filter(status=value)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "saksbehandler"
    parameter_name = "saksbehandler"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return [
            ("meg", "Meg"),
            ("ingen", "Ingen"),
            *((str(u.pk), u.get_username()) for u in staff),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "meg":
            return queryset.filter(assignee=request.user)
        if value == "ingen":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class MarketingFilter(admin.SimpleListFilter):
    title = "samtykke til markedsføring"
    parameter_name = "markedsforing"

    def lookups(self, request, model_admin):
        return [("ja", "Ja"), ("nei", "Nei")]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(marketing=True)
        if self.value() == "nei":
            return queryset.filter(marketing=False)
        return queryset


class RetentionEndingFilter(admin.SimpleListFilter):
    title = "sletting"
    parameter_name = "sletting"

    # The weekly digest (contacts/retention/purge_digest.py) links to the 7 days.
    DAYS = ("7", "30")

    def lookups(self, request, model_admin):
        return [(days, f"Slettes innen {days} dager") for days in self.DAYS]

    def queryset(self, request, queryset):
        if self.value() in self.DAYS:
            # What the nightly purge will have erased by then, unless something changes.
            return queryset.expired(timezone.now() + dt.timedelta(days=int(self.value())))
        return queryset


class LegalHoldFilter(admin.SimpleListFilter):
    """Enquiries kept back by a legal hold, and the holds whose review date has come."""

    title = "rettslig grunn"
    parameter_name = "rettslig_grunn"
    HELD, DUE = "holdes", "vurderes"

    def lookups(self, request, model_admin):
        return [(self.HELD, "Holdes tilbake"), (self.DUE, "Til ny vurdering")]

    def queryset(self, request, queryset):
        if self.value() == self.HELD:
            return queryset.exclude(legal_hold_reason="")
        if self.value() == self.DUE:
            return queryset.holds_due_for_review(timezone.localdate())
        return queryset


class CallbackFilter(admin.SimpleListFilter):
    """The callback promise (contacts/inbox/callbacks.py): overdue and nearly due calls
    (open, not contacted), and whether contact is recorded."""

    title = "frist"
    parameter_name = "frist"

    def lookups(self, request, model_admin):
        return [
            ("forfalt", "Forfalt"),
            ("snart", "Forfaller innen 1 arbeidstime"),
            ("ikke_kontaktet", "Ikke kontaktet"),
            ("kontaktet", "Kontaktet"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "forfalt":
            return queryset.filter(callbacks.overdue(timezone.now()))
        if value == "snart":
            return queryset.filter(callbacks.due_soon(timezone.now()))
        if value in ("ikke_kontaktet", "kontaktet"):
            return queryset.filter(contacted_at__isnull=value == "ikke_kontaktet")
        return queryset


class RestrictionFilter(admin.SimpleListFilter):
    title = "begrensning (art. 18)"
    parameter_name = "begrenset"

    def lookups(self, request, model_admin):
        return [("ja", "Begrenset"), ("nei", "Ikke begrenset")]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.restricted()
        if self.value() == "nei":
            return queryset.unrestricted()
        return queryset


# --- Inlines ------------------------------------------------------------------------------


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
    fields = ("purpose", "given_display", "label_text", "given_at", "notice_version", "withdrawal")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="gitt")
    def given_display(self, consent: Consent) -> str:
        return yes_no_icon(consent.given)

    @admin.display(description="tilbaketrukket")
    def withdrawal(self, consent: Consent) -> str:
        if consent.withdrawn_at:
            when = timezone.localtime(consent.withdrawn_at).strftime("%d.%m.%Y %H:%M")
            return f"{when} ({consent.get_withdrawal_channel_display()})"
        if not consent.given:
            return "–"
        url = reverse("admin:contacts_consent_withdraw", args=[consent.pk])
        return format_html('<a href="{}">Registrer tilbaketrekking</a>', url)


# --- Forms for the staff pages ------------------------------------------------------------


class WithdrawalForm(forms.Form):
    channel = forms.ChoiceField(
        label="Hvordan ble samtykket trukket tilbake?", choices=WithdrawalChannel.choices
    )


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label="Hvorfor begrenses behandlingen?",
        max_length=restriction.REASON_MAX_LENGTH,
        error_messages={"required": "Skriv hvorfor behandlingen begrenses."},
        help_text="For eksempel: den registrerte bestrider at opplysningene er riktige "
        "(art. 18 nr. 1 bokstav a), eller vil ikke ha dem slettet, men begrenset.",
        widget=forms.TextInput(attrs={"size": 80}),
    )


class EnquiryAdminForm(forms.ModelForm):
    """The change form: refuses what a restriction forbids, and a legal hold without a
    reason and a review date, with the reason by the field; releasing a hold clears both."""

    class Meta:
        model = Enquiry
        fields = [
            "name",
            "company",
            "email",
            "phone",
            "message",
            "status",
            "assignee",
            "legal_hold_reason",
            "legal_hold_review_on",
            "contacted_at",
        ]

    def clean_contacted_at(self):
        """Contact is recorded on a restricted enquiry never, and not in the future nor
        before the enquiry came (the service refuses these too)."""
        at = self.cleaned_data["contacted_at"]
        if "contacted_at" not in self.changed_data or not self.instance.pk:
            return at
        if self.instance.is_restricted:
            raise ValidationError(RESTRICTED_MESSAGE, code="restricted")
        if at and (
            problem := callbacks.contact_time_problem(
                at=at, received_at=self.instance.received_at, now=timezone.now()
            )
        ):
            raise ValidationError(problem, code="contact_time")
        return at

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        before = self.instance.status if self.instance.pk else status
        if problem := admin_quarantine.status_change_problem(before, status):
            raise ValidationError(problem, code="quarantine")
        return status

    def clean(self):
        cleaned = super().clean()
        changed = set(self.changed_data)
        if self.instance.pk and self.instance.is_restricted and changed & triage.RESTRICTED_FIELDS:
            raise ValidationError(RESTRICTED_MESSAGE, code="restricted")
        reason = (cleaned.get("legal_hold_reason") or "").strip()
        if not reason:
            cleaned["legal_hold_review_on"] = None
        elif changed & {"legal_hold_reason", "legal_hold_review_on"} and (
            "legal_hold_review_on" not in self.errors
        ):
            problem = triage.legal_hold_problem(
                reason=reason,
                review_on=cleaned.get("legal_hold_review_on"),
                today=timezone.localdate(),
            )
            if problem:
                self.add_error("legal_hold_review_on", problem)
        return cleaned


class SubjectSearchForm(forms.Form):
    email = forms.EmailField(label="E-post", required=False)
    phone = forms.CharField(label="Telefon", required=False, max_length=30)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone"):
            raise forms.ValidationError("Skriv inn en e-postadresse eller et telefonnummer.")
        if cleaned.get("phone") and phone_numbers.for_search(cleaned["phone"]) is None:
            self.add_error("phone", "Telefonnummeret kunne ikke leses.")
        return cleaned


# --- Enquiry ------------------------------------------------------------------------------


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
        StatusFilter,
        CallbackFilter,
        AssigneeFilter,
        MarketingFilter,
        ("received_at", admin.DateFieldListFilter),
        RetentionEndingFilter,
        LegalHoldFilter,
        RestrictionFilter,
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
    inlines = [ConsentInline, NoteInline]
    readonly_fields = (
        "received_at",
        "last_activity_at",
        "retain_until",
        "notice_version",
        "form_location",
        "information_text",
        "restriction",
        "callback_due_at",
    )
    fieldsets = (
        ("Henvendelsen", {"fields": ("name", "company", "email", "phone", "message")}),
        ("Behandling", {"fields": ("status", "assignee", "callback_due_at", "contacted_at")}),
        (
            "Begrensning (art. 18)",
            {
                "fields": ("restriction",),
                "description": "En begrenset henvendelse bare lagres: den eksporteres ikke, "
                "det sendes ikke varsel om den, og status og saksbehandler kan ikke endres før "
                "begrensningen er opphevet. Sletting, tilbaketrekking av samtykke, innsyn og "
                "retting går fortsatt.",
            },
        ),
        (
            "Det som ble vist med skjemaet",
            {"fields": ("notice_version", "form_location", "information_text")},
        ),
        (
            "Lagring",
            {
                "fields": (
                    "received_at",
                    "last_activity_at",
                    "retain_until",
                    "legal_hold_reason",
                    "legal_hold_review_on",
                ),
                "description": "Henvendelsen slettes automatisk etter datoen over. En rettslig "
                "grunn til å beholde den (for eksempel en tvist: fastsette, gjøre gjeldende eller "
                "forsvare rettskrav) holder den tilbake til grunnen fjernes. Grunnen må ha en "
                "dato for ny vurdering; fjernes grunnen, fjernes datoen også. Spam slettes "
                "etter en kortere frist fra den ble merket.",
            },
        ),
    )
    actions = [
        "assign_to_me",
        "mark_in_progress",
        "mark_answered",
        "mark_closed",
        "mark_spam",
        "export_csv",
        "erase_now",
        admin_quarantine.release_from_quarantine,
        "record_contact",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_marketing_consent()
            .annotate(awaiting_due_at=awaiting_due_at())
        )

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

    @admin.display(description="mottatt", ordering="received_at")
    def received(self, enquiry: Enquiry) -> str:
        return _short_time(enquiry.received_at)

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
            _breakable(enquiry.email),
            enquiry.phone,
            enquiry.phone,
        )

    @admin.display(description="saksbehandler", ordering="assignee__username")
    def assignee_display(self, enquiry: Enquiry) -> str:
        return _breakable(enquiry.assignee.get_username()) if enquiry.assignee else "–"

    @admin.display(description="slettes etter", ordering="retain_until")
    def retain_until_day(self, enquiry: Enquiry) -> str:
        return f"{timezone.localtime(enquiry.retain_until):%d.%m.%Y}"

    @admin.display(description="status", ordering="status")
    def status_display(self, enquiry: Enquiry) -> str:
        if enquiry.is_restricted:
            return format_html("{} <strong>Begrenset</strong>", enquiry.get_status_display())
        return enquiry.get_status_display()

    @admin.display(description="begrensning")
    def restriction(self, enquiry: Enquiry) -> str:
        if enquiry.is_restricted:
            when = timezone.localtime(enquiry.restricted_at).strftime("%d.%m.%Y %H:%M")
            url = reverse("admin:contacts_enquiry_lift_restriction", args=[enquiry.pk])
            return format_html(
                'Begrenset {}: {} <a href="{}">Opphev begrensningen</a>',
                when,
                enquiry.restricted_reason,
                url,
            )
        url = reverse("admin:contacts_enquiry_restrict", args=[enquiry.pk])
        return format_html('Ikke begrenset. <a href="{}">Begrens behandlingen</a>', url)

    @admin.display(description="markedsføring", ordering="marketing")
    def marketing_display(self, enquiry: Enquiry) -> str:
        return yes_no_icon(enquiry.marketing)

    @admin.display(description="ring innen", ordering="callback_due_at")
    def callback_display(self, enquiry: Enquiry) -> str:
        """The due time; "forfalt" in words (not by colour alone) once it has passed
        without contact; the contact time once made."""
        if enquiry.contacted_at:
            return f"Kontaktet {_short_time(enquiry.contacted_at)}"
        if enquiry.callback_due_at is None:
            return "–"
        when = _short_time(enquiry.callback_due_at)
        if enquiry.awaiting_due_at and enquiry.awaiting_due_at <= timezone.now():
            return format_html('{} <strong class="overdue">forfalt</strong>', when)
        return when

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if _is_email(term):
            # A whole address: that person's enquiries, by an index, not a scan of every row.
            return queryset.filter(email__iexact=term), False
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
            filters = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
            return HttpResponseRedirect(add_preserved_filters(filters, request.path))
        self.message_user(request, format_html("{} ble endret.", link), messages.SUCCESS)
        return self.response_post_save_change(request, obj)

    # --- Saving: through the services -----------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form refuses these with the input kept; this catches a restriction or hold
        # set by someone else between the form's check and the save (nothing is saved).
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (
            EnquiryRestricted,
            triage.LegalHoldRefused,
            callbacks.ContactTimeRefused,
        ) as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        # Contact is recorded through its own service (audited; "ny" becomes "under
        # behandling"), after the other edits, in the change view's transaction.
        contacted_at = obj.contacted_at
        if "contacted_at" in form.changed_data:
            stored = Enquiry.objects.select_for_update().values_list("contacted_at", flat=True)
            obj.contacted_at = stored.get(pk=obj.pk)
        triage.save_enquiry(enquiry=obj, changed=form.changed_data, actor=request.user)
        if "contacted_at" in form.changed_data:
            callbacks.set_contact_time(enquiry=obj, at=contacted_at, actor=request.user)
            obj.refresh_from_db()
        elif "status" in form.changed_data and self._answered_is_contact(
            request, [obj.pk], obj.status
        ):
            obj.refresh_from_db()
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

    # --- Actions ----------------------------------------------------------------------------

    def _report(self, request, count: int, what: str) -> None:
        self.message_user(request, f"{count} henvendelse(r) {what}.", messages.SUCCESS)

    @admin.action(description="Tildel meg", permissions=["change"])
    def assign_to_me(self, request, queryset):
        try:
            count = triage.assign(ids=queryset.values_list("pk", flat=True), assignee=request.user)
        except EnquiryRestricted as refused:
            self.message_user(request, refused.for_staff(), messages.ERROR)
            return
        self._report(request, count, "tildelt deg")

    def _set_status(self, request, queryset, status: EnquiryStatus) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        try:
            with transaction.atomic():
                count = triage.set_status(ids=ids, status=status)
                contacted = self._answered_is_contact(request, ids, status)
        except EnquiryRestricted as refused:
            self.message_user(request, refused.for_staff(), messages.ERROR)
            return
        self._report(request, count, f"satt til «{status.label}»")
        if contacted:
            self.message_user(
                request,
                f"Kontakt registrert nå på {contacted} av dem. Tok dere kontakt tidligere, "
                "kan dere rette tidspunktet på henvendelsen.",
                messages.INFO,
            )

    @staticmethod
    def _answered_is_contact(request, ids: list[int], status: str) -> int:
        """An enquiry marked answered was answered: contact is recorded now on those without
        it (audited), so the callback promise does not count it as broken."""
        if status != EnquiryStatus.ANSWERED:
            return 0
        return callbacks.record_contact(ids=ids, actor=request.user)

    @admin.action(description="Sett status: under behandling", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, EnquiryStatus.IN_PROGRESS)

    @admin.action(description="Sett status: besvart", permissions=["change"])
    def mark_answered(self, request, queryset):
        self._set_status(request, queryset, EnquiryStatus.ANSWERED)

    @admin.action(description="Sett status: lukket", permissions=["change"])
    def mark_closed(self, request, queryset):
        self._set_status(request, queryset, EnquiryStatus.CLOSED)

    @admin.action(description="Sett status: spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, EnquiryStatus.SPAM)

    @admin.action(description="Registrer at vi har tatt kontakt", permissions=["change"])
    def record_contact(self, request, queryset):
        try:
            count = callbacks.record_contact(
                ids=queryset.values_list("pk", flat=True), actor=request.user
            )
        except EnquiryRestricted as refused:
            self.message_user(request, refused.for_staff(), messages.ERROR)
            return
        self._report(request, count, "registrert som kontaktet nå")

    @admin.action(description="Eksporter valgte til CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        body = export.export_csv(ids=queryset.values_list("pk", flat=True), actor=request.user)
        left_out = queryset.restricted().count()
        if left_out:
            self.message_user(
                request,
                f"{left_out} begrenset(e) henvendelse(r) ble ikke eksportert (art. 18).",
                messages.WARNING,
            )
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="henvendelser-{stamp}.csv"'
        return response

    @admin.action(description="Slett valgte nå", permissions=["erase"])
    def erase_now(self, request, queryset):
        count = erasure.erase_enquiries(
            ids=queryset.values_list("pk", flat=True),
            reason=ErasureReason.STAFF,
            actor=request.user,
        )
        self._report(request, count, "slettet")

    # --- Staff pages --------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("personvern/", wrap(self.subject_request_view), name="contacts_enquiry_subject"),
            path(
                "personvern/innsyn.json",
                wrap(self.subject_download_view),
                {"as_json": True},
                name="contacts_enquiry_subject_json",
            ),
            path(
                "personvern/innsyn/",
                wrap(self.subject_download_view),
                {"as_json": False},
                name="contacts_enquiry_subject_report",
            ),
            path(
                "personvern/slett/",
                wrap(self.subject_erase_view),
                name="contacts_enquiry_subject_erase",
            ),
            path(
                "personvern/registrer/",
                wrap(self.subject_record_view),
                name="contacts_enquiry_subject_record",
            ),
            path(
                "samtykke/<int:consent_id>/trekk-tilbake/",
                wrap(self.withdraw_view),
                name="contacts_consent_withdraw",
            ),
            path(
                "<int:enquiry_id>/begrens/",
                wrap(self.restriction_view),
                {"lift": False},
                name="contacts_enquiry_restrict",
            ),
            path(
                "<int:enquiry_id>/opphev-begrensning/",
                wrap(self.restriction_view),
                {"lift": True},
                name="contacts_enquiry_lift_restriction",
            ),
            *super().get_urls(),
        ]

    def withdraw_view(self, request: HttpRequest, consent_id: int) -> HttpResponse:
        if not request.user.has_perm("contacts.record_withdrawal"):
            raise PermissionDenied
        consent = get_object_or_404(Consent.objects.select_related("enquiry"), pk=consent_id)
        back = reverse("admin:contacts_enquiry_change", args=[consent.enquiry_id])
        form = WithdrawalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = triage.record_withdrawal(
                consent=consent, channel=form.cleaned_data["channel"], actor=request.user
            )
            if done:
                self.message_user(request, "Tilbaketrekkingen er registrert.", messages.SUCCESS)
            else:
                self.message_user(
                    request, "Samtykket var allerede trukket tilbake.", messages.WARNING
                )
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": "Registrer tilbaketrukket samtykke",
            "consent": consent,
            "form": form,
            "back": back,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/contacts/withdraw.html", context)

    def restriction_view(self, request: HttpRequest, enquiry_id: int, lift: bool) -> HttpResponse:
        """Restrict processing (with a reason) or lift the restriction: a page, then a POST."""
        if not request.user.has_perm("contacts.restrict_processing"):
            raise PermissionDenied
        enquiry = get_object_or_404(Enquiry, pk=enquiry_id)
        back = reverse("admin:contacts_enquiry_change", args=[enquiry.pk])
        form = None if lift else RestrictionForm(request.POST or None)
        if request.method == "POST" and (lift or form.is_valid()):
            if lift:
                done = restriction.lift_restriction(enquiry=enquiry, actor=request.user)
            else:
                reason = form.cleaned_data["reason"]
                done = restriction.restrict(enquiry=enquiry, reason=reason, actor=request.user)
            said = {
                (True, True): "Begrensningen er opphevet.",
                (True, False): "Henvendelsen var ikke begrenset.",
                (False, True): "Behandlingen er begrenset.",
                (False, False): "Henvendelsen var allerede begrenset.",
            }[lift, done]
            self.message_user(request, said, messages.SUCCESS if done else messages.WARNING)
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": "Opphev begrensningen" if lift else "Begrens behandlingen (art. 18)",
            "enquiry": enquiry,
            "form": form,
            "lift": lift,
            "back": back,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/contacts/restriction.html", context)

    # --- Data-subject requests: one view per step --------------------------------------------
    # Everything is POSTed so that the person's address never stands in a URL or a log.

    def _subject_search(self, request: HttpRequest) -> SubjectSearchForm:
        if not request.user.has_perm("contacts.handle_data_subject_requests"):
            raise PermissionDenied
        return SubjectSearchForm(request.POST or None)

    def _subject_page(
        self, request, form, enquiries, *, confirm_erase=False, record_form=None
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Innsyn, retting og sletting",
            "form": form,
            "enquiries": enquiries,
            "confirm_erase": confirm_erase,
            "record_form": record_form or SubjectRecordForm(prefix="sr"),
            "can_record": request.user.has_perm("contacts.add_subjectrequest"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/contacts/subject_request.html", context)

    def subject_request_view(self, request: HttpRequest) -> HttpResponse:
        """Innsyn, retting og sletting for one person: find them by e-mail or phone."""
        form = self._subject_search(request)
        enquiries = None
        if request.method == "POST" and form.is_valid():
            enquiries = subject_requests.find_subject_records(
                **form.cleaned_data, actor=request.user
            )
        return self._subject_page(request, form, enquiries)

    def subject_download_view(self, request: HttpRequest, as_json: bool) -> HttpResponse:
        """Everything held about the person, as a JSON file or a page to print."""
        form = self._subject_search(request)
        if request.method != "POST" or not form.is_valid():
            return self._subject_page(request, form, None)
        enquiries = subject_requests.find_subject_records(**form.cleaned_data, actor=request.user)
        data = subject_requests.subject_download(enquiries=enquiries, actor=request.user)
        if not as_json:
            # With the art. 15(1) information the person's own page shows them.
            context = {
                "data": data,
                "enquiries": enquiries,
                "purposes": information.purposes(enquiries),
                "notice": information.version_in_force(),
            }
            return TemplateResponse(request, "admin/contacts/subject_report.html", context)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="innsyn.json"'
        return response

    def subject_erase_view(self, request: HttpRequest) -> HttpResponse:
        """Erase the person's enquiries: first a confirmation listing them, then erasure.

        Only enquiries that the search for this person finds now are erased, whatever ids
        the confirmation posts: a changed or stale list can never reach anyone else's.
        """
        form = self._subject_search(request)
        if request.method != "POST" or not form.is_valid():
            return self._subject_page(request, form, None)
        found = subject_requests.find_subject_records(**form.cleaned_data, actor=request.user)
        if "confirmed" not in request.POST:
            return self._subject_page(request, form, found, confirm_erase=True)
        confirmed = set(request.POST.getlist("ids"))
        count = erasure.erase_enquiries(
            ids=[e.pk for e in found if str(e.pk) in confirmed],
            reason=ErasureReason.REQUEST,
            actor=request.user,
        )
        self.message_user(request, f"{count} henvendelse(r) med notater og samtykker er slettet.")
        return HttpResponseRedirect(reverse("admin:contacts_enquiry_subject"))

    def subject_record_view(self, request: HttpRequest) -> HttpResponse:
        """Record a request that came by e-mail, phone, letter or the form, for the person
        searched for: linked to the enquiries the search finds now, and to a keyed hash of
        the searched address. Its page, with the due date, comes next."""
        form = self._subject_search(request)
        if not request.user.has_perm("contacts.add_subjectrequest"):
            raise PermissionDenied
        if request.method != "POST" or not form.is_valid():
            return self._subject_page(request, form, None)
        record_form = SubjectRecordForm(request.POST, prefix="sr")
        valid = record_form.is_valid()
        if valid and not form.cleaned_data["email"]:
            record_form.add_error(None, "Søk på personens e-postadresse for å registrere.")
            valid = False
        if not valid:
            found = subject_requests.find_subject_records(**form.cleaned_data, actor=request.user)
            return self._subject_page(request, form, found, record_form=record_form)
        created = subject_requests.record_request(
            **form.cleaned_data, **record_form.cleaned_data, actor=request.user
        )
        said = f"Forespørselen er registrert. Fristen er {created.due_on:%d.%m.%Y}."
        self.message_user(request, said, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:contacts_subjectrequest_change", args=[created.pk])
        )


# --- Logs: read-only ----------------------------------------------------------------------


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
