"""The quarantine: posts of the form that are valid (good token, fields, consent) but came
faster than a person fills it in, as a bot does, and as a browser's autofill can. Throwing
them away would lose the real enquiries among them, so they are kept apart: status
"karantene" with the reason, no staff e-mail, no callback due time, and erased
CONTACTS_QUARANTINE_RETENTION_DAYS after they came (contacts/retention/rules.py) unless staff
let them in. At most CONTACTS_QUARANTINE_MAX_PER_HOUR are kept per hour; beyond that a
post is discarded, so that a flood of bots cannot fill the database.

Letting one in ("Slipp inn" in the admin) makes it a new enquiry in the inbox, as if it
had come now: kept as any enquiry from then, the staff e-mail queued, audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from contacts.audit import audit
from contacts.calendar import callback_due
from contacts.intake import confirmation, notifications
from contacts.intake.submission import Submission, replayed, store_enquiry
from contacts.models import AuditAction, Enquiry, EnquiryStatus
from contacts.restricted import lock_unrestricted
from contacts.retention.rules import quarantine_retention_date, retention_date_expression

logger = logging.getLogger(__name__)


class QuarantineFull(Exception):
    """The quarantine holds the hour's maximum already: the post was not stored."""


def _lock_the_count() -> None:
    """Serialise the posts that go to quarantine, from the count to the commit, so that
    two at once cannot both take the last place. Posts for the inbox never wait on it.
    On SQLite (development) one process writes at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('contacts.quarantine'))")


def _held_in_the_hour_before(now: dt.datetime) -> int:
    return Enquiry.objects.filter(
        status=EnquiryStatus.QUARANTINE, received_at__gt=now - dt.timedelta(hours=1)
    ).count()


def has_room(now: dt.datetime | None = None) -> bool:
    """Whether the hour's quarantine has a place left, read without a lock: the cheap
    answer to a flood of too fast posts once the hour is full (no write, no wait). A post
    it lets on is counted again, exactly, by `hold`."""
    if settings.CONTACTS_QUARANTINE_MAX_PER_HOUR <= 0:
        return False
    held = _held_in_the_hour_before(now or timezone.now())
    return held < settings.CONTACTS_QUARANTINE_MAX_PER_HOUR


def hold(
    *, submission: Submission, reason: str, received_at: dt.datetime | None = None
) -> Enquiry | None:
    """Store a valid post that came too fast, in quarantine, with `reason` (why, without
    personal data). None when the form's nonce was used already (nothing more stored).
    Raises QuarantineFull, storing nothing, when CONTACTS_QUARANTINE_MAX_PER_HOUR posts
    received in the last hour are in quarantine already."""
    now = received_at or timezone.now()
    try:
        with transaction.atomic():
            _lock_the_count()
            if _held_in_the_hour_before(now) >= settings.CONTACTS_QUARANTINE_MAX_PER_HOUR:
                raise QuarantineFull
            enquiry = store_enquiry(
                submission,
                now=now,
                status=EnquiryStatus.QUARANTINE,
                quarantine_reason=reason,
                retain_until=quarantine_retention_date(now),
            )
    except IntegrityError:
        if not replayed(submission):
            raise
        enquiry = None
    if enquiry is not None:
        logger.info("Enquiry #%s held in quarantine", enquiry.pk)
    return enquiry


def release(
    *, ids: Iterable[int], actor: AbstractBaseUser, now: dt.datetime | None = None
) -> list[int]:
    """Let the quarantined enquiries among `ids` into the inbox: status "ny", the reason
    cleared, kept as any enquiry acted on now, the staff e-mail queued, audited. Those not
    in quarantine are left as they are. Returns the ids let in. Raises EnquiryRestricted,
    changing none, when one of the quarantined ones is restricted (art. 18)."""
    now = now or timezone.now()
    with transaction.atomic():
        held = Enquiry.objects.filter(pk__in=list(ids), status=EnquiryStatus.QUARANTINE)
        locked = lock_unrestricted(held.values_list("pk", flat=True))
        # Locked now: one let in by someone else meanwhile is in the inbox, not here.
        still_held = Enquiry.objects.filter(pk__in=locked, status=EnquiryStatus.QUARANTINE)
        released = sorted(still_held.values_list("pk", flat=True))
        Enquiry.objects.filter(pk__in=released).update(
            status=EnquiryStatus.NEW,
            quarantine_reason="",
            last_activity_at=now,
            retain_until=retention_date_expression(now),
            callback_due_at=callback_due(now),  # the promise runs from the release
        )
        for pk in released:
            notifications.queue(enquiry_id=pk, now=now)
            confirmation.ask(enquiry_id=pk)  # never to an address a bot typed, unseen
        if released:
            audit(actor=actor, action=AuditAction.QUARANTINE_RELEASED, ids=released)
    logger.info("%s enquiries let in from quarantine", len(released))
    return released
