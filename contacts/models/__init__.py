"""The contacts app's models: enquiries with their notes (`enquiry`), their consent
evidence (`consent`), the records kept about them without personal data (`records`), and
data subjects' requests and objections (`subject`)."""

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
    LiftTold,
    Notification,
    NotificationState,
    RestrictionLift,
    RightsEvent,
    RightsEventKind,
)
from contacts.models.subject import (
    AccessLink,
    MarketingSuppression,
    SubjectRequest,
    SubjectRequestChannel,
    SubjectRequestKind,
    one_month_after,
)

__all__ = [
    "OPEN_STATUSES",
    "AccessLink",
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
    "LiftTold",
    "MarketingSuppression",
    "Note",
    "Notification",
    "NotificationState",
    "RestrictionLift",
    "RightsEvent",
    "RightsEventKind",
    "SubjectRequest",
    "SubjectRequestChannel",
    "SubjectRequestKind",
    "WithdrawalChannel",
    "one_month_after",
]
