"""The weekly digest before the purge: on Monday morning staff learn how many enquiries the
nightly purge will erase within the next 7 days, with a link to the change list filtered
to them ("Slettes innen 7 dager"), so that one that must be kept (a dispute: a legal hold)
can still be held back; and how many legal holds have passed their review date, with a
link to them ("Til ny vurdering"), until they are reviewed. A hold is never released by a
timer: evidence is not destroyed because nobody looked. Counts and links, no personal data.

Nothing is sent when nothing is due: a weekly e-mail that says 0 teaches staff to skip the
one that matters.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Count, Q
from django.utils import timezone

from contacts.models import AuditAction, Enquiry, EnquiryStatus
from contacts.staff_digest import DailyDigest, send_once_a_day

logger = logging.getLogger(__name__)

DAYS = 7  # the list's filter has this choice: contacts.admin.filters.RetentionEndingFilter


def due_for_erasure(now: dt.datetime) -> dict[str, int]:
    """How many enquiries the purge erases within DAYS days of `now`, unless a legal hold
    is set (the purge's own rule: EnquiryQuerySet.expired), how many of them are in
    quarantine, and how many legal holds are due for review."""
    counts = Enquiry.objects.expired(now + dt.timedelta(days=DAYS)).aggregate(
        total=Count("pk"), quarantine=Count("pk", filter=Q(status=EnquiryStatus.QUARANTINE))
    )
    review = Enquiry.objects.holds_due_for_review(timezone.localdate(now))
    return {**counts, "holds_to_review": review.count()}


DIGEST = DailyDigest(
    lock="contacts.purge_digest",
    action=AuditAction.PURGE_DIGEST,
    counts=due_for_erasure,
    worth_sending=lambda counts: counts["total"] > 0 or counts["holds_to_review"] > 0,
    subject=f"Sletting de neste {DAYS} dagene, og rettslige grunner til ny vurdering",
    template="contacts/mail/purge_digest.txt",
    context=lambda: {"days": DAYS},
    without_recipients="No PILARO_NOTIFY_EMAILS set: no digest of the coming erasures",
)


def send_digest() -> bool:
    """E-mail staff the count when an enquiry is due for erasure within DAYS days: at most
    once a day (Oslo), however often it runs (staff_digest). True when this call sent it."""
    counts = send_once_a_day(DIGEST)
    if counts is None:
        return False
    logger.info("Purge digest sent: %s to be erased within %s days", counts["total"], DAYS)
    return True
