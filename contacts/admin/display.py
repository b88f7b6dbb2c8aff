"""How the admin shows things in its narrow columns (times: common/dates.py)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import format_html

from staff.display import yes_no_icon


def is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def breakable(text: str) -> str:
    """An address or user name that may wrap after its dots and before its @ (<wbr>), so
    that a long one does not widen its column; copied, it is the same text."""
    parts = re.split(r"(?<=[._])|(?=@)", text)
    return format_html("{}" + "<wbr>{}" * (len(parts) - 1), *parts)


def marketing_column(enquiry) -> str:
    """A marketing consent in force, one waiting for the person to confirm it (double
    opt-in), or none; `enquiry` annotated by `EnquiryQuerySet.with_marketing_consent`."""
    return "venter på bekreftelse" if enquiry.marketing_pending else yes_no_icon(enquiry.marketing)
