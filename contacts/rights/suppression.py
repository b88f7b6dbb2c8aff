"""Objections to marketing (GDPR art. 21(2)): the suppression list.

An address that objected is kept as a keyed hash (`contacts.retention.keys.person_key`), never in
clear, in `MarketingSuppression`: it outlives the person's enquiries and the nightly purge,
so that a later enquiry or an old export can never bring the address back into marketing.
Every selection of people for marketing, and the CSV export staff may build a mailing
list from, goes through `leave_out_suppressed`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from contacts.models import Enquiry, EnquiryQuerySet, MarketingSuppression
from contacts.retention.keys import person_key


def object_to_marketing(*, email: str, channel: str) -> bool:
    """Put the address on the suppression list. True when it was not on it already."""
    try:
        with transaction.atomic():
            _, created = MarketingSuppression.objects.get_or_create(
                person_key=person_key(email), defaults={"channel": channel}
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
