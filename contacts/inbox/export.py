"""The CSV export of selected enquiries, for staff who work in a spreadsheet. Audited.

Restricted enquiries (GDPR art. 18) are never exported, nor those whose address objected
to marketing (art. 21(2), the suppression list in contacts/rights/suppression.py): a
spreadsheet is where a mailing list starts. Each row carries, for a marketing consent in
force, when it was given and under which notice version, so that a mailing list built from
the export can still show the consent it rests on, and the consent's one-click withdrawal
link, for the mail tool to put in its messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from contacts.audit import audit
from contacts.intake import consent_links
from contacts.models import (
    AuditAction,
    Consent,
    ConsentPurpose,
    Enquiry,
    MarketingSuppression,
)
from contacts.retention.keys import person_key
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
    # Each row's own one-click link (contacts.rights.withdrawal): for the mail tool's
    # unsubscribe link and List-Unsubscribe header, so a withdrawal there reaches us.
    ("withdrawal_link", "Lenke for å trekke tilbake samtykket"),
]


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula: make it plain text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _local(when: dt.datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(when).strftime(pattern) if when else ""


def _withdrawal_link(enquiry: Enquiry) -> str:
    if enquiry.marketing_consent_id is None:
        return ""
    return consent_links.link(
        consent_links.WITHDRAW, enquiry.marketing_consent_id, enquiry.form_nonce
    )


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
            "withdrawal_link": _withdrawal_link(enquiry),
        }
        writer.writerow(
            [_csv_cell(values.get(field, getattr(enquiry, field, ""))) for field, _ in CSV_COLUMNS]
        )
    audit(actor=actor, action=AuditAction.EXPORT, ids=[e.pk for e in enquiries])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


CHANGES_COLUMNS = ["E-post", "Hva", "Når"]
WITHDREW = "Trakk tilbake samtykket til markedsføring"
OBJECTED = "Sa nei til markedsføring"


def withdrawn_or_objected_since(*, since: dt.date, actor: AbstractBaseUser) -> bytes:
    """The CSV "trukket tilbake eller reservert siden <dato>": the addresses that withdrew
    a marketing consent or objected to marketing on or after `since`, for the company to
    update its mail tool, written as `export_csv` writes. An objection whose address we
    no longer hold is a keyed hash only, and cannot be listed. Audited."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    rows: list[tuple[str, str, dt.datetime]] = []
    ids: set[int] = set()
    withdrawn = Consent.objects.filter(
        purpose=ConsentPurpose.MARKETING, withdrawn_at__gte=start
    ).values_list("enquiry_id", "enquiry__email", "withdrawn_at")
    for enquiry_id, email, at in withdrawn:
        rows.append((email, WITHDREW, at))
        ids.add(enquiry_id)
    objections = dict(
        MarketingSuppression.objects.filter(created_at__gte=start).values_list(
            "person_key", "created_at"
        )
    )
    found: set[str] = set()
    for enquiry_id, email in Enquiry.objects.values_list("pk", "email").iterator():
        key = person_key(email)
        if key in objections:
            ids.add(enquiry_id)
            if key not in found:
                found.add(key)
                rows.append((email, OBJECTED, objections[key]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CHANGES_COLUMNS)
    for email, what, at in sorted(rows, key=lambda row: (row[2], row[0])):
        writer.writerow([_csv_cell(email), what, _local(at)])
    audit(actor=actor, action=AuditAction.EXPORT, ids=ids)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
