"""Every write that touches enquiries goes through here, each in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterable

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone

from contacts.models import (
    AuditAction,
    AuditEntry,
    Consent,
    ConsentPurpose,
    Enquiry,
    EnquiryStatus,
    ErasureReason,
    ErasureRecord,
    Note,
    Notification,
    NotificationState,
    retention_date,
)
from privacy.models import NoticeVersion

logger = logging.getLogger(__name__)

# How long a sender may hold a notification before another may try it.
CLAIM_SECONDS = 300


def submit_enquiry(
    *,
    name: str,
    company: str,
    email: str,
    phone: str,
    message: str,
    marketing: bool,
    labels: dict[str, str],
    notice_version: NoticeVersion,
    nonce: str,
) -> Enquiry | None:
    """Store an enquiry with its consent evidence and queue the staff notification.

    Returns None when the form's nonce was already used (a refresh or a double click):
    the unique constraint refuses the second one and nothing more is stored.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            enquiry = Enquiry.objects.create(
                name=name,
                company=company,
                email=email,
                phone=phone,
                message=message,
                received_at=now,
                last_activity_at=now,
                retain_until=retention_date(now, now),
                form_nonce=nonce,
            )
            given = {ConsentPurpose.ENQUIRY: True, ConsentPurpose.MARKETING: marketing}
            Consent.objects.bulk_create(
                Consent(
                    enquiry=enquiry,
                    purpose=purpose,
                    given=given[purpose],
                    label_text=labels[purpose],
                    given_at=now,
                    notice_version=notice_version,
                )
                for purpose in ConsentPurpose
            )
            # Claimed by this process from the start: it sends right after the commit. Should
            # it die first, the claim runs out and send_pending_notifications takes over.
            notification = Notification.objects.create(
                enquiry=enquiry,
                created_at=now,
                attempts=1,
                claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
            )
            transaction.on_commit(lambda: _send(notification.pk, enquiry.pk))
    except IntegrityError:
        if Enquiry.objects.filter(form_nonce=nonce).exists():
            return None
        raise
    logger.info("Enquiry #%s stored", enquiry.pk)
    return enquiry


def _notification_text(enquiry_id: int) -> tuple[str, str]:
    path = reverse("admin:contacts_enquiry_change", args=[enquiry_id])
    subject = "Ny henvendelse fra nettstedet"
    body = (
        "Det har kommet 1 ny henvendelse via kontaktskjemaet på nettstedet.\n\n"
        f"Åpne henvendelsen: {settings.SITE_URL}{path}\n\n"
        "Av personvernhensyn står ingen personopplysninger i denne e-posten.\n"
    )
    return subject, body


def _claim(notification_id: int, now: dt.datetime) -> bool:
    """Take a notification for sending; False if sent, or held by another sender."""
    return bool(
        Notification.objects.filter(pk=notification_id)
        .exclude(state=NotificationState.SENT)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1
        )
    )


def _send(notification_id: int, enquiry_id: int) -> bool:
    """Send a claimed notification and record the outcome. True when sent."""
    recipients = settings.CONTACTS_NOTIFY_EMAILS
    if not recipients:
        logger.warning("No PILARO_NOTIFY_EMAILS set: notification %s waits", notification_id)
        Notification.objects.filter(pk=notification_id).update(claimed_until=None)
        return False
    try:
        subject, body = _notification_text(enquiry_id)
        send_mail(subject, body, None, recipients)
    except Exception as exc:  # any failure leaves it for the retry command
        Notification.objects.filter(pk=notification_id).update(
            state=NotificationState.FAILED, last_error=type(exc).__name__, claimed_until=None
        )
        logger.warning(
            "Notification %s not sent (%s); it will be retried",
            notification_id,
            type(exc).__name__,
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), last_error="", claimed_until=None
    )
    return True


def deliver_notification(notification_id: int) -> bool:
    """Send one notification if nobody else is sending it. True when sent."""
    if not _claim(notification_id, timezone.now()):
        return False
    enquiry_id = Notification.objects.values_list("enquiry_id", flat=True).get(pk=notification_id)
    return _send(notification_id, enquiry_id)


