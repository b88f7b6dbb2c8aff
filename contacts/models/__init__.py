"""The contacts app's models: enquiries with their notes (`enquiry`), their consent
evidence (`consent`), and the records kept about them without personal data (`records`)."""

from contacts.models.consent import Consent, ConsentPurpose, WithdrawalChannel
from contacts.models.enquiry import (
    OPEN_STATUSES,
    Enquiry,
    EnquiryQuerySet,
    EnquiryStatus,
    FormLocation,
    Note,
)
from contacts.models.records import (
    AuditAction,
    AuditEntry,
    ErasureReason,
    ErasureRecord,
    Notification,
    NotificationState,
)

__all__ = [
    "OPEN_STATUSES",
    "AuditAction",
    "AuditEntry",
    "Consent",
    "ConsentPurpose",
    "Enquiry",
    "EnquiryQuerySet",
    "EnquiryStatus",
    "ErasureReason",
    "ErasureRecord",
    "FormLocation",
    "Note",
    "Notification",
    "NotificationState",
    "WithdrawalChannel",
]
