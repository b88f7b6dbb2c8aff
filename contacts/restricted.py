"""The guard every change to an enquiry consults: a restricted enquiry (GDPR art. 18,
contacts/rights/restriction.py) refuses status and assignee changes, contact records and
being let in from quarantine. Here, below every domain, so that each can ask it."""

from __future__ import annotations

from collections.abc import Iterable

from contacts.models import Enquiry

RESTRICTED_MESSAGE = (
    "Henvendelsen er begrenset (art. 18) og kan ikke endres før begrensningen er opphevet."
)


class EnquiryRestricted(Exception):
    """A change refused because these enquiries are restricted. Nothing was saved."""

    def __init__(self, ids: Iterable[int], *, selected: int = 1) -> None:
        self.ids = sorted(ids)
        self.selected = selected  # how many the refused change was for
        super().__init__(RESTRICTED_MESSAGE)

    def for_staff(self) -> str:
        """The refusal in Norwegian; for a selection, that none of it changed and which
        enquiries are restricted."""
        if self.selected == 1:
            return RESTRICTED_MESSAGE
        numbers = ", ".join(f"#{pk}" for pk in self.ids)
        return (
            f"Ingen av de valgte henvendelsene ble endret: {numbers} er begrenset (art. 18) og "
            "kan ikke endres før begrensningen er opphevet."
        )


def lock_unrestricted(ids: Iterable[int]) -> list[int]:
    """Lock the enquiries with these ids for this transaction and return the ids found;
    raise EnquiryRestricted, changing nothing, when any of them is restricted."""
    rows = list(
        Enquiry.objects.filter(pk__in=list(ids))
        .select_for_update()
        .values_list("pk", "restricted_at")
    )
    restricted = [pk for pk, restricted_at in rows if restricted_at is not None]
    if restricted:
        raise EnquiryRestricted(restricted, selected=len(rows))
    return [pk for pk, _ in rows]
