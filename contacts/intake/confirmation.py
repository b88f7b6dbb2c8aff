"""Confirmed marketing consent (double opt-in).

Anyone can tick the marketing box with someone else's address. So a marketing consent
ticked on the form is not in force until the address's owner confirms it: the site
e-mails them (through the job queue) the label they agreed to, a link that confirms it
and the link that withdraws it, and no marketing. Until then the consent is "venter på
bekreftelse": not in the CSV export, not in any marketing selection. Unconfirmed after
`PILARO_MARKETING_CONFIRM_DAYS`, it lapses and is recorded as not confirmed.
Confirmations and lapses go into the rights log, so a restore cannot undo them.

The enquiry is never held up: it is stored and the staff are told as before, and the
e-mail goes to a quarantined enquiry only once staff let it in.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from common import mail
from common.mail import render_text
from contacts.audit import audit
from contacts.intake import consent_links
from contacts.intake.notifications import MAIL_RETRY
from contacts.models import AuditAction, Consent, ConsentPurpose, RightsEventKind
from contacts.retention import events
from jobs import queue as jobs
from jobs.queue import fresh_connection

logger = logging.getLogger(__name__)


def confirm_by(given_at: dt.datetime) -> dt.datetime:
    return given_at + dt.timedelta(days=settings.CONTACTS_MARKETING_CONFIRM_DAYS)


def ask(*, enquiry_id: int) -> bool:
    """Queue the confirmation e-mail for the enquiry's marketing consent, if one awaits
    it. In the caller's transaction: stored first, then sent. True when queued."""
    consent = (
        Consent.objects.awaiting_confirmation()
        .filter(enquiry_id=enquiry_id, purpose=ConsentPurpose.MARKETING)
        .values_list("pk", flat=True)
        .first()
    )
    if consent is None:
        return False
    jobs.defer(send_confirmation, consent_id=consent)
    return True


SUBJECT = "Bekreft at du vil ha e-post om nyheter og tilbud fra {company}"


def message(consent: Consent) -> str:
    """The person's e-mail: what they agreed to, and the two links. No marketing."""
    nonce = consent.enquiry.form_nonce
    return render_text(
        "contacts/mail/confirm_marketing.txt",
        {
            "label": consent.label_text,
            "confirm": consent_links.link(consent_links.CONFIRM, consent.pk, nonce),
            "withdraw": consent_links.link(consent_links.WITHDRAW, consent.pk, nonce),
            "days": settings.CONTACTS_MARKETING_CONFIRM_DAYS,
            "company": settings.COMPANY["name"],
        },
    )


@app.task(queue="notifications", name="contacts.send_marketing_confirmation", retry=MAIL_RETRY)
@fresh_connection
def send_confirmation(consent_id: int) -> None:
    """Its argument is the consent's number: no address waits in the queue. Nothing is
    sent once the consent is confirmed, withdrawn, lapsed or erased."""
    consent = (
        Consent.objects.awaiting_confirmation()
        .select_related("enquiry")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        logger.info("Marketing confirmation: nothing awaits it, no e-mail")
        return
    subject = SUBJECT.format(company=settings.COMPANY["name"])
    try:
        mail.send(subject, message(consent) + "\n", [consent.enquiry.email])
    except Exception as exc:
        # The class only: an SMTP error's text can quote the recipient.
        logger.warning("Marketing confirmation: e-mail not sent (%s)", type(exc).__name__)
        raise
    logger.info("Marketing confirmation: e-mail sent")


def confirm(
    consent: Consent, *, at: dt.datetime | None = None, event_id: uuid.UUID | None = None
) -> bool:
    """The person confirmed: the consent is in force from now. Recorded once (audited, in
    the rights log), and only before it lapsed. `at` and `event_id` are a replayed
    event's (contacts.rights.log). True when it was confirmed now."""
    now = at or timezone.now()
    with transaction.atomic():
        changed = (
            Consent.objects.awaiting_confirmation()
            .filter(pk=consent.pk, confirm_by__gt=now)
            .update(confirmed_at=now)
        )
        if changed:
            audit(actor=None, action=AuditAction.CONSENT_CONFIRMED, ids=[consent.enquiry_id])
            events.record_for_enquiry(
                RightsEventKind.CONFIRMATION,
                consent.enquiry_id,
                at=now,
                purpose=consent.purpose,
                event_id=event_id,
            )
    consent.refresh_from_db(fields=["confirmed_at", "lapsed_at"])
    return bool(changed)


def lapse(*, now: dt.datetime | None = None) -> int:
    """Record as not confirmed every consent whose time to confirm has passed. Returns
    how many lapsed."""
    now = now or timezone.now()
    due = Consent.objects.awaiting_confirmation().filter(confirm_by__lte=now)
    return sum(record_lapse(consent, at=now) for consent in due)


def record_lapse(consent: Consent, *, at: dt.datetime, event_id: uuid.UUID | None = None) -> bool:
    """The consent was not confirmed in time: recorded once, at `at` (audited, in the
    rights log). `event_id` is a replayed event's (contacts.rights.log)."""
    with transaction.atomic():
        changed = (
            Consent.objects.awaiting_confirmation().filter(pk=consent.pk).update(lapsed_at=at)
        )
        if changed:
            audit(actor=None, action=AuditAction.CONSENT_LAPSED, ids=[consent.enquiry_id])
            events.record_for_enquiry(
                RightsEventKind.LAPSE,
                consent.enquiry_id,
                at=at,
                purpose=consent.purpose,
                event_id=event_id,
            )
    return bool(changed)


@app.periodic(cron="41 * * * *", periodic_id="marketing-consents-lapse")
@app.task(
    queue="maintenance",
    queueing_lock="marketing-consents-lapse",
    name="contacts.lapse_unconfirmed_marketing",
)
@fresh_connection
def lapse_unconfirmed(timestamp: int) -> None:
    """Hourly: unconfirmed marketing consents past their time are recorded as lapsed."""
    logger.info("Marketing confirmation: %s unconfirmed consents lapsed", lapse())
