"""Objections to marketing (GDPR art. 21(2)): the suppression list.

An address that objected is kept as a keyed hash (`contacts.retention.keys.person_key`), never in
clear, in `MarketingSuppression`: it outlives the person's enquiries and the nightly purge,
so that a later enquiry or an old export can never bring the address back into marketing.
Every selection of people for marketing, and the CSV export staff may build a mailing
list from, goes through `leave_out_suppressed`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import Enquiry, EnquiryQuerySet, MarketingSuppression, RightsEventKind
from contacts.retention import events
from contacts.retention.keys import person_key


def object_to_marketing(*, email: str, channel: str) -> bool:
    """Put the address on the suppression list. True when it was not on it already."""
    return suppress_key(person_key=person_key(email), channel=channel)


def suppress_key(
    *,
    person_key: str,
    channel: str,
    at: dt.datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> bool:
    """Put a person, by their key, on the suppression list, and the objection in the
    rights log. True when they were not on it already. `at` and `event_id` are a replayed
    event's (contacts.rights.log)."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            _, created = MarketingSuppression.objects.get_or_create(
                person_key=person_key, defaults={"channel": channel, "created_at": at}
            )
            if created:
                events.record_for_person(
                    RightsEventKind.SUPPRESSION,
                    person_key,
                    at=at,
                    channel=channel,
                    event_id=event_id,
                )
    except IntegrityError:  # the same objection, at the same moment, from another request
        return False
    return created


def suppressed_since(email: str):
    """When the address objected to marketing; None if it has not."""
    return (
        MarketingSuppression.objects.filter(person_key=person_key(email))
        .values_list("created_at", flat=True)
        .first()
    )


def suppressed_emails(emails: Iterable[str]) -> set[str]:
    """Those of `emails` whose address is on the suppression list (as given)."""
    keys = {email: person_key(email) for email in emails}
    listed = set(
        MarketingSuppression.objects.filter(person_key__in=set(keys.values())).values_list(
            "person_key", flat=True
        )
    )
    return {email for email, key in keys.items() if key in listed}


def leave_out_suppressed(enquiries: Iterable[Enquiry]) -> list[Enquiry]:
    """The enquiries whose address has not objected to marketing."""
    enquiries = list(enquiries)
    suppressed = suppressed_emails({e.email for e in enquiries})
    return [e for e in enquiries if e.email not in suppressed]


def marketing_audience(queryset: EnquiryQuerySet | None = None) -> list[Enquiry]:
    """Enquiries that may receive marketing: a marketing consent in force, processing not
    restricted, and an address that has not objected. Any marketing selection starts here."""
    queryset = Enquiry.objects.all() if queryset is None else queryset
    candidates = queryset.unrestricted().with_marketing_consent().filter(marketing=True)
    return leave_out_suppressed(candidates)
