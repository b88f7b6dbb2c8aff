from __future__ import annotations

from django import template
from django.conf import settings

from contacts.models import Enquiry
from contacts.services import subject_log

register = template.Library()


@register.simple_tag
def enquiry_counts() -> dict[str, int]:
    return Enquiry.objects.index_counts()


@register.simple_tag
def subject_request_counts() -> dict[str, int]:
    """Open subject requests, how many are overdue and how many are due within the days
    staff are warned (CONTACTS_SUBJECT_REQUEST_WARN_DAYS)."""
    days = settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS
    return {**subject_log.deadline_counts(), "days": days}
