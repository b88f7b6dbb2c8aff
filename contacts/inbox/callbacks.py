"""The callback promise ("ring tilbake innen"): staff are reminded when a call is nearly due
and when it is overdue (recording that contact was made is contacts/inbox/contact.py).

Each enquiry gets its due time from the working calendar (contacts/calendar.py,
`callback_due`) when it is stored (contacts/intake/submission.py), or when it is let in from
quarantine (contacts/intake/quarantine.py). An enquiry without a due time (stored before
the promise existed, or in quarantine) has no promise recorded: never due nor overdue.

The reminders carry counts and links, no personal data. Each is sent once per enquiry:
the job claims the rows by stamping them in the transaction that sends, so two workers
never send the same one, and a send that fails leaves them for the retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.mail import send_staff_mail
from common.urls import absolute_reverse
from contacts.calendar import working_calendar
from contacts.models import Enquiry
from contacts.models.enquiry import awaiting_call

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


# --- Reminders ------------------------------------------------------------------------------

# The values of the list's filter "frist" (contacts/admin/filters.py) for these rows.
OVERDUE, DUE_SOON = "forfalt", "snart"


@dataclass(frozen=True)
class Kind:
    rows: Callable[[dt.datetime], Q]  # which enquiries, at a time
    stamp: str  # the field that marks them reminded
    list_filter: str  # the list filter's value that shows them
    subject: str  # with the count and noun
    lead: str  # likewise, and the promise


KINDS = {
    "overdue": Kind(
        overdue,
        "overdue_reminded_at",
        OVERDUE,
        "Ring tilbake: {count} {noun} over fristen",
        "{count} {noun} har passert fristen for å ringe tilbake ({promise}).",
    ),
    "due_soon": Kind(
        due_soon,
        "due_soon_reminded_at",
        DUE_SOON,
        "Ring tilbake: {count} {noun} med frist innen 1 arbeidstime",
        "{count} {noun} må ringes tilbake innen 1 arbeidstime ({promise}).",
    ),
}
BY_LIST_FILTER = {kind.list_filter: kind for kind in KINDS.values()}


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


def _send(kind: Kind, recipients: tuple[str, ...], ids: list[int], *, assignee: bool) -> None:
    count = len(ids)
    words = {
        "count": count,
        "noun": "henvendelse" if count == 1 else "henvendelser",
        "promise": settings.CONTACTS_CALLBACK_PROMISE,
    }
    links = [absolute_reverse("admin:contacts_enquiry_change", args=[pk]) for pk in ids]
    send_staff_mail(
        subject=kind.subject.format(**words),
        template="contacts/mail/callback_reminder.txt",
        context={
            "lead": kind.lead.format(**words),
            "list_filter": kind.list_filter,
            "assignee": assignee,
            "links": links[:MAX_LINKS],
            "more": max(0, count - MAX_LINKS),
        },
        to=recipients,
    )


def _remind(kind: Kind, recipients: tuple[str, ...], ids: list[int], now: dt.datetime) -> int:
    """Claim and remind one recipient's enquiries, in one transaction with the send.
    The rows are locked and re-checked: those another worker holds or has stamped are not
    this run's. Returns how many this call reminded of."""
    stamp = kind.stamp
    with transaction.atomic():
        claimed = list(
            Enquiry.objects.filter(kind.rows(now), pk__in=ids, **{f"{stamp}__isnull": True})
            .select_for_update(skip_locked=True)
            .order_by("callback_due_at", "pk")
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0
        Enquiry.objects.filter(pk__in=claimed).update(**{stamp: now})
        assignee = recipients != tuple(settings.CONTACTS_NOTIFY_EMAILS)
        _send(kind, recipients, claimed, assignee=assignee)
    return len(claimed)


def send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """E-mail the reminders due now: overdue first, then due within REMIND_BEFORE. Returns
    how many enquiries each kind reminded of. A failed send raises (the queue retries);
    what was sent before it stays sent."""
    now = now or timezone.now()
    sent = {}
    for name, kind in KINDS.items():
        groups = _recipients_by_enquiry(kind.rows(now), kind.stamp)
        sent[name] = sum(_remind(kind, to, ids, now) for to, ids in groups.items())
    if any(sent.values()):
        logger.info("Callback reminders sent: %s overdue, %s due soon", *sent.values())
    return sent
