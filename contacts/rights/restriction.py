"""Restriction of processing (GDPR art. 18): staff mark an enquiry restricted, with the
reason, and lift it again. Both are audited.

While an enquiry is restricted it is only stored: it is left out of the CSV export, no
staff notification is sent about it (the notification waits and is queued again when the
restriction is lifted), and its status and assignee cannot be changed. What remains
possible is what the person has a right to: erasure, withdrawing a consent, access to
their data (art. 15), and correcting it (art. 16: a restriction while accuracy is
contested ends with the correction). Nor is it erased when its retention date passes
(art. 18(1)(b) and (c): the person asked us to keep it, or needs it for a claim): the
nightly purge leaves it alone until the restriction is lifted (EnquiryQuerySet.expired).
The guard that the other changes consult is contacts/restricted.py.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contacts.audit import audit
from contacts.intake import notifications
from contacts.models import AuditAction, Enquiry

REASON_MAX_LENGTH = 300


def restrict(*, enquiry: Enquiry, reason: str, actor: AbstractBaseUser) -> bool:
    """Restrict processing of the enquiry, now, for the stated reason. Audited. False when
    it was restricted already (the first reason stands)."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"a restriction needs a reason of 1 to {REASON_MAX_LENGTH} characters")
    with transaction.atomic():
        now = timezone.now()
        changed = Enquiry.objects.filter(pk=enquiry.pk, restricted_at__isnull=True).update(
            restricted_reason=reason, restricted_at=now
        )
        if changed:
            audit(actor=actor, action=AuditAction.RESTRICTION_SET, ids=[enquiry.pk])
    enquiry.refresh_from_db(fields=["restricted_reason", "restricted_at"])
    return bool(changed)


def lift_restriction(*, enquiry: Enquiry, actor: AbstractBaseUser) -> bool:
    """Lift the restriction. Audited; a staff notification that waited is queued again.
    False when the enquiry was not restricted."""
    with transaction.atomic():
        changed = Enquiry.objects.filter(pk=enquiry.pk, restricted_at__isnull=False).update(
            restricted_reason="", restricted_at=None
        )
        if changed:
            audit(actor=actor, action=AuditAction.RESTRICTION_LIFTED, ids=[enquiry.pk])
            notifications.queue_again(enquiry_id=enquiry.pk)
    enquiry.refresh_from_db(fields=["restricted_reason", "restricted_at"])
    return bool(changed)
