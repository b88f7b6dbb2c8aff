"""What staff do to enquiries in the admin: assign, change status, add notes, save edits,
record a withdrawn consent. Each moves the retention date as the rule says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, Consent, Enquiry, EnquiryStatus, Note
from contacts.retention import retention_date_expression
from contacts.services.audit import audit


def _activity(now: dt.datetime) -> dict:
    """Field values for "staff acted now": the retention date moves, within the maximum."""
    return {"last_activity_at": now, "retain_until": retention_date_expression(now)}


def assign(*, ids: Iterable[int], assignee: AbstractBaseUser | None) -> int:
    with transaction.atomic():
        return Enquiry.objects.filter(pk__in=list(ids)).update(
            assignee=assignee, **_activity(timezone.now())
        )


def set_status(*, ids: Iterable[int], status: str) -> int:
    if status not in EnquiryStatus.values:
        raise ValueError(f"unknown status {status!r}")
    with transaction.atomic():
        return Enquiry.objects.filter(pk__in=list(ids)).update(
            status=status, **_activity(timezone.now())
        )


def add_note(*, enquiry: Enquiry, author: AbstractBaseUser, text: str) -> Note:
    with transaction.atomic():
        now = timezone.now()
        note = Note.objects.create(enquiry=enquiry, author=author, text=text, created_at=now)
        Enquiry.objects.filter(pk=enquiry.pk).update(**_activity(now))
    return note


def save_enquiry(*, enquiry: Enquiry, changed: Iterable[str], actor: AbstractBaseUser) -> None:
    """Save staff edits from the change form: activity moves retention; holds are audited."""
    changed = set(changed)
    with transaction.atomic():
        previous_hold = (
            Enquiry.objects.filter(pk=enquiry.pk)
            .values_list("legal_hold_reason", flat=True)
            .first()
        )
        if changed & {"status", "assignee", "name", "company", "email", "phone", "message"}:
            enquiry.touch()
        enquiry.save()
        if "legal_hold_reason" in changed and previous_hold != enquiry.legal_hold_reason:
            action = (
                AuditAction.LEGAL_HOLD_SET
                if enquiry.legal_hold_reason
                else AuditAction.LEGAL_HOLD_RELEASED
            )
            audit(actor=actor, action=action, ids=[enquiry.pk])


def record_withdrawal(*, consent: Consent, channel: str, actor: AbstractBaseUser) -> bool:
    """Record that a given consent was withdrawn, now, by the stated channel. Once only."""
    with transaction.atomic():
        now = timezone.now()
        changed = Consent.objects.filter(
            pk=consent.pk, given=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawal_channel=channel)
        if changed:
            Enquiry.objects.filter(pk=consent.enquiry_id).update(**_activity(now))
            audit(actor=actor, action=AuditAction.WITHDRAWAL, ids=[consent.enquiry_id])
    return bool(changed)
