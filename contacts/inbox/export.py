"""The CSV export of selected enquiries, for staff who work in a spreadsheet. Audited.

Restricted enquiries (GDPR art. 18) are never exported, nor those whose address objected
to marketing (art. 21(2), the suppression list in contacts/rights/suppression.py): a
spreadsheet is where a mailing list starts. Each row carries, for a marketing consent in
force, when it was given and under which notice version, so that a mailing list built from
the export can still show the consent it rests on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from contacts.audit import audit
from contacts.models import AuditAction, Enquiry
from contacts.rights.suppression import leave_out_suppressed

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    ("id", "Nr."),
    ("received_at", "Mottatt"),
    ("name", "Navn"),
    ("company", "Firma"),
    ("email", "E-post"),
    ("phone", "Telefon"),
    ("message", "Melding"),
    ("status", "Status"),
    ("assignee", "Saksbehandler"),
    ("marketing", "Samtykke til markedsføring"),
    ("marketing_given_at", "Markedsføring samtykke gitt"),
    ("marketing_notice_version", "Markedsføring samtykke versjon"),
    ("retain_until", "Slettes etter"),
]


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula: make it plain text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _local(when: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(when).strftime(pattern) if when else ""


def export_csv(*, ids: Iterable[int], actor: AbstractBaseUser) -> bytes:
    """The enquiries as CSV, UTF-8 with a BOM so Excel reads æ, ø and å, leaving out the
    restricted ones and suppressed addresses. Audited: the entry names those exported."""
    enquiries = leave_out_suppressed(
        Enquiry.objects.filter(pk__in=list(ids))
        .unrestricted()
        .select_related("assignee")
        .with_marketing_consent()
        .with_marketing_consent_evidence()
        .order_by("received_at", "pk")
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([title for _, title in CSV_COLUMNS])
    for enquiry in enquiries:
        values = {
            "id": enquiry.pk,
            "received_at": _local(enquiry.received_at),
            "status": enquiry.get_status_display(),
            "assignee": enquiry.assignee.get_username() if enquiry.assignee else "",
            "marketing": "Ja" if enquiry.marketing else "Nei",
            "marketing_given_at": _local(enquiry.marketing_given_at),
            "retain_until": _local(enquiry.retain_until, "%Y-%m-%d"),
        }
        writer.writerow(
            [_csv_cell(values.get(field, getattr(enquiry, field, ""))) for field, _ in CSV_COLUMNS]
        )
    audit(actor=actor, action=AuditAction.EXPORT, ids=[e.pk for e in enquiries])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
