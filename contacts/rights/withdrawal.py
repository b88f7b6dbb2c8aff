"""Withdrawing a consent (GDPR art. 7(3)): recorded once, with how it was withdrawn.
Staff record one that came by e-mail, phone or letter (the admin); the person withdraws
their own marketing consents on their self-service page (selfservice/actions.py)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contacts.audit import audit
from contacts.intake import consent_links
from contacts.models import (
    AuditAction,
    Consent,
    RightsEventKind,
    SubjectRequestChannel,
    SubjectRequestKind,
    WithdrawalChannel,
)
from contacts.retention import events
from contacts.rights import subject_log, suppression


def record_withdrawal(
    *,
    consent: Consent,
    channel: str,
    actor: AbstractBaseUser | None,
    at: dt.datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> bool:
    """Record that a given consent was withdrawn, now, by the stated channel. Once only;
    in the rights log too. `at` and `event_id` are a replayed event's (contacts.rights.log).

    The enquiry's retention date does not move: a withdrawal is the person asking for
    less processing, never a reason to keep their data longer. Possible while the enquiry
    is restricted: it is the person's right."""
    with transaction.atomic():
        now = at or timezone.now()
        changed = Consent.objects.filter(
            pk=consent.pk, given=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawal_channel=channel)
        if changed:
            audit(actor=actor, action=AuditAction.WITHDRAWAL, ids=[consent.enquiry_id])
            events.record_for_enquiry(
                RightsEventKind.WITHDRAWAL,
                consent.enquiry_id,
                at=now,
                purpose=consent.purpose,
                channel=channel,
                event_id=event_id,
            )
    return bool(changed)


# --- The one-click link (art. 7(3): as easy to withdraw as to give) ------------------------


def consent_for_link(consent_id: int, token: str) -> Consent | None:
    """The marketing consent a withdrawal link names, if the link is one we made."""
    return consent_links.consent_for(consent_links.WITHDRAW, consent_id, token)


def withdraw_by_link(consent: Consent) -> bool:
    """The link's POST: withdraw the consent and put the address on the suppression list
    (someone who unsubscribes wants no marketing at all, whichever enquiry it came from).
    Both recorded, audited and in the rights log. True when anything changed."""
    with transaction.atomic():
        withdrawn = record_withdrawal(consent=consent, channel=WithdrawalChannel.LINK, actor=None)
        objected = suppression.object_to_marketing(
            email=consent.enquiry.email, channel=SubjectRequestChannel.LINK
        )
        if objected:
            subject_log.record_completed(
                kind=SubjectRequestKind.OBJECTION,
                channel=SubjectRequestChannel.LINK,
                email=consent.enquiry.email,
                outcome="Adressen er ført på listen over reservasjoner mot markedsføring.",
                enquiry_ids=[consent.enquiry_id],
            )
    return withdrawn or objected
