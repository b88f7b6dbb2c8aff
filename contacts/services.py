"""Every write that touches enquiries goes through here, each in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    Consent,
    ConsentPurpose,
    Enquiry,
    EnquiryStatus,
    ErasureReason,
    ErasureRecord,
    Notification,
    NotificationState,
    retention_date,
)
from privacy.models import NoticeVersion

logger = logging.getLogger(__name__)

# How long a sender may hold a notification before another may try it.
CLAIM_SECONDS = 300


def submit_enquiry(
    *,
    name: str,
    company: str,
    email: str,
    phone: str,
    message: str,
    marketing: bool,
    labels: dict[str, str],
    notice_version: NoticeVersion,
    nonce: str,
) -> Enquiry | None:
    """Store an enquiry with its consent evidence and queue the staff notification.

    Returns None when the form's nonce was already used (a refresh or a double click):
    the unique constraint refuses the second one and nothing more is stored.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            enquiry = Enquiry.objects.create(
                name=name,
                company=company,
                email=email,
                phone=phone,
                message=message,
                received_at=now,
                last_activity_at=now,
                retain_until=retention_date(now, now),
                form_nonce=nonce,
            )
            Consent.objects.bulk_create(
                [
                    Consent(
                        enquiry=enquiry,
                        purpose=ConsentPurpose.ENQUIRY,
                        given=True,
                        label_text=labels[ConsentPurpose.ENQUIRY],
                        given_at=now,
                        notice_version=notice_version,
                    ),
                    Consent(
                        enquiry=enquiry,
                        purpose=ConsentPurpose.MARKETING,
                        given=marketing,
                        label_text=labels[ConsentPurpose.MARKETING],
                        given_at=now,
                        notice_version=notice_version,
                    ),
                ]
            )
            notification = Notification.objects.create(enquiry=enquiry, created_at=now)
            transaction.on_commit(lambda: deliver_notification(notification.pk))
    except IntegrityError:
        if Enquiry.objects.filter(form_nonce=nonce).exists():
            return None
        raise
    logger.info("Enquiry #%s stored", enquiry.pk)
    return enquiry


def _notification_text(enquiry_id: int) -> tuple[str, str]:
    waiting = Enquiry.objects.filter(status=EnquiryStatus.NEW).count()
    path = reverse("admin:contacts_enquiry_change", args=[enquiry_id])
    subject = "Ny henvendelse fra nettstedet"
    body = (
        "Det har kommet en ny henvendelse via kontaktskjemaet på nettstedet.\n\n"
        f"Nye henvendelser som venter: {waiting}\n\n"
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


def deliver_notification(notification_id: int) -> bool:
    """Send one notification if nobody else is; record the outcome. True when sent."""
    now = timezone.now()
    recipients = settings.CONTACTS_NOTIFY_EMAILS
    if not recipients:
        logger.warning("No PILARO_NOTIFY_EMAILS set: notification %s waits", notification_id)
        return False
    if not _claim(notification_id, now):
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        subject, body = _notification_text(notification.enquiry_id)
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


def erase_enquiries(
    *, ids: Iterable[int], reason: str, actor: AbstractBaseUser | None = None
) -> int:
    """Delete enquiries with their consents, notes and notifications; record each erasure.

    One transaction: either every listed enquiry is gone and recorded, or none is.
    """
    ids = list(ids)
    with transaction.atomic():
        found = list(
            Enquiry.objects.filter(pk__in=ids).select_for_update().values_list("pk", flat=True)
        )
        if not found:
            return 0
        now = timezone.now()
        ErasureRecord.objects.bulk_create(
            [
                ErasureRecord(enquiry_id=pk, erased_at=now, reason=reason, actor=actor)
                for pk in found
            ],
            ignore_conflicts=True,
        )
        Enquiry.objects.filter(pk__in=found).only("pk").delete()
    return len(found)


def purge_expired(*, now: dt.datetime, batch_size: int = 2000, dry_run: bool = False) -> int:
    """Erase every enquiry past its retention date, in primary-key batches.

    Each batch locks its rows with SKIP LOCKED, so two purges at once share the work and
    never erase the same enquiry twice. Memory holds one batch of ids at a time.
    """
    if dry_run:
        return Enquiry.objects.expired(now).count()
    erased = 0
    while True:
        with transaction.atomic():
            ids = list(
                Enquiry.objects.expired(now)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return erased
            erased += erase_enquiries(ids=ids, reason=ErasureReason.RETENTION)
