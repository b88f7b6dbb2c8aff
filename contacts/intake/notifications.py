"""The staff e-mail about a new enquiry. It names the enquiry by number and carries no
personal data.

The notification and its job are written in the transaction that stores the enquiry, so
neither exists without the other; a worker sends it, and the queue retries a failure
with a backoff (`send_notification`, below). The visitor's request never waits on the mail
server.

While its enquiry is restricted (GDPR art. 18) a notification is not sent: it stays
pending, its job ends without a try counted, and lifting the restriction queues it again
(`queue_again`). Staff still learn of the enquiry, once it may be processed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from common.mail import send_staff_mail
from common.urls import absolute_reverse
from contacts.models import Notification, NotificationState
from jobs import queue as jobs
from jobs.queue import Backoff, fresh_connection

logger = logging.getLogger(__name__)


class NotificationFailed(Exception):
    """The mail server did not take it. The message is the failure's class only: an SMTP
    error's text can quote addresses."""


def queue(*, enquiry_id: int, now: dt.datetime) -> Notification:
    """Create the notification for a new enquiry and queue its job, in the caller's
    transaction."""
    notification = Notification.objects.create(enquiry_id=enquiry_id, created_at=now)
    jobs.defer(send_notification, notification_id=notification.pk)
    return notification


def queue_again(*, enquiry_id: int) -> bool:
    """Queue the job again for the enquiry's notification unless it is sent (after a
    restriction is lifted), in the caller's transaction. True when queued."""
    notification = (
        Notification.objects.filter(enquiry_id=enquiry_id)
        .exclude(state=NotificationState.SENT)
        .first()
    )
    if notification is None:
        return False
    jobs.defer(send_notification, notification_id=notification.pk)
    return True


# The retry of every e-mail a person or staff wait for: 10 s, 20 s, 40 s, ... at most an
# hour apart, so a mail server back after a short outage is used at once.
MAIL_RETRY = Backoff(
    first=lambda: settings.CONTACTS_NOTIFY_FIRST_RETRY_SECONDS,
    max_attempts=lambda: settings.CONTACTS_NOTIFY_MAX_ATTEMPTS,
)


def _send(enquiry_id: int, recipients: list[str]) -> None:
    send_staff_mail(
        subject="Ny henvendelse fra nettstedet",
        template="contacts/mail/new_enquiry.txt",
        context={"link": absolute_reverse("admin:contacts_enquiry_change", args=[enquiry_id])},
        to=recipients,
    )


_DELIVERY_FIELDS = ("enquiry_id", "attempts", "state", "last_error", "sent_at")


def deliver(notification_id: int) -> bool:
    """Send one notification unless it is sent already. True when this call sent it.

    The row stays locked while the mail server is asked, so a worker and an operator's
    command never send one notification twice; the send is recorded before the job is
    done, so a job run again after a crash finds it sent. Raises NotificationFailed when
    the mail server fails, after recording the failure, so that the queue retries.
    While the enquiry is restricted nothing is sent or counted: lifting queues it again.
    """
    with transaction.atomic():
        # One query: the row, locked, with its enquiry's restriction (the enquiry unlocked).
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("enquiry")
            .only(*_DELIVERY_FIELDS, "enquiry__restricted_at")
            .filter(pk=notification_id)
            .exclude(state=NotificationState.SENT)
            .first()
        )
        if notification is None:  # sent, being sent, or erased with its enquiry
            return False
        if notification.enquiry.restricted_at is not None:
            logger.info("Notification %s waits: its enquiry is restricted", notification_id)
            return False
        recipients = settings.CONTACTS_NOTIFY_EMAILS
        if not recipients:
            logger.warning("No PILARO_NOTIFY_EMAILS set: notification %s waits", notification_id)
            return False
        notification.attempts += 1
        try:
            _send(notification.enquiry_id, recipients)
        except Exception as exc:  # any failure: recorded by class, retried by the queue
            notification.state, notification.last_error = (
                NotificationState.FAILED,
                type(exc).__name__,
            )
        else:
            notification.state, notification.last_error = NotificationState.SENT, ""
            notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "state", "last_error", "sent_at"])
    if notification.state == NotificationState.FAILED:
        logger.warning("Notification %s not sent (%s)", notification_id, notification.last_error)
        raise NotificationFailed(notification.last_error)
    return True


def send_pending_notifications(*, limit: int = 500) -> tuple[int, int]:
    """Send now what is not sent yet (for an operator; the queue does this by itself),
    leaving those of restricted enquiries waiting. Returns (sent, not sent)."""
    ids = list(
        Notification.objects.exclude(state=NotificationState.SENT)
        .filter(enquiry__restricted_at__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in ids:
        with contextlib.suppress(NotificationFailed):  # recorded on the row; next one
            sent += deliver(pk)
    return sent, len(ids) - sent


@app.task(queue="notifications", name="contacts.send_notification", retry=MAIL_RETRY)
@fresh_connection
def send_notification(notification_id: int) -> None:
    deliver(notification_id)
