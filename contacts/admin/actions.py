"""The inbox's actions on selected enquiries. Each calls one service (contacts/inbox/,
contacts/intake/quarantine.py, contacts/retention/erasure.py), which enforces the rules
and writes the audit; here only what staff are told."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from contacts.inbox import contact, export, triage
from contacts.intake import quarantine
from contacts.models import EnquiryStatus, ErasureReason
from contacts.restricted import EnquiryRestricted
from contacts.retention import erasure

T = TypeVar("T")


def _report(modeladmin: admin.ModelAdmin, request: HttpRequest, count: int, what: str) -> None:
    modeladmin.message_user(request, f"{count} henvendelse(r) {what}.", messages.SUCCESS)


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _unless_restricted(modeladmin, request: HttpRequest, change: Callable[[], T]) -> T | None:
    """`change()`, or None with the refusal told when one of the enquiries is restricted
    (then none of them changed)."""
    try:
        return change()
    except EnquiryRestricted as refused:
        modeladmin.message_user(request, refused.for_staff(), messages.ERROR)
        return None


@admin.action(description="Tildel meg", permissions=["change"])
def assign_to_me(modeladmin, request, queryset):
    count = _unless_restricted(
        modeladmin, request, lambda: triage.assign(ids=_ids(queryset), assignee=request.user)
    )
    if count is not None:
        _report(modeladmin, request, count, "tildelt deg")


def _set_status(modeladmin, request, queryset, status: EnquiryStatus) -> None:
    done = _unless_restricted(
        modeladmin,
        request,
        lambda: triage.set_status(ids=_ids(queryset), status=status, actor=request.user),
    )
    if done is None:
        return
    _report(modeladmin, request, done.changed, f"satt til «{status.label}»")
    if done.contacted:
        modeladmin.message_user(
            request,
            f"Kontakt registrert nå på {done.contacted} av dem. Tok dere kontakt tidligere, "
            "kan dere rette tidspunktet på henvendelsen.",
            messages.INFO,
        )


def _status_action(name: str, status: EnquiryStatus):
    """The action "Sett status: <status>", named `name` (the form posts the name)."""

    def action(modeladmin, request, queryset):
        _set_status(modeladmin, request, queryset, status)

    action.__name__ = action.__qualname__ = name
    description = f"Sett status: {status.label.lower()}"
    return admin.action(description=description, permissions=["change"])(action)


mark_in_progress = _status_action("mark_in_progress", EnquiryStatus.IN_PROGRESS)
mark_answered = _status_action("mark_answered", EnquiryStatus.ANSWERED)
mark_closed = _status_action("mark_closed", EnquiryStatus.CLOSED)
mark_spam = _status_action("mark_spam", EnquiryStatus.SPAM)


@admin.action(description="Registrer at vi har tatt kontakt", permissions=["change"])
def record_contact(modeladmin, request, queryset):
    count = _unless_restricted(
        modeladmin, request, lambda: contact.record_contact(ids=_ids(queryset), actor=request.user)
    )
    if count is not None:
        _report(modeladmin, request, count, "registrert som kontaktet nå")


@admin.action(description="Eksporter valgte til CSV", permissions=["export"])
def export_csv(modeladmin, request, queryset) -> HttpResponse:
    body = export.export_csv(ids=_ids(queryset), actor=request.user)
    left_out = queryset.restricted().count()
    if left_out:
        modeladmin.message_user(
            request,
            f"{left_out} begrenset(e) henvendelse(r) ble ikke eksportert (art. 18).",
            messages.WARNING,
        )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="henvendelser-{stamp}.csv"'
    return response


@admin.action(description="Slett valgte nå …", permissions=["erase"])
def erase_now(modeladmin, request, queryset):
    """First a page that lists what will be erased (as Django's own bulk delete and the
    person's erasure ask first); erased only when that page's form is sent."""
    if request.POST.get("post") != "yes":
        return _confirm_erasure(modeladmin, request, queryset)
    count = erasure.erase_enquiries(
        ids=_ids(queryset), reason=ErasureReason.STAFF, actor=request.user
    )
    _report(modeladmin, request, count, "slettet")


def _confirm_erasure(modeladmin, request: HttpRequest, queryset) -> TemplateResponse:
    enquiries = queryset.annotate(
        note_count=Count("notes", distinct=True), consent_count=Count("consents", distinct=True)
    ).order_by("pk")
    changelist = reverse("admin:contacts_enquiry_changelist")
    preserved = request.GET.urlencode()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Bekreft sletting",
        "opts": modeladmin.model._meta,
        "enquiries": enquiries,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "back": f"{changelist}?{preserved}" if preserved else changelist,
    }
    return TemplateResponse(request, "admin/contacts/erase_selected.html", context)


@admin.action(description="Slipp inn fra karantene", permissions=["change"])
def release_from_quarantine(modeladmin, request: HttpRequest, queryset):
    """Let the selected quarantined enquiries into the inbox; the others stay as they are."""
    ids = _ids(queryset)
    released = _unless_restricted(
        modeladmin, request, lambda: quarantine.release(ids=ids, actor=request.user)
    )
    if released is None:
        return
    said = f"{len(released)} henvendelse(r) sluppet inn i innboksen."
    modeladmin.message_user(request, said, messages.SUCCESS)
    if left := len(ids) - len(released):
        said = f"{left} av de valgte var ikke i karantene og ble ikke endret."
        modeladmin.message_user(request, said, messages.WARNING)


ENQUIRY_ACTIONS = [
    assign_to_me,
    mark_in_progress,
    mark_answered,
    mark_closed,
    mark_spam,
    export_csv,
    erase_now,
    release_from_quarantine,
    record_contact,
]
