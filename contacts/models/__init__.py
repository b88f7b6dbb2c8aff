"""The contacts app's models: enquiries with their consents and notes (`enquiry`), and the
records kept about them without personal data (`records`)."""

from contacts.models.enquiry import (
    OPEN_STATUSES,
    Consent,
    ConsentPurpose,
    Enquiry,
    EnquiryQuerySet,
    EnquiryStatus,
    Note,
    WithdrawalChannel,
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
    "Note",
    "Notification",
    "NotificationState",
    "WithdrawalChannel",
]
