"""The quarantine in the admin: its own choice in the status filter, with the count (the
default, open enquiries, leaves it out), the "Slipp inn" action, and a status that only
the form puts an enquiry into and only that action takes it out of.
See contacts/intake/quarantine.py for what the quarantine is."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from contacts.intake import quarantine
from contacts.models import Enquiry, EnquiryStatus
from contacts.rights.restriction import EnquiryRestricted


def status_choices() -> list[tuple[str, str]]:
    """The statuses for the change list's filter, quarantine with how many it holds."""
    held = Enquiry.objects.filter(status=EnquiryStatus.QUARANTINE).count()
    return [
        (value, f"{label} ({held})" if value == EnquiryStatus.QUARANTINE else label)
        for value, label in EnquiryStatus.choices
    ]


def status_change_problem(before: str, after: str) -> str | None:
    """Why the change form may not move an enquiry from `before` to `after`, for staff;
    None when it may. Into quarantine only the form puts a post (with its reason); out of
    it only "Slipp inn" lets one, which also tells staff by e-mail and sets the due time."""
    if before == after:
        return None
    if after == EnquiryStatus.QUARANTINE:
        return "Bare skjemaet legger henvendelser i karantene."
    if before == EnquiryStatus.QUARANTINE and after != EnquiryStatus.SPAM:
        return "Bruk handlingen «Slipp inn fra karantene» i listen for å slippe den inn."
    return None


@admin.action(description="Slipp inn fra karantene", permissions=["change"])
def release_from_quarantine(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset):
    """Let the selected quarantined enquiries into the inbox; the others stay as they are."""
    ids = list(queryset.values_list("pk", flat=True))
    try:
        released = quarantine.release(ids=ids, actor=request.user)
    except EnquiryRestricted as refused:
        modeladmin.message_user(request, refused.for_staff(), messages.ERROR)
        return
    said = f"{len(released)} henvendelse(r) sluppet inn i innboksen."
    modeladmin.message_user(request, said, messages.SUCCESS)
    if left := len(ids) - len(released):
        said = f"{left} av de valgte var ikke i karantene og ble ikke endret."
        modeladmin.message_user(request, said, messages.WARNING)
