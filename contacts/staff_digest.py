"""Counts-only e-mails to staff, sent at most once a day (Oslo) however often the job that
sends them runs: the purge digest (purge_digest) and the subject-request reminder
(subject_log) share this one rule.

Runs are serialised by a PostgreSQL advisory lock named after the digest (two workers, a
retry: the second waits, then sees the first one's audit entry), and the audit entry that
marks the day as done is written in the transaction that sends, so a failed send leaves the
day open for a retry. On SQLite (development) there is only one process and no lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from common.mail import send_staff_mail
from contacts.audit import audit
from contacts.models import AuditAction, AuditEntry
from jobs.queue import Backoff

logger = logging.getLogger(__name__)

Counts = dict[str, int]
# The retry of a digest's job: a mail server down at the digest's hour is tried again
# within the morning (1, 2, 4, 8, 16 minutes), then left to the digest's next day.
RETRY_WITHIN_THE_MORNING = Backoff(first=lambda: 60, max_attempts=lambda: 6)


@dataclass(frozen=True)
class DailyDigest:
    lock: str  # the advisory lock's name, unique per digest
    action: AuditAction  # the audit entry that marks the day as sent
    counts: Callable[[dt.datetime], Counts]  # what the e-mail reports, at `now`
    worth_sending: Callable[[Counts], bool]  # nothing is sent when this is False
    subject: str
    template: str  # the body, given `counts` and `context`: counts and a link only
    context: Callable[[], dict]  # what else the template says (periods, from settings)
    without_recipients: str  # the warning when PILARO_NOTIFY_EMAILS is empty


def send_once_a_day(digest: DailyDigest, now: dt.datetime | None = None) -> Counts | None:
    """Send `digest` to PILARO_NOTIFY_EMAILS unless it was sent today (Oslo) or is not worth
    sending. Returns the counts it sent, or None when this call sent nothing."""
    recipients = settings.CONTACTS_NOTIFY_EMAILS
    if not recipients:
        logger.warning(digest.without_recipients)
        return None
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [digest.lock])
        today = timezone.localdate(now)
        if AuditEntry.objects.filter(action=digest.action, at__date=today).exists():
            return None
        counts = digest.counts(now)
        if not digest.worth_sending(counts):
            return None
        send_staff_mail(
            subject=digest.subject,
            template=digest.template,
            context={"counts": counts, **digest.context()},
            to=recipients,
        )
        audit(actor=None, action=digest.action, ids=[])
    return counts
