"""Staff side of subject requests (GDPR art. 15–21): the list with deadlines, recording a
request that came by e-mail, phone, letter or the form, completing and extending one.
(Finding a person's data and acting on it is subjects.py.)

Every write goes through contacts.rights.subject_log, which writes the audit entry. The
person is known here only by a keyed hash of the address; their own words (`details`)
are shown on the request's own page only. Nothing here deletes a request.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from common.dates import short_date
from contacts.admin.filters import SubjectStatusFilter
from contacts.admin.forms import CompleteForm, ExtendForm, SubjectRequestAddForm
from contacts.models import SubjectRequest
from contacts.rights import subject_log, subject_requests

HANDLE = "contacts.change_subjectrequest"


DUE = Coalesce("extended_to", "due_on")


@admin.register(SubjectRequest)
class SubjectRequestAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "kind",
        "channel",
        "received",
        "due_display",
        "status_display",
        "enquiry_count",
    )
    list_display_links = ("number",)
    list_filter = (SubjectStatusFilter, "kind", "channel")
    # Open ones first, the nearest deadline on top; then the latest completed.
    ordering = (F("completed_at").desc(nulls_first=True), DUE.asc(), "id")
    list_per_page = 50
    add_fieldsets = (
        (
            None,
            {
                "fields": ("email", "kind", "channel", "received_on", "details"),
                "description": "For en forespørsel som kom på e-post, telefon, brev eller via "
                "skjemaet. Adressen lagres ikke, bare en nøkkel laget av den; henvendelsene "
                "med denne adressen knyttes til forespørselen. Fristen er én måned etter "
                "mottaksdatoen.",
            },
        ),
    )
    fieldsets = (
        (
            "Forespørselen",
            {"fields": ("kind", "channel", "received_at", "recorded_by", "enquiry_links")},
        ),
        (
            "Frist",
            {
                "fields": (
                    "due_display",
                    "extension_reason",
                    "extension_told_on",
                    "extension_told_how",
                )
            },
        ),
        ("Status", {"fields": ("status_display", "completed_at", "outcome", "handling")}),
        (
            "Den registrertes egne ord",
            {
                "fields": ("details",),
                "description": "Personopplysninger: tømmes om natten når forespørselen er "
                "fullført og henvendelsene den gjelder er slettet, og senest ett lagringsår "
                "etter at den ble fullført.",
            },
        ),
        ("Person", {"fields": ("person",), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "kind",
        "channel",
        "received_at",
        "recorded_by",
        "enquiry_links",
        "due_display",
        "extension_reason",
        "extension_told_on",
        "extension_told_how",
        "status_display",
        "completed_at",
        "outcome",
        "handling",
        "details",
        "person",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enquiry_total=Count("enquiries"))

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SubjectRequestAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_actions(self, request):
        return {}

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the page is read-only; completing and extending have their own

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the account of how a request was handled is kept

    # --- Columns and fields ---------------------------------------------------------------

    @admin.display(description="nr.", ordering="id")
    def number(self, obj: SubjectRequest) -> str:
        return f"#{obj.pk}"

    @admin.display(description="mottatt", ordering="received_at")
    def received(self, obj: SubjectRequest) -> str:
        return short_date(obj.received_at)

    @admin.display(description="frist", ordering=DUE)
    def due_display(self, obj: SubjectRequest) -> str:
        if obj.extended_to:
            return f"{short_date(obj.extended_to)} (forlenget fra {short_date(obj.due_on)})"
        return short_date(obj.due_on)

    @admin.display(description="status")
    def status_display(self, obj: SubjectRequest) -> str:
        if obj.completed_at:
            return f"Fullført {short_date(obj.completed_at)}"
        if obj.is_overdue():
            return format_html("<strong>{}</strong>", "Over fristen")
        return "Åpen"

    @admin.display(description="henvendelser", ordering="enquiry_total")
    def enquiry_count(self, obj: SubjectRequest) -> int:
        return obj.enquiry_total

    @admin.display(description="henvendelser")
    def enquiry_links(self, obj: SubjectRequest) -> str:
        ids = sorted(obj.enquiries.values_list("pk", flat=True))
        if not ids:
            return "Ingen (eller slettet)"
        urls = ((reverse("admin:contacts_enquiry_change", args=[pk]), pk) for pk in ids)
        return format_html_join(", ", '<a href="{}">#{}</a>', urls)

    @admin.display(description="person (nøkkel)")
    def person(self, obj: SubjectRequest) -> str:
        return f"{obj.person_key[:8]}… (samme adresse gir samme nøkkel)"

    @admin.display(description="handlinger")
    def handling(self, obj: SubjectRequest) -> str:
        if obj.completed_at:
            return "–"
        complete = reverse("admin:contacts_subjectrequest_complete", args=[obj.pk])
        links = [format_html('<a href="{}">Marker som fullført</a>', complete)]
        if obj.extended_to is None:
            extend = reverse("admin:contacts_subjectrequest_extend", args=[obj.pk])
            links.append(format_html('<a href="{}">Forleng fristen</a>', extend))
        return format_html_join(" · ", "{}", ((link,) for link in links))

    # --- Recording: through the service -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = subject_requests.record_request(
            email=data["email"],
            kind=data["kind"],
            channel=data["channel"],
            received_on=data["received_on"],
            details=data.get("details", ""),
            actor=request.user,
        )
        for field in SubjectRequest._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        self.message_user(request, f"Fristen er {short_date(created.due_on)}.", messages.INFO)

    # --- Completing and extending -----------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:request_id>/fullfor/",
                wrap(self.complete_view),
                name="contacts_subjectrequest_complete",
            ),
            path(
                "<int:request_id>/forleng/",
                wrap(self.extend_view),
                name="contacts_subjectrequest_extend",
            ),
            *super().get_urls(),
        ]

    def _action_page(self, request, obj, form, title: str, submit: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "submit": submit,
            "subject_request": obj,
            "due": self.due_display(obj),
            "form": form,
            "back": reverse("admin:contacts_subjectrequest_change", args=[obj.pk]),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/contacts/subject_request_action.html", context)

    def complete_view(self, request: HttpRequest, request_id: int) -> HttpResponse:
        if not request.user.has_perm(HANDLE):
            raise PermissionDenied
        obj = get_object_or_404(SubjectRequest, pk=request_id)
        back = reverse("admin:contacts_subjectrequest_change", args=[obj.pk])
        form = CompleteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = subject_log.complete_request(
                obj, outcome=form.cleaned_data["outcome"], actor=request.user
            )
            if done:
                self.message_user(request, "Forespørselen er fullført.", messages.SUCCESS)
            else:
                self.message_user(
                    request, "Forespørselen var allerede fullført.", messages.WARNING
                )
            return HttpResponseRedirect(back)
        return self._action_page(request, obj, form, f"Fullfør {obj}", "Marker som fullført")

    def extend_view(self, request: HttpRequest, request_id: int) -> HttpResponse:
        if not request.user.has_perm(HANDLE):
            raise PermissionDenied
        obj = get_object_or_404(SubjectRequest, pk=request_id)
        form = ExtendForm(request.POST or None, latest=subject_log.latest_extension(obj))
        if request.method == "POST" and form.is_valid():
            try:
                data = form.cleaned_data
                told = subject_log.Told(on=data["told_on"], how=data["told_how"])
                subject_log.extend(
                    obj, to=data["to"], reason=data["reason"], told=told, actor=request.user
                )
            except subject_log.ExtensionRefused as refused:
                form.add_error(None, str(refused))
            else:
                said = f"Fristen er forlenget til {short_date(obj.extended_to)}."
                self.message_user(request, said, messages.SUCCESS)
                back = reverse("admin:contacts_subjectrequest_change", args=[obj.pk])
                return HttpResponseRedirect(back)
        return self._action_page(
            request, obj, form, f"Forleng fristen for {obj}", "Forleng fristen"
        )
