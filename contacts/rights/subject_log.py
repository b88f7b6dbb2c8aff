"""Subject requests with deadlines, whichever door they came through (the person's own
page, or staff recording a request by e-mail, phone or letter): one record each, due one
month after receipt (art. 12(3)), extendable once by up to two further months with a
reason. Each staff action (an `actor` given) is written to the audit log.

The person's own words (`details`, e.g. what to correct) are personal data needed only to
carry the request out. They are kept while the request is open. Once it is completed, the
nightly purge clears them as soon as none of the enquiries it concerns is held any more
(erased on request or at the end of their retention), and at the latest
CONTACTS_RETENTION_DAYS after completion: as long as an enquiry is kept after its last
activity. The record itself (kind, channel, dates, outcome, the keyed hash of the address)
stays, as the account of how the request was handled.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.dates import short_date
from contacts.audit import audit
from contacts.models import AuditAction, SubjectRequest, one_month_after
from contacts.retention.keys import person_key
from contacts.staff_digest import DailyDigest, send_once_a_day

logger = logging.getLogger(__name__)


class ExtensionRefused(ValueError):
    """An extension that art. 12(3) does not allow; the message says why, in Norwegian."""


def received_at_on(day: dt.date, *, now: dt.datetime | None = None) -> dt.datetime:
    """When a request staff record as received on `day` came in: now if today, else noon
    in Oslo that day (its date, not its hour, sets the deadline)."""
    now = now or timezone.now()
    if day == timezone.localdate(now):
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def open_request(
    *,
    kind: str,
    channel: str,
    email: str,
    enquiry_ids: Iterable[int] = (),
    details: str = "",
    received_at: dt.datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> SubjectRequest:
    """Record a request received now (or at `received_at`), due a month later."""
    received_at = received_at or timezone.now()
    enquiry_ids = list(enquiry_ids)
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            kind=kind,
            channel=channel,
            received_at=received_at,
            due_on=one_month_after(timezone.localdate(received_at)),
            details=details,
            person_key=person_key(email),
            recorded_by=actor,
        )
        request.enquiries.set(enquiry_ids)
        if actor is not None:
            audit(actor=actor, action=AuditAction.SUBJECT_REQUEST_RECORDED, ids=enquiry_ids)
    return request


def _enquiry_ids(request: SubjectRequest) -> list[int]:
    return list(request.enquiries.values_list("pk", flat=True))


def complete_request(
    request: SubjectRequest,
    *,
    outcome: str,
    now: dt.datetime | None = None,
    actor: AbstractBaseUser | None = None,
) -> bool:
    """Mark a request done, with its outcome in words without personal data. False when
    it was done already (nothing changes then)."""
    with transaction.atomic():
        done = SubjectRequest.objects.filter(pk=request.pk, completed_at__isnull=True).update(
            completed_at=now or timezone.now(), outcome=outcome
        )
        if done and actor is not None:
            ids = _enquiry_ids(request)
            audit(actor=actor, action=AuditAction.SUBJECT_REQUEST_COMPLETED, ids=ids)
    request.refresh_from_db()
    return bool(done)


def record_completed(
    *,
    kind: str,
    channel: str,
    email: str,
    outcome: str,
    enquiry_ids: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> SubjectRequest:
    """A request the person carried out themselves, done the moment it was made."""
    now = now or timezone.now()
    request = open_request(
        kind=kind, channel=channel, email=email, enquiry_ids=enquiry_ids, received_at=now
    )
    complete_request(request, outcome=outcome, now=now)
    return request


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later, or that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def latest_extension(request: SubjectRequest) -> dt.date:
    """How far the deadline may be moved: two further months after the first deadline."""
    return months_after(request.due_on, 2)


@dataclass(frozen=True)
class Told:
    """When and how the person was told of an extension and its reason (art. 12(3))."""

    on: dt.date | None
    how: str


def _extension_problem(
    request: SubjectRequest, to: dt.date | None, reason: str, told: Told, today: dt.date
) -> str:
    if request.completed_at is not None:
        return "Forespørselen er allerede fullført."
    if request.extended_to is not None:
        return "Fristen kan bare forlenges én gang."
    if today > request.due_on:
        return (
            f"Fristen gikk ut {short_date(request.due_on)}. En forlengelse må registreres, og "
            "den registrerte få vite om den, før fristen går ut (art. 12 nr. 3): svar nå."
        )
    if not reason.strip():
        return "Skriv hvorfor fristen forlenges."
    latest = latest_extension(request)
    if to is None or not request.due_on < to <= latest:
        return (
            f"Fristen kan forlenges til en dato etter {short_date(request.due_on)} og "
            f"senest {short_date(latest)}."
        )
    if not told.how.strip():
        return "Skriv hvordan den registrerte fikk vite om forlengelsen og hvorfor."
    if told.on is None or told.on > today:
        return "Skriv datoen den registrerte fikk vite om forlengelsen (i dag eller før)."
    return ""


def extend(
    request: SubjectRequest,
    *,
    to: dt.date,
    reason: str,
    told: Told,
    actor: AbstractBaseUser | None = None,
    today: dt.date | None = None,
) -> None:
    """Extend the deadline once, before it passes, by at most two further months, with a
    reason, recording when and how the person was told. Raises ExtensionRefused, saying
    why in Norwegian, when that is not allowed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # Locked, so two staff members extending at once cannot both get their way.
        current = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        problem = _extension_problem(current, to, reason, told, today)
        if problem:
            raise ExtensionRefused(problem)
        current.extended_to, current.extension_reason = to, reason.strip()
        current.extension_told_on, current.extension_told_how = told.on, told.how.strip()
        fields = ["extended_to", "extension_reason", "extension_told_on", "extension_told_how"]
        current.save(update_fields=fields)
        if actor is not None:
            ids = _enquiry_ids(current)
            audit(actor=actor, action=AuditAction.SUBJECT_REQUEST_EXTENDED, ids=ids)
    request.refresh_from_db()


