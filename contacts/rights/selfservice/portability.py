"""The JSON copy for data portability (GDPR art. 20): only what the person gave us through
the form, and their consents, under stable field codes (never display labels), with times
in ISO 8601 and the schema's version. The schema ships beside this module
(`schema/dine-opplysninger-1.json`) and is served at /personvern/mine-opplysninger/skjema/1.json.

A change that renames or removes a field is a new schema version; adding an optional field
is not.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from contacts.models import Consent, Enquiry

SCHEMA_VERSION = "dine-opplysninger/1"
SCHEMA_FILE = Path(__file__).parent / "schema" / "dine-opplysninger-1.json"


def _when(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _consent(consent: Consent) -> dict:
    return {
        "purpose": consent.purpose,
        "given": consent.given,
        "label_text": consent.label_text,
        "given_at": _when(consent.given_at),
        "notice_version": consent.notice_version.version,
        "withdrawn_at": _when(consent.withdrawn_at),
        "withdrawal_channel": consent.withdrawal_channel or None,
        "confirmed_at": _when(consent.confirmed_at),
        "lapsed_at": _when(consent.lapsed_at),
    }


def _enquiry(enquiry: Enquiry) -> dict:
    return {
        "received_at": _when(enquiry.received_at),
        "name": enquiry.name,
        "company": enquiry.company,
        "email": enquiry.email,
        "phone": enquiry.phone,
        "message": enquiry.message,
        "notice_version": enquiry.notice_version.version,
        "consents": [_consent(c) for c in enquiry.consents.all()],
    }


def portable_copy(enquiries: list[Enquiry]) -> dict:
    """The person's data as a dict that validates against the shipped schema."""
    return {
        "schema": SCHEMA_VERSION,
        "controller": settings.COMPANY["name"],
        "generated_at": _when(timezone.now()),
        "enquiries": [_enquiry(e) for e in enquiries],
    }


def as_json(enquiries: list[Enquiry]) -> bytes:
    return json.dumps(portable_copy(enquiries), ensure_ascii=False, indent=2).encode("utf-8")


def schema_text() -> bytes:
    return SCHEMA_FILE.read_bytes()
