"""The staff e-mail about a new enquiry: sent right after the enquiry is stored, retried
until sent or out of attempts. It names the enquiry by number and carries no personal data.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from contacts.models import Notification, NotificationState

logger = logging.getLogger(__name__)

# How long a sender may hold a notification before another may try it.
CLAIM_SECONDS = 300


def queue(*, enquiry_id: int, now: dt.datetime) -> Notification:
    """Create the notification for a new enquiry, inside the transaction that stores it.

    Claimed by this process from the start: it sends right after the commit. Should it die
    first, the claim runs out and send_pending_notifications takes over.
    """
    notification = Notification.objects.create(
        enquiry_id=enquiry_id,
        created_at=now,
        attempts=1,
        claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
    )
    transaction.on_commit(lambda: _send(notification.pk, enquiry_id))
    return notification


def _notification_text(enquiry_id: int) -> tuple[str, str]:
    path = reverse("admin:contacts_enquiry_change", args=[enquiry_id])
    subject = "Ny henvendelse fra nettstedet"
    body = (
        "Det har kommet 1 ny henvendelse via kontaktskjemaet på nettstedet.\n\n"
        f"Åpne henvendelsen: {settings.SITE_URL}{path}\n\n"
        "Av personvernhensyn står ingen personopplysninger i denne e-posten.\n"
    )
    return subject, body


def _claim(notification_id: int, now: dt.datetime) -> bool:
    """Take a notification for sending; False if sent, or held by another sender."""
    return bool(
        Notification.objects.filter(pk=notification_id)
        .exclude(state=NotificationState.SENT)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1
        )
    )


def _send(notification_id: int, enquiry_id: int) -> bool:
    """Send a claimed notification and record the outcome. True when sent."""
    recipients = settings.CONTACTS_NOTIFY_EMAILS
    if not recipients:
        logger.warning("No PILARO_NOTIFY_EMAILS set: notification %s waits", notification_id)
        Notification.objects.filter(pk=notification_id).update(claimed_until=None)
        return False
    try:
        subject, body = _notification_text(enquiry_id)
        send_mail(subject, body, None, recipients)
    except Exception as exc:  # any failure leaves it for the retry command
        Notification.objects.filter(pk=notification_id).update(
            state=NotificationState.FAILED, last_error=type(exc).__name__, claimed_until=None
        )
        logger.warning(
            "Notification %s not sent (%s); it will be retried",
            notification_id,
            type(exc).__name__,
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), last_error="", claimed_until=None
    )
    return True


def deliver_notification(notification_id: int) -> bool:
    """Send one notification if nobody else is sending it. True when sent."""
    if not _claim(notification_id, timezone.now()):
        return False
    enquiry_id = Notification.objects.values_list("enquiry_id", flat=True).get(pk=notification_id)
    return _send(notification_id, enquiry_id)


def send_pending_notifications(*, limit: int = 500) -> tuple[int, int]:
    """Retry notifications not yet sent. Returns (sent, not sent). Safe to run twice at once."""
    ids = list(
        Notification.objects.exclude(state=NotificationState.SENT)
        .filter(attempts__lt=settings.CONTACTS_NOTIFY_MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(deliver_notification(pk) for pk in ids)
    return sent, len(ids) - sent
