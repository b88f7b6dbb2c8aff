"""Restriction of processing (GDPR art. 18): staff mark an enquiry restricted, with the
reason, and lift it again. Both are audited.

While an enquiry is restricted it is only stored: it is left out of the CSV export, no
staff notification is sent about it (the notification waits and is queued again when the
restriction is lifted), and its status and assignee cannot be changed. What remains
possible is what the person has a right to: erasure, withdrawing a consent, access to
their data (art. 15), and correcting it (art. 16: a restriction while accuracy is
contested ends with the correction). Nor is it erased when its retention date passes
(art. 18(1)(b) and (c): the person asked us to keep it, or needs it for a claim): the
nightly purge leaves it alone until the restriction is lifted (EnquiryQuerySet.expired).
The guard that the other changes consult is contacts/restricted.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from common import mail
from common.dates import in_words
from common.mail import render_text
from common.urls import absolute_reverse
from contacts.audit import audit
from contacts.intake import notifications
from contacts.intake.notifications import MAIL_RETRY
from contacts.models import AuditAction, Enquiry, LiftTold, RestrictionLift, RightsEventKind
from contacts.retention import events
from jobs import queue as jobs
from jobs.queue import fresh_connection

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 300


def restrict(
    *,
    enquiry: Enquiry,
    reason: str,
    actor: AbstractBaseUser | None,
    at: dt.datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> bool:
    """Restrict processing of the enquiry, now, for the stated reason. Audited, and in the
    rights log. False when it was restricted already (the first reason stands). `at` and
    `event_id` are a replayed event's (contacts.rights.log)."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"a restriction needs a reason of 1 to {REASON_MAX_LENGTH} characters")
    with transaction.atomic():
        now = at or timezone.now()
        changed = Enquiry.objects.filter(pk=enquiry.pk, restricted_at__isnull=True).update(
            restricted_reason=reason, restricted_at=now
        )
        if changed:
            audit(actor=actor, action=AuditAction.RESTRICTION_SET, ids=[enquiry.pk])
            events.record_for_enquiry(
                RightsEventKind.RESTRICTION, enquiry.pk, at=now, event_id=event_id
            )
    enquiry.refresh_from_db(fields=["restricted_reason", "restricted_at"])
    return bool(changed)


def lift_restriction(
    *,
    enquiry: Enquiry,
    actor: AbstractBaseUser | None,
    told: LiftTold,
    told_how: str = "",
    at: dt.datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> bool:
    """Lift the restriction, recording how the person was told (art. 18(3)): by the site's
    e-mail, queued here, or in another way staff name. Audited, and in the rights log; a
    staff notification that waited is queued again. False when the enquiry was not
    restricted. `at` and `event_id` are a replayed event's (contacts.rights.log)."""
    told_how = told_how.strip()
    if told == LiftTold.OTHER and not told_how:
        raise ValueError("say how the person was told")
    with transaction.atomic():
        changed = Enquiry.objects.filter(pk=enquiry.pk, restricted_at__isnull=False).update(
            restricted_reason="", restricted_at=None
        )
        if changed:
            now = at or timezone.now()
            lift = RestrictionLift.objects.create(
                enquiry=enquiry, told=told, told_how=told_how, actor=actor, lifted_at=now
            )
            audit(actor=actor, action=AuditAction.RESTRICTION_LIFTED, ids=[enquiry.pk])
            events.record_for_enquiry(
                RightsEventKind.RESTRICTION_LIFTED,
                enquiry.pk,
                at=now,
                channel=told,
                event_id=event_id,
            )
            notifications.queue_again(enquiry_id=enquiry.pk)
            if told == LiftTold.SITE_EMAIL:
                jobs.defer(send_restriction_lifted, lift_id=lift.pk)
    enquiry.refresh_from_db(fields=["restricted_reason", "restricted_at"])
    return bool(changed)


SUBJECT = "Begrensningen av behandlingen er opphevet"


def lifted_message(lift: RestrictionLift) -> str:
    """The person's e-mail: what was lifted and what it means, and nothing they wrote."""
    return render_text(
        "contacts/mail/restriction_lifted.txt",
        {
            "received": in_words(lift.enquiry.received_at, with_time=False),
            "selfservice": absolute_reverse("selfservice:request"),
            "company": settings.COMPANY["name"],
        },
    )


@app.task(queue="notifications", name="contacts.send_restriction_lifted", retry=MAIL_RETRY)
@fresh_connection
def send_restriction_lifted(lift_id: int) -> None:
    """Its argument is the lift's number: no address waits in the queue. Nothing is sent
    when the enquiry was erased meanwhile."""
    lift = RestrictionLift.objects.select_related("enquiry").filter(pk=lift_id).first()
    if lift is None:
        logger.info("Restriction lifted: the enquiry is gone, no e-mail")
        return
    try:
        mail.send(SUBJECT, lifted_message(lift) + "\n", [lift.enquiry.email.strip()])
    except Exception as exc:
        # The class only: an SMTP error's text can quote the recipient.
        logger.warning("Restriction lifted: e-mail not sent (%s)", type(exc).__name__)
        raise
    logger.info("Restriction lifted: e-mail sent")
