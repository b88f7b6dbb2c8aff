"""A new enquiry from the callback form, stored with the evidence of what was shown."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.emails import normalised_email
from contacts.calendar import callback_due
from contacts.intake import confirmation, notifications
from contacts.models import Consent, ConsentPurpose, Enquiry, ErasureRecord
from contacts.retention.keys import nonce_key
from contacts.retention.rules import retention_date
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
    # The answer to each consent the form asked for, by purpose code (True: ticked/given).
    consents: dict[str, bool]
    # The plain text of each consent's label as the form showed it, by purpose: exactly
    # the consents the form asked for.
    labels: dict[str, str]
    notice: Notice  # the version of the notice the form named
    nonce: str  # the form's one-time token: a second post of the same form stores nothing
    information_text: str = ""  # what the form told about the processing, as plain text
    location: str = ""  # where the form stood: a FormLocation value

    def __post_init__(self) -> None:
        if set(self.consents) != set(self.labels):
            # Evidence of an answer needs the question, and a question needs its answer.
            raise ValueError(
                f"consents {sorted(self.consents)} and labels {sorted(self.labels)} differ"
            )


def submit_enquiry(
    *, submission: Submission, received_at: dt.datetime | None = None
) -> Enquiry | None:
    """Store an enquiry with the evidence of what was shown (notice version, information
    text, where the form stood) and a consent row per consent asked; queue the staff
    notification. None when the form's nonce was used already (a refresh, a double click,
    or a post again after its enquiry was erased): nothing more is stored.
    `received_at` is for made-up enquiries (demo, tests); the form leaves it to now.
    """
    now = received_at or timezone.now()
    try:
        with transaction.atomic():
            enquiry = store_enquiry(
                submission,
                now=now,
                retain_until=retention_date(now, now),
                callback_due_at=callback_due(now),  # the promise (contacts/calendar.py)
            )
            if enquiry is not None:
                notifications.queue(enquiry_id=enquiry.pk, now=now)
                if submission.consents.get(ConsentPurpose.MARKETING):  # none when unticked
                    confirmation.ask(enquiry_id=enquiry.pk)
    except IntegrityError:
        if not replayed(submission):
            raise
        enquiry = None
    if enquiry is not None:
        logger.info("Enquiry #%s stored", enquiry.pk)
    return enquiry


def replayed(submission: Submission) -> bool:
    """After the transaction storing a form's enquiry failed on a unique constraint: was it
    a replay of a form whose enquiry is stored (its nonce taken)? Then that transaction is
    rolled back whole and nothing more is stored; otherwise the error is a fault.

    Asked after the rollback rather than caught in a savepoint around the enquiry's row: a
    savepoint is two round trips more on every post (docs/performance.md). Before that row
    the transaction writes nothing of the replay's own (at most the notice version's row,
    recorded on its first use, which the next post records again)."""
    return Enquiry.objects.filter(form_nonce=submission.nonce).exists()


def store_enquiry(submission: Submission, *, now: dt.datetime, **fields) -> Enquiry | None:
    """The enquiry received at `now`, with `fields` (its retention, status, ...), and its
    consent rows, in the caller's transaction: what the inbox and the quarantine
    (contacts/intake/quarantine.py) share. None when the form was posted before and its
    enquiry erased since; a form whose enquiry is stored raises the unique constraint's
    IntegrityError: the caller's transaction is then rolled back and `replayed` says so."""
    notice_version = NoticeVersion.objects.for_notice(submission.notice)
    if ErasureRecord.objects.filter(nonce_key=nonce_key(submission.nonce)).exists():
        # The same form posted again after its enquiry was erased: its nonce is free in
        # the enquiry table again, but it was used. A replay stores nothing.
        return None
    enquiry = Enquiry.objects.create(
        name=submission.name,
        company=submission.company,
        # The canonical form (common/emails.py): what every comparison uses.
        email=normalised_email(submission.email),
        phone=submission.phone,
        message=submission.message,
        received_at=now,
        last_activity_at=now,
        notice_version=notice_version,
        information_text=submission.information_text,
        form_location=submission.location,
        form_nonce=submission.nonce,
        **fields,
    )
    Consent.objects.bulk_create(
        Consent(
            enquiry=enquiry,
            purpose=purpose,
            given=submission.consents[purpose],
            label_text=label_text,
            given_at=now,
            notice_version=notice_version,
            # Double opt-in: in force once the address's owner confirms it.
            confirm_by=confirmation.confirm_by(now)
            if purpose == ConsentPurpose.MARKETING and submission.consents[purpose]
            else None,
        )
        for purpose, label_text in submission.labels.items()
    )
    return enquiry
