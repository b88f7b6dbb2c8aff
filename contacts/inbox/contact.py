"""Recording that staff made contact, the callback promise kept (contacts/inbox/callbacks.py
has the promise's reminders).

Recording contact is staff activity: it moves the retention date as any triage action
does, and an enquiry still "ny" becomes "under behandling" (someone is handling it: left
"ny", it would be counted as new and unread on the admin index). Other statuses stay. A
restricted enquiry (art. 18) refuses it, as it refuses status changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from contacts.audit import audit
from contacts.inbox.activity import staff_acted
from contacts.models import AuditAction, Enquiry, EnquiryStatus
from contacts.restricted import lock_unrestricted


def contact_time_problem(
    *, at: dt.datetime, received_at: dt.datetime, now: dt.datetime
) -> str | None:
    """Why contact cannot be recorded at `at`, in Norwegian for staff; None if it can."""
    if at > now:
        return "Tidspunktet for kontakt kan ikke være i fremtiden."
    if at < received_at:
        return "Tidspunktet for kontakt kan ikke være før henvendelsen kom inn."
    return None


class ContactTimeRefused(ValueError):
    """A contact time in the future or before the enquiry came. The message is for staff."""


def _write_contact(ids: list[int], at: dt.datetime | None, now: dt.datetime) -> None:
    became_in_progress = Case(
        When(status=EnquiryStatus.NEW, then=Value(EnquiryStatus.IN_PROGRESS.value)),
        default="status",
    )
    status = {} if at is None else {"status": became_in_progress}
    Enquiry.objects.filter(pk__in=ids).update(contacted_at=at, **status, **staff_acted(now))


def record_contact(*, ids: Iterable[int], actor: AbstractBaseUser) -> int:
    """Record contact now on those of these enquiries without it. Returns how many changed.
    Raises EnquiryRestricted, changing none, when any of them is restricted."""
    with transaction.atomic():
        found = lock_unrestricted(ids)
        pending = list(
            Enquiry.objects.filter(pk__in=found, contacted_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if pending:
            now = timezone.now()
            _write_contact(pending, now, now)
            audit(actor=actor, action=AuditAction.CONTACT_RECORDED, ids=pending)
    return len(pending)


def set_contact_time(*, enquiry: Enquiry, at: dt.datetime | None, actor: AbstractBaseUser) -> bool:
    """Set (or correct, or clear: recorded by mistake) when contact was made, from the
    change page. True when it changed. Raises ContactTimeRefused or EnquiryRestricted."""
    now = timezone.now()
    with transaction.atomic():
        lock_unrestricted([enquiry.pk])
        stored = Enquiry.objects.get(pk=enquiry.pk)
        if stored.contacted_at == at:
            return False
        problem = at and contact_time_problem(at=at, received_at=stored.received_at, now=now)
        if problem:
            raise ContactTimeRefused(problem)
        _write_contact([enquiry.pk], at, now)
        audit(actor=actor, action=AuditAction.CONTACT_RECORDED, ids=[enquiry.pk])
    return True
