"""Staff acted on enquiries now: the fields every staff action writes, for rows updated in
bulk. Retention follows contacts/retention/rules.py: activity moves the retention date
forward; on spam it only ever comes closer; in quarantine it stays until the enquiry is let
in (contacts/intake/quarantine.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, When

from contacts.models import EnquiryStatus
from contacts.retention.rules import retention_date_expression, spam_retention_date_expression


def staff_acted(now: dt.datetime, *, status: str | None = None) -> dict:
    """Field values for "staff acted now", for rows updated in bulk. `status`: the status
    the rows are given, if the action sets one; else each row's own counts."""
    spam = spam_retention_date_expression(now)
    usual = retention_date_expression(now)
    if status is None:
        # In quarantine the date stays as it is until the enquiry is let in.
        retain_until = Case(
            When(status=EnquiryStatus.SPAM, then=spam),
            When(status=EnquiryStatus.QUARANTINE, then=F("retain_until")),
            default=usual,
        )
    else:
        retain_until = spam if status == EnquiryStatus.SPAM else usual
    return {"last_activity_at": now, "retain_until": retain_until}
