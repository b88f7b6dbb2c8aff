"""What staff do to enquiries: assign, change status, add notes, save edits from the change
form, set and release legal holds. Every path that changes them (an admin action, the
change form, the shell, a job) comes here, so the rules hold on each:

- Retention follows contacts/inbox/activity.py: staff activity moves the retention date.
- A restricted enquiry (art. 18, contacts/restricted.py) refuses status and assignee
  changes.
- Only the form puts an enquiry into quarantine, and only "Slipp inn"
  (contacts/intake/quarantine.py) takes one out, since it also tells staff and starts the
  callback promise; marking one as spam stays possible (`status_change_problem`).
- An enquiry marked answered was answered: contact is recorded now on it, unless it was
  recorded already (contacts/inbox/contact.py), so the callback promise does not count it
  as broken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contacts.audit import audit
from contacts.inbox import contact
from contacts.inbox.activity import staff_acted
from contacts.models import AuditAction, Enquiry, EnquiryStatus, Note
from contacts.restricted import EnquiryRestricted, lock_unrestricted

# Edits that count as activity on the enquiry (the retention date moves).
ACTIVITY_FIELDS = {"status", "assignee", "name", "company", "email", "phone", "message"}
# Edits a restriction refuses.
RESTRICTED_FIELDS = {"status", "assignee"}
# Kept as stored when the change form saves: its own services write these.
KEPT_AS_STORED = (
    "restricted_reason",
    "restricted_at",
    "last_activity_at",
    "retain_until",
    "contacted_at",
)


class LegalHoldRefused(ValueError):
    """A legal hold without a reason or a review date to come. The message is for staff."""


class StatusRefused(ValueError):
    """A status change the quarantine's rule forbids. The message is for staff."""


@dataclass(frozen=True)
class StatusSet:
    changed: int  # enquiries given the status
    contacted: int  # of them, those on which contact was recorded now (marked answered)


def status_change_problem(before: str, after: str) -> str | None:
    """Why an enquiry may not go from status `before` to `after`, for staff; None when it
    may. Into quarantine only the form puts a post (with its reason); out of it only
    "Slipp inn" lets one, which also tells staff by e-mail and sets the due time."""
    if before == after:
        return None
    if after == EnquiryStatus.QUARANTINE:
        return "Bare skjemaet legger henvendelser i karantene."
    if before == EnquiryStatus.QUARANTINE and after != EnquiryStatus.SPAM:
        return "Bruk handlingen «Slipp inn fra karantene» i listen for å slippe den inn."
    return None


def _answered_is_contact(ids: list[int], status: str, actor: AbstractBaseUser | None) -> int:
    """Record contact now on those of `ids` without it when `status` is answered."""
    if status != EnquiryStatus.ANSWERED or not ids:
        return 0
    return contact.record_contact(ids=ids, actor=actor)


def assign(*, ids: Iterable[int], assignee: AbstractBaseUser | None) -> int:
    """Raises EnquiryRestricted, changing none, when any of them is restricted."""
    with transaction.atomic():
        found = lock_unrestricted(ids)
        return Enquiry.objects.filter(pk__in=found).update(
            assignee=assignee, **staff_acted(timezone.now())
        )


def set_status(*, ids: Iterable[int], status: str, actor: AbstractBaseUser | None) -> StatusSet:
    """Give the enquiries `status`, but for those the quarantine's rule keeps where they are
    (left as they are, not counted). Raises EnquiryRestricted, changing none, when any of
    them is restricted, and StatusRefused for quarantine itself."""
    if status not in EnquiryStatus.values:
        raise ValueError(f"no such status: {status!r}")
    if problem := status_change_problem(EnquiryStatus.NEW, status):
        raise StatusRefused(problem)
    with transaction.atomic():
        found = lock_unrestricted(ids)
        rows = Enquiry.objects.filter(pk__in=found)
        held = [
            pk
            for pk, before in rows.values_list("pk", "status")
            if status_change_problem(before, status)
        ]
        changing = sorted(set(found) - set(held))
        changed = Enquiry.objects.filter(pk__in=changing).update(
            status=status, **staff_acted(timezone.now(), status=status)
        )
        return StatusSet(changed, _answered_is_contact(changing, status, actor))


def add_note(*, enquiry: Enquiry, author: AbstractBaseUser, text: str) -> Note:
    with transaction.atomic():
        now = timezone.now()
        note = Note.objects.create(enquiry=enquiry, author=author, text=text, created_at=now)
        Enquiry.objects.filter(pk=enquiry.pk).update(**staff_acted(now))
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


def save_enquiry(*, enquiry: Enquiry, changed: Iterable[str], actor: AbstractBaseUser) -> bool:
    """Save staff edits from the change form: activity moves retention; holds are checked
    and audited; a contact time goes through its own rule (contact.set_contact_time); a
    status through the quarantine's. Raises EnquiryRestricted, StatusRefused,
    LegalHoldRefused or ContactTimeRefused, saving nothing. True when contact was recorded
    now because the enquiry was marked answered."""
    changed = set(changed)
    contacted_at = enquiry.contacted_at
    with transaction.atomic():
        stored = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if stored.is_restricted and changed & RESTRICTED_FIELDS:
            raise EnquiryRestricted([enquiry.pk])
        if "status" in changed and (
            problem := status_change_problem(stored.status, enquiry.status)
        ):
            raise StatusRefused(problem)
        hold_action = _hold_change(stored, enquiry)
        # What the form does not edit is kept as stored now, not as the page loaded it.
        for field in KEPT_AS_STORED:
            setattr(enquiry, field, getattr(stored, field))
        if changed & ACTIVITY_FIELDS:
            enquiry.touch()
        enquiry.save()
        if hold_action:
            audit(actor=actor, action=hold_action, ids=[enquiry.pk])
        if "contacted_at" in changed:
            contact.set_contact_time(enquiry=enquiry, at=contacted_at, actor=actor)
            return False
        if "status" in changed:
            return bool(_answered_is_contact([enquiry.pk], enquiry.status, actor))
    return False
