"""Withdrawing a consent (GDPR art. 7(3)): recorded once, with how it was withdrawn.
Staff record one that came by e-mail, phone or letter (the admin); the person withdraws
their own marketing consents on their self-service page (selfservice/actions.py)."""

from __future__ import annotations

import datetime as dt
import hmac
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from common.urls import absolute_reverse
from contacts.audit import audit
from contacts.models import (
    AuditAction,
    Consent,
    ConsentPurpose,
    RightsEventKind,
    SubjectRequestChannel,
    SubjectRequestKind,
    WithdrawalChannel,
)
from contacts.retention import events
from contacts.retention.keys import keyed
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


def link_token(consent_id: int, form_nonce: str) -> str:
    """The link's signature: a keyed hash of the consent's number and its enquiry's form
    nonce. The nonce binds it to that one submission, so a number a restore hands to
    another consent does not make an old link withdraw theirs. The key is the person
    hash key (contacts.retention.keys), not the secret key: rotating that must not break
    links already in people's inboxes."""
    return keyed("withdrawal-link", f"{consent_id}:{form_nonce}")[:LINK_TOKEN_LENGTH]


LINK_TOKEN_LENGTH = 40
LINK_TOKEN_PATTERN = rf"[0-9a-f]{{{LINK_TOKEN_LENGTH}}}"


def link_for(consent_id: int, form_nonce: str) -> str:
    """The personal withdrawal link of a marketing consent (given its enquiry's form
    nonce), absolute: for its e-mails, the CSV export and a newsletter's List-Unsubscribe
    header."""
    token = link_token(consent_id, form_nonce)
    return absolute_reverse("selfservice:one_click", args=[consent_id, token])


def consent_for_link(consent_id: int, token: str) -> Consent | None:
    """The marketing consent a link names, if the link is one we made; else None."""
    consent = (
        Consent.objects.select_related("enquiry")
        .filter(pk=consent_id, purpose=ConsentPurpose.MARKETING, given=True)
        .first()
    )
    if consent is None:
        return None
    expected = link_token(consent.pk, consent.enquiry.form_nonce)
    return consent if hmac.compare_digest(expected, token) else None


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
