"""Enquiries made directly in the database, for tests that do not go through the form."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from contacts.models import Consent, Enquiry, Notification
from privacy.models import NoticeVersion
from privacy.registry import get_registry


def make_enquiry(*, received_at: dt.datetime | None = None, **fields) -> Enquiry:
    received_at = received_at or timezone.now()
    defaults = {
        "name": "Ola Nordmann",
        "email": "ola@example.no",
        "phone": "+4791234567",
        "received_at": received_at,
        "last_activity_at": received_at,
        "retain_until": received_at + dt.timedelta(days=365),
        "form_nonce": secrets.token_urlsafe(16),
    }
    enquiry = Enquiry.objects.create(**{**defaults, **fields})
    version = NoticeVersion.objects.for_notice(get_registry().in_force())
    Consent.objects.create(
        enquiry=enquiry,
        purpose="enquiry",
        given=True,
        label_text="Jeg samtykker.",
        given_at=received_at,
        notice_version=version,
    )
    Notification.objects.create(enquiry=enquiry)
    return enquiry