def clear_spent_details(*, now: dt.datetime | None = None) -> int:
    """The nightly rule for the person's own words (see the module's docstring): clear
    them on completed requests whose enquiries are all gone, or completed
    CONTACTS_RETENTION_DAYS ago. Returns how many were cleared."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.CONTACTS_RETENTION_DAYS)
    links = SubjectRequest.enquiries.through.objects.filter(subjectrequest_id=OuterRef("pk"))
    return (
        SubjectRequest.objects.filter(completed_at__isnull=False)
        .exclude(details="")
        .filter(Q(completed_at__lte=cutoff) | ~Exists(links))
        .update(details="")
    )


# --- The daily reminder to staff ------------------------------------------------------------


def deadline_counts(today: dt.date | None = None) -> dict[str, int]:
    """Open requests, how many are overdue and how many are due within the warning days."""
    today = today or timezone.localdate()
    requests, days = SubjectRequest.objects, settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS
    return {
        "open": requests.open().count(),
        "overdue": requests.overdue(today).count(),
        "due_soon": requests.due_within(today, days).count(),
    }


REMINDER = DailyDigest(
    lock="contacts.subject_reminder",
    action=AuditAction.SUBJECT_DEADLINE_REMINDER,
    counts=lambda now: deadline_counts(timezone.localdate(now)),
    worth_sending=lambda counts: bool(counts["overdue"] or counts["due_soon"]),
    subject="Frister for forespørsler fra registrerte",
    template="contacts/mail/subject_deadlines.txt",
    context=lambda: {"days": settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS},
    without_recipients="No PILARO_NOTIFY_EMAILS set: no reminder about subject requests",
)


def send_deadline_reminder() -> bool:
    """E-mail staff the counts when an open request is overdue or due within
    CONTACTS_SUBJECT_REQUEST_WARN_DAYS days: at most once a day (Oslo), however often it
    runs (staff_digest). No personal data: counts and a link. True when this call sent it."""
    counts = send_once_a_day(REMINDER)
    if counts is None:
        return False
    logger.info(
        "Subject request reminder sent: %s overdue, %s due soon",
        counts["overdue"],
        counts["due_soon"],
    )
    return True
