"""A new enquiry from the callback form, stored with its consent evidence."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import Consent, ConsentPurpose, Enquiry
from contacts.retention import retention_date
from contacts.services import notifications
from privacy.models import NoticeVersion
from privacy.registry import Notice

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    """One valid post of the form: what the visitor typed, and what they were shown."""

    name: str
    company: str
    email: str
    phone: str  # E.164
    message: str
    marketing: bool
    # The plain text of each consent's label as the form showed it, by purpose.
    labels: dict[str, str]
    notice: Notice  # the version of the notice the form named
    nonce: str  # the form's one-time token: a second post of the same form stores nothing


def submit_enquiry(
    *, submission: Submission, received_at: dt.datetime | None = None
) -> Enquiry | None:
    """Store an enquiry with its consent evidence and queue the staff notification.

    Returns None when the form's nonce was already used (a refresh or a double click):
    the unique constraint refuses the second one and nothing more is stored.
    `received_at` is for made-up enquiries (demo, tests); the form leaves it to now.
    """
    now = received_at or timezone.now()
    notice_version = NoticeVersion.objects.for_notice(submission.notice)
    given = {ConsentPurpose.ENQUIRY: True, ConsentPurpose.MARKETING: submission.marketing}
    try:
        with transaction.atomic():
            enquiry = Enquiry.objects.create(
                name=submission.name,
                company=submission.company,
                email=submission.email,
                phone=submission.phone,
                message=submission.message,
                received_at=now,
                last_activity_at=now,
                retain_until=retention_date(now, now),
                form_nonce=submission.nonce,
            )
            Consent.objects.bulk_create(
                Consent(
                    enquiry=enquiry,
                    purpose=purpose,
                    given=given[purpose],
                    label_text=submission.labels[purpose],
                    given_at=now,
                    notice_version=notice_version,
                )
                for purpose in ConsentPurpose
            )
            notifications.queue(enquiry_id=enquiry.pk, now=now)
    except IntegrityError:
        if Enquiry.objects.filter(form_nonce=submission.nonce).exists():
            return None
        raise
    logger.info("Enquiry #%s stored", enquiry.pk)
    return enquiry
