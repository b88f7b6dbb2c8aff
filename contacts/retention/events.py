"""Appending to the rights log (`RightsEvent`; what it is and how it survives a restore:
contacts/rights/log.py). Here, below every domain that records into it: erasure
(retention) as well as the rights.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.utils import timezone

from contacts.models import Enquiry, RightsEvent
from contacts.retention.keys import nonce_key


def record_for_enquiries(
    kind: str,
    rows: Iterable[tuple[int, str, dt.datetime]],
    *,
    at: dt.datetime | None = None,
    purpose: str = "",
    channel: str = "",
    event_id: uuid.UUID | None = None,
) -> list[RightsEvent]:
    """Append one event per enquiry, given as (id, form nonce, received at). `event_id`
    is a replayed event's own (one enquiry only)."""
    at = at or timezone.now()
    events = [
        RightsEvent(
            kind=kind,
            at=at,
            enquiry_id=pk,
            nonce_key=nonce_key(nonce),
            received_at=received_at,
            purpose=purpose,
            channel=channel,
            **({"event_id": event_id} if event_id else {}),
        )
        for pk, nonce, received_at in rows
    ]
    return RightsEvent.objects.bulk_create(events)


def record_for_enquiry(kind: str, enquiry_id: int, **options) -> list[RightsEvent]:
    rows = Enquiry.objects.filter(pk=enquiry_id).values_list("pk", "form_nonce", "received_at")
    return record_for_enquiries(kind, rows, **options)


def record_for_person(
    kind: str,
    person_key: str,
    *,
    at: dt.datetime | None = None,
    channel: str = "",
    event_id: uuid.UUID | None = None,
) -> RightsEvent:
    return RightsEvent.objects.create(
        kind=kind,
        at=at or timezone.now(),
        person_key=person_key,
        channel=channel,
        **({"event_id": event_id} if event_id else {}),
    )
