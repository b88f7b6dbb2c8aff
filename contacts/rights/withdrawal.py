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
from contacts.models import AuditAction, Consent, RightsEventKind
from contacts.retention import events


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
