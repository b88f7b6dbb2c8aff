"""The CSV export of selected enquiries, for staff who work in a spreadsheet. Audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from contacts.models import AuditAction, Enquiry
from contacts.services.audit import audit

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
    ("retain_until", "Slettes etter"),
]


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula: make it plain text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(*, ids: Iterable[int], actor: AbstractBaseUser) -> bytes:
    """The enquiries as CSV, UTF-8 with a BOM so Excel reads æ, ø and å. Audited."""
    enquiries = list(
        Enquiry.objects.filter(pk__in=list(ids))
        .select_related("assignee")
        .with_marketing_consent()
        .order_by("received_at", "pk")
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([title for _, title in CSV_COLUMNS])
    for enquiry in enquiries:
        values = {
            "id": enquiry.pk,
            "received_at": timezone.localtime(enquiry.received_at).strftime("%Y-%m-%d %H:%M"),
            "status": enquiry.get_status_display(),
            "assignee": enquiry.assignee.get_username() if enquiry.assignee else "",
            "marketing": "Ja" if enquiry.marketing else "Nei",
            "retain_until": timezone.localtime(enquiry.retain_until).strftime("%Y-%m-%d"),
        }
        writer.writerow(
            [_csv_cell(values.get(field, getattr(enquiry, field, ""))) for field, _ in CSV_COLUMNS]
        )
    audit(actor=actor, action=AuditAction.EXPORT, ids=[e.pk for e in enquiries])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
