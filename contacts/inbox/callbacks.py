"""The callback promise ("ring tilbake innen"): staff record that they made contact, and
staff are reminded when a call is nearly due and when it is overdue.

Each enquiry gets its due time from the working calendar (contacts/calendar.py,
`callback_due`) when it is stored (contacts/intake/submission.py), or when it is let in from
quarantine (contacts/intake/quarantine.py). An enquiry without a due time (stored before
the promise existed, or in quarantine) has no promise recorded: never due nor overdue.

Recording contact is staff activity: it moves the retention date as any triage action
does, and an enquiry still "ny" becomes "under behandling" (someone is handling it: left
"ny", it would be counted as new and unread on the admin index). Other statuses stay. A
restricted enquiry (art. 18) refuses it, as it refuses status changes.

The reminders carry counts and links, no personal data. Each is sent once per enquiry:
the job claims the rows by stamping them in the transaction that sends, so two workers
never send the same one, and a send that fails leaves them for the retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from contacts.audit import audit
from contacts.calendar import working_calendar
from contacts.inbox.triage import _activity as staff_activity
from contacts.models import AuditAction, Enquiry, EnquiryStatus
from contacts.models.enquiry import awaiting_call
from contacts.rights.restriction import lock_unrestricted

logger = logging.getLogger(__name__)

# Staff are reminded this much working time before an enquiry is due.
REMIND_BEFORE = dt.timedelta(hours=1)
# Links listed in one reminder; the list page has the rest.
MAX_LINKS = 20


def overdue(now: dt.datetime) -> Q:
    return awaiting_call() & Q(callback_due_at__lte=now)


def due_soon(now: dt.datetime) -> Q:
    """Due within REMIND_BEFORE of working time (not yet overdue)."""
    limit = working_calendar().add(now, REMIND_BEFORE)
    return awaiting_call() & Q(callback_due_at__gt=now, callback_due_at__lte=limit)


# --- Writes ---------------------------------------------------------------------------------


def contact_time_problem(
    *, at: dt.datetime, received_at: dt.datetime, now: dt.datetime
) -> str | None:
    """Why contact cannot be recorded at `at`, in Norwegian for staff; None if it can."""
    if at > now:
        return "Tidspunktet for kontakt kan ikke være i fremtiden."
    if at < received_at:
        return "Tidspunktet for kontakt kan ikke være før henvendelsen kom inn."
    return None


class ContactTimeRefused(ValueError):
    """A contact time in the future or before the enquiry came. The message is for staff."""


def _write_contact(ids: list[int], at: dt.datetime | None, now: dt.datetime) -> None:
    became_in_progress = Case(
        When(status=EnquiryStatus.NEW, then=Value(EnquiryStatus.IN_PROGRESS.value)),
        default="status",
    )
    status = {} if at is None else {"status": became_in_progress}
    Enquiry.objects.filter(pk__in=ids).update(contacted_at=at, **status, **staff_activity(now))


def record_contact(*, ids: Iterable[int], actor: AbstractBaseUser) -> int:
    """Record contact now on those of these enquiries without it. Returns how many changed.
    Raises EnquiryRestricted, changing none, when any of them is restricted."""
    with transaction.atomic():
        found = lock_unrestricted(ids)
        pending = list(
            Enquiry.objects.filter(pk__in=found, contacted_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if pending:
            now = timezone.now()
            _write_contact(pending, now, now)
            audit(actor=actor, action=AuditAction.CONTACT_RECORDED, ids=pending)
    return len(pending)


def set_contact_time(*, enquiry: Enquiry, at: dt.datetime | None, actor: AbstractBaseUser) -> bool:
    """Set (or correct, or clear: recorded by mistake) when contact was made, from the
    change page. True when it changed. Raises ContactTimeRefused or EnquiryRestricted."""
    now = timezone.now()
    with transaction.atomic():
        lock_unrestricted([enquiry.pk])
        stored = Enquiry.objects.get(pk=enquiry.pk)
        if stored.contacted_at == at:
            return False
        problem = at and contact_time_problem(at=at, received_at=stored.received_at, now=now)
        if problem:
            raise ContactTimeRefused(problem)
        _write_contact([enquiry.pk], at, now)
        audit(actor=actor, action=AuditAction.CONTACT_RECORDED, ids=[enquiry.pk])
    return True


# --- Reminders ------------------------------------------------------------------------------

KINDS = {
    # kind: (which rows, the stamp that marks them reminded, the list filter's value)
    "overdue": (overdue, "overdue_reminded_at", "forfalt"),
    "due_soon": (due_soon, "due_soon_reminded_at", "snart"),
}


def _recipients_by_enquiry(condition: Q, stamp: str) -> dict[tuple[str, ...], list[int]]:
    """Those not yet reminded, by who is told: the assignee, or all staff
    (CONTACTS_NOTIFY_EMAILS) when none is assigned or the assignee cannot be mailed."""
    staff = tuple(settings.CONTACTS_NOTIFY_EMAILS)
    rows = (
        Enquiry.objects.filter(condition, **{f"{stamp}__isnull": True})
        .order_by("callback_due_at", "pk")
        .values_list("pk", "assignee__email", "assignee__is_active")
    )
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for pk, email, active in rows:
        groups[(email,) if email and active else staff].append(pk)
    if groups.pop((), None):
        logger.warning("No PILARO_NOTIFY_EMAILS set: callback reminders wait")
    return groups


def _reminder_text(kind: str, ids: list[int], *, assignee: bool) -> tuple[str, str]:
    count = len(ids)
    noun = "henvendelse" if count == 1 else "henvendelser"
    promise = settings.CONTACTS_CALLBACK_PROMISE
    if kind == "overdue":
        subject = f"Ring tilbake: {count} {noun} over fristen"
        lead = f"{count} {noun} har passert fristen for å ringe tilbake ({promise})."
    else:
        subject = f"Ring tilbake: {count} {noun} med frist innen 1 arbeidstime"
        lead = f"{count} {noun} må ringes tilbake innen 1 arbeidstime ({promise})."
    site = settings.SITE_URL
    query = f"?frist={KINDS[kind][2]}" + ("&saksbehandler=meg" if assignee else "")
    links = [f"{site}{reverse('admin:contacts_enquiry_change', args=[pk])}" for pk in ids]
    more = [f"... og {count - MAX_LINKS} til i listen."] if count > MAX_LINKS else []
    body = "\n".join(
        [
            lead,
            "",
            f"Åpne listen: {site}{reverse('admin:contacts_enquiry_changelist')}{query}",
            "",
            *links[:MAX_LINKS],
            *more,
            "",
            "Når dere har ringt: velg «Registrer at vi har tatt kontakt» i listen.",
            "Av personvernhensyn står ingen personopplysninger i denne e-posten.",
        ]
    )
    return subject, body + "\n"


def _remind(kind: str, recipients: tuple[str, ...], ids: list[int], now: dt.datetime) -> int:
    """Claim and remind one recipient's enquiries, in one transaction with the send.
    The rows are locked and re-checked: those another worker holds or has stamped are not
    this run's. Returns how many this call reminded of."""
    condition, stamp, _ = KINDS[kind]
    with transaction.atomic():
        claimed = list(
            Enquiry.objects.filter(condition(now), pk__in=ids, **{f"{stamp}__isnull": True})
            .select_for_update(skip_locked=True)
            .order_by("callback_due_at", "pk")
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0
        Enquiry.objects.filter(pk__in=claimed).update(**{stamp: now})
        assignee = recipients != tuple(settings.CONTACTS_NOTIFY_EMAILS)
        send_mail(*_reminder_text(kind, claimed, assignee=assignee), None, list(recipients))
    return len(claimed)


def send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """E-mail the reminders due now: overdue first, then due within REMIND_BEFORE. Returns
    how many enquiries each kind reminded of. A failed send raises (the queue retries);
    what was sent before it stays sent."""
    now = now or timezone.now()
    sent = {}
    for kind, (condition, stamp, _) in KINDS.items():
        groups = _recipients_by_enquiry(condition(now), stamp)
        sent[kind] = sum(_remind(kind, to, ids, now) for to, ids in groups.items())
    if any(sent.values()):
        logger.info("Callback reminders sent: %s overdue, %s due soon", *sent.values())
    return sent