def send_pending_notifications(*, limit: int = 500) -> tuple[int, int]:
    """Retry notifications not yet sent. Returns (sent, not sent). Safe to run twice at once."""
    ids = list(
        Notification.objects.exclude(state=NotificationState.SENT)
        .filter(attempts__lt=settings.CONTACTS_NOTIFY_MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(deliver_notification(pk) for pk in ids)
    return sent, len(ids) - sent


def audit(*, actor: AbstractBaseUser | None, action: str, ids: Iterable[int]) -> AuditEntry:
    """Append one line to the audit log: who, when, what, which enquiry numbers."""
    ids = sorted(set(ids))
    return AuditEntry.objects.create(actor=actor, action=action, enquiry_ids=ids, count=len(ids))


def _activity(now: dt.datetime) -> dict:
    """Field values for "staff acted now": the retention date moves, within the maximum."""
    return {
        "last_activity_at": now,
        "retain_until": Least(
            Value(now + dt.timedelta(days=settings.CONTACTS_RETENTION_DAYS)),
            ExpressionWrapper(
                F("received_at") + Value(dt.timedelta(days=settings.CONTACTS_RETENTION_MAX_DAYS)),
                output_field=DateTimeField(),
            ),
        ),
    }


def assign(*, ids: Iterable[int], assignee: AbstractBaseUser | None) -> int:
    with transaction.atomic():
        return Enquiry.objects.filter(pk__in=list(ids)).update(
            assignee=assignee, **_activity(timezone.now())
        )


def set_status(*, ids: Iterable[int], status: str) -> int:
    if status not in EnquiryStatus.values:
        raise ValueError(f"unknown status {status!r}")
    with transaction.atomic():
        return Enquiry.objects.filter(pk__in=list(ids)).update(
            status=status, **_activity(timezone.now())
        )


def add_note(*, enquiry: Enquiry, author: AbstractBaseUser, text: str) -> Note:
    with transaction.atomic():
        now = timezone.now()
        note = Note.objects.create(enquiry=enquiry, author=author, text=text, created_at=now)
        Enquiry.objects.filter(pk=enquiry.pk).update(**_activity(now))
    return note


def save_enquiry(*, enquiry: Enquiry, changed: Iterable[str], actor: AbstractBaseUser) -> None:
    """Save staff edits from the change form: activity moves retention; holds are audited."""
    changed = set(changed)
    with transaction.atomic():
        previous_hold = (
            Enquiry.objects.filter(pk=enquiry.pk)
            .values_list("legal_hold_reason", flat=True)
            .first()
        )
        if changed & {"status", "assignee", "name", "company", "email", "phone", "message"}:
            enquiry.touch()
        enquiry.save()
        if "legal_hold_reason" in changed and previous_hold != enquiry.legal_hold_reason:
            action = (
                AuditAction.LEGAL_HOLD_SET
                if enquiry.legal_hold_reason
                else AuditAction.LEGAL_HOLD_RELEASED
            )
            audit(actor=actor, action=action, ids=[enquiry.pk])


def record_withdrawal(*, consent: Consent, channel: str, actor: AbstractBaseUser) -> bool:
    """Record that a given consent was withdrawn, now, by the stated channel. Once only."""
    with transaction.atomic():
        now = timezone.now()
        changed = Consent.objects.filter(
            pk=consent.pk, given=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawal_channel=channel)
        if changed:
            Enquiry.objects.filter(pk=consent.enquiry_id).update(**_activity(now))
            audit(actor=actor, action=AuditAction.WITHDRAWAL, ids=[consent.enquiry_id])
    return bool(changed)


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
        .annotate(marketing=marketing_consent_in_force())
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


def marketing_consent_in_force() -> Exists:
    return Exists(
        Consent.objects.filter(
            enquiry=OuterRef("pk"),
            purpose=ConsentPurpose.MARKETING,
            given=True,
            withdrawn_at__isnull=True,
        )
    )


def normalise_phone(text: str) -> str | None:
    """E.164 for a phone number typed any way (Norway by default), None if it is not one."""
    try:
        number = phonenumbers.parse(text, "NO")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_subject_records(
    *, email: str = "", phone: str = "", actor: AbstractBaseUser
) -> list[Enquiry]:
    """Every enquiry, with its notes and consents, about the person with this e-mail or phone."""
    condition = Q(pk__in=[])
    if email.strip():
        condition |= Q(email__iexact=email.strip())
    e164 = normalise_phone(phone) if phone.strip() else None
    if e164:
        condition |= Q(phone=e164)
    enquiries = list(
        Enquiry.objects.filter(condition)
        .prefetch_related("notes", "consents__notice_version")
        .order_by("received_at", "pk")
    )
    audit(actor=actor, action=AuditAction.SUBJECT_SEARCH, ids=[e.pk for e in enquiries])
    return enquiries


def subject_data(enquiries: list[Enquiry]) -> dict:
    """Everything held about a person, as plain data (GDPR articles 15 and 20)."""

    def when(value: dt.datetime | None) -> str | None:
        return timezone.localtime(value).isoformat() if value else None

    return {
        "behandlingsansvarlig": settings.COMPANY["name"],
        "generert": when(timezone.now()),
        "henvendelser": [
            {
                "nr": e.pk,
                "navn": e.name,
                "firma": e.company,
                "epost": e.email,
                "telefon": e.phone,
                "melding": e.message,
                "mottatt": when(e.received_at),
                "siste_aktivitet": when(e.last_activity_at),
                "status": e.get_status_display(),
                "slettes_etter": when(e.retain_until),
                "samtykker": [
                    {
                        "formål": c.get_purpose_display(),
                        "gitt": c.given,
                        "tekst_som_ble_vist": c.label_text,
                        "registrert": when(c.given_at),
                        "personvernerklæring_versjon": c.notice_version.version,
                        "trukket_tilbake": when(c.withdrawn_at),
                        "trukket_tilbake_via": c.get_withdrawal_channel_display() or None,
                    }
                    for c in e.consents.all()
                ],
                "notater": [
                    {"tidspunkt": when(n.created_at), "tekst": n.text} for n in e.notes.all()
                ],
            }
            for e in enquiries
        ],
    }


def subject_download(*, enquiries: list[Enquiry], actor: AbstractBaseUser) -> dict:
    audit(actor=actor, action=AuditAction.SUBJECT_DOWNLOAD, ids=[e.pk for e in enquiries])
    return subject_data(enquiries)


def erase_enquiries(
    *, ids: Iterable[int], reason: str, actor: AbstractBaseUser | None = None
) -> int:
    """Delete enquiries with their consents, notes and notifications; record each erasure.

    One transaction: either every listed enquiry is gone, recorded and audited, or none is.
    """
    ids = list(ids)
    with transaction.atomic():
        found = list(
            Enquiry.objects.filter(pk__in=ids).select_for_update().values_list("pk", flat=True)
        )
        if not found:
            return 0
        now = timezone.now()
        ErasureRecord.objects.bulk_create(
            [
                ErasureRecord(enquiry_id=pk, erased_at=now, reason=reason, actor=actor)
                for pk in found
            ],
            ignore_conflicts=True,
        )
        Enquiry.objects.filter(pk__in=found).only("pk").delete()
        audit(actor=actor, action=AuditAction.ERASURE, ids=found)
    return len(found)


def purge_expired(*, now: dt.datetime, batch_size: int = 2000, dry_run: bool = False) -> int:
    """Erase every enquiry past its retention date, in primary-key batches.

    Each batch locks its rows with SKIP LOCKED, so two purges at once share the work and
    never erase the same enquiry twice. Memory holds one batch of ids at a time, and each
    batch starts after the last one's highest id, so no batch walks again over the index
    entries of rows already deleted (that would make a million rows quadratic).
    """
    if dry_run:
        return Enquiry.objects.expired(now).count()
    erased, last_pk = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                Enquiry.objects.expired(now)
                .filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return erased
            erased += erase_enquiries(ids=ids, reason=ErasureReason.RETENTION)
            last_pk = ids[-1]
