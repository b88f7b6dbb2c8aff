"""What staff do to enquiries in the admin: assign, change status, add notes, save edits,
set and release legal holds, record a withdrawn consent.

Retention follows contacts/retention/rules.py: staff activity moves the retention date forward;
marking an enquiry as spam only ever brings it closer, and activity on spam does not move
it out again; activity on an enquiry in quarantine leaves it until the enquiry is let in
(contacts/intake/quarantine.py); recording a withdrawal leaves it as it is. A restricted
enquiry (art. 18, contacts/rights/restriction.py) refuses status and assignee changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, When
from django.utils import timezone

from contacts.audit import audit
from contacts.models import AuditAction, Consent, Enquiry, EnquiryStatus, Note
from contacts.retention.rules import retention_date_expression, spam_retention_date_expression
from contacts.rights.restriction import EnquiryRestricted, lock_unrestricted

# Edits that count as activity on the enquiry (the retention date moves).
ACTIVITY_FIELDS = {"status", "assignee", "name", "company", "email", "phone", "message"}
# Edits a restriction refuses.
RESTRICTED_FIELDS = {"status", "assignee"}


class LegalHoldRefused(ValueError):
    """A legal hold without a reason or a review date to come. The message is for staff."""


def _activity(now: dt.datetime, *, status: str | None = None) -> dict:
    """Field values for "staff acted now", for rows updated in bulk. `status`: the status
    the rows are given, if the action sets one; else each row's own counts."""
    spam = spam_retention_date_expression(now)
    usual = retention_date_expression(now)
    if status is None:
        # In quarantine the date stays as it is until the enquiry is let in.
        retain_until = Case(
            When(status=EnquiryStatus.SPAM, then=spam),
            When(status=EnquiryStatus.QUARANTINE, then=F("retain_until")),
            default=usual,
        )
    else:
        retain_until = spam if status == EnquiryStatus.SPAM else usual
    return {"last_activity_at": now, "retain_until": retain_until}


def assign(*, ids: Iterable[int], assignee: AbstractBaseUser | None) -> int:
    """Raises EnquiryRestricted, changing none, when any of them is restricted."""
    with transaction.atomic():
        found = lock_unrestricted(ids)
        return Enquiry.objects.filter(pk__in=found).update(
            assignee=assignee, **_activity(timezone.now())
        )


def set_status(*, ids: Iterable[int], status: str) -> int:
    """Raises EnquiryRestricted, changing none, when any of them is restricted."""
    if status not in EnquiryStatus.values or status == EnquiryStatus.QUARANTINE:
        raise ValueError(f"no enquiry is set to status {status!r} by hand")
    with transaction.atomic():
        found = lock_unrestricted(ids)
        rows = Enquiry.objects.filter(pk__in=found)
        if status != EnquiryStatus.SPAM:
            # Out of quarantine only through "Slipp inn" (services.quarantine.release): it
            # queues the staff e-mail and sets the callback due time. Spam stays possible.
            rows = rows.exclude(status=EnquiryStatus.QUARANTINE)
        return rows.update(status=status, **_activity(timezone.now(), status=status))


def add_note(*, enquiry: Enquiry, author: AbstractBaseUser, text: str) -> Note:
    with transaction.atomic():
        now = timezone.now()
        note = Note.objects.create(enquiry=enquiry, author=author, text=text, created_at=now)
        Enquiry.objects.filter(pk=enquiry.pk).update(**_activity(now))
    return note


def legal_hold_problem(*, reason: str, review_on: dt.date | None, today: dt.date) -> str | None:
    """Why a legal hold cannot be set like this, in Norwegian for staff; None if it can.
    A hold names its reason and the date it is to be reviewed, which has not passed."""
    if not reason.strip():
        return "Skriv hvilken rettslig grunn som gjør at henvendelsen må beholdes."
    if review_on is None:
        return "Sett en dato for når den rettslige grunnen skal vurderes på nytt."
    if review_on < today:
        return "Datoen for ny vurdering kan ikke ha passert."
    return None


def _hold_change(stored: Enquiry, enquiry: Enquiry) -> str | None:
    """The audit action for the legal hold as edited, if it changed. Releasing a hold
    clears its review date too; a hold set or changed must pass legal_hold_problem."""
    if not enquiry.legal_hold_reason.strip():
        enquiry.legal_hold_reason, enquiry.legal_hold_review_on = "", None
    before = (stored.legal_hold_reason, stored.legal_hold_review_on)
    after = (enquiry.legal_hold_reason, enquiry.legal_hold_review_on)
    if before == after:
        return None
    if not enquiry.legal_hold_reason:
        return AuditAction.LEGAL_HOLD_RELEASED
    problem = legal_hold_problem(
        reason=enquiry.legal_hold_reason,
        review_on=enquiry.legal_hold_review_on,
        today=timezone.localdate(),
    )
    if problem:
        raise LegalHoldRefused(problem)
    return AuditAction.LEGAL_HOLD_SET


def save_enquiry(*, enquiry: Enquiry, changed: Iterable[str], actor: AbstractBaseUser) -> None:
    """Save staff edits from the change form: activity moves retention; holds are checked
    and audited. Raises EnquiryRestricted or LegalHoldRefused, saving nothing."""
    changed = set(changed)
    with transaction.atomic():
        stored = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if stored.is_restricted and changed & RESTRICTED_FIELDS:
            raise EnquiryRestricted([enquiry.pk])
        hold_action = _hold_change(stored, enquiry)
        # What the form does not edit is kept as stored now, not as the page loaded it.
        for field in ("restricted_reason", "restricted_at", "last_activity_at", "retain_until"):
            setattr(enquiry, field, getattr(stored, field))
        if changed & ACTIVITY_FIELDS:
            enquiry.touch()
        enquiry.save()
        if hold_action:
            audit(actor=actor, action=hold_action, ids=[enquiry.pk])


def record_withdrawal(*, consent: Consent, channel: str, actor: AbstractBaseUser) -> bool:
    """Record that a given consent was withdrawn, now, by the stated channel. Once only.

    The enquiry's retention date does not move: a withdrawal is the person asking for
    less processing, never a reason to keep their data longer. Possible while the enquiry
    is restricted: it is the person's right."""
    with transaction.atomic():
        now = timezone.now()
        changed = Consent.objects.filter(
            pk=consent.pk, given=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawal_channel=channel)
        if changed:
            audit(actor=actor, action=AuditAction.WITHDRAWAL, ids=[consent.enquiry_id])
    return bool(changed)
