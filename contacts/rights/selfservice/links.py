"""The single-use link that opens "Dine opplysninger", from request to use.

How a link finds the person again, without the address in the link, in a log or in the
job queue:

- The page only checks that enquiries exist for the typed address and queues a job with
  the number of one of them (`request_link`). The job's arguments, which the queue keeps
  and logs, hold no address and no secret.
- The job (`send_access_link`, which runs `send_link`) reads the address from that enquiry,
  makes a random secret, and in one transaction stores the `AccessLink` (the secret's
  SHA-256 and the person's keyed hash, never the secret), keeps the address signed in the
  database's session table under a key derived from the secret (`_keep_address`: it expires
  with the link and is deleted when the link is used), and sends the e-mail. A mail server
  that refuses rolls all of it back and the queue retries. The link is made here rather than
  by the page so that the secret exists only in the worker's memory and in the e-mail, never
  in a queued job.
- Using the link (`use_link`) claims the row with one conditional UPDATE (unused and not
  expired), takes the kept address, checks it against the row's keyed hash, and deletes
  it. The caller then starts the person's session (session.py), which keeps the address
  server-side for the few minutes it is open: enquiries are found by address (an index),
  never by hashing every stored address to compare keyed hashes.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from common import mail
from common.emails import normalised_email
from common.mail import render_text
from common.urls import absolute_reverse
from contacts.intake.notifications import MAIL_RETRY
from contacts.models import AccessLink, Enquiry
from contacts.retention.keys import person_key
from jobs import queue as jobs
from jobs.queue import fresh_connection

logger = logging.getLogger(__name__)

SECRET_PATTERN = r"[A-Za-z0-9_-]{43}"  # secrets.token_urlsafe(32)
# A link's row (its secret's hash and the person's keyed hash) is kept this long after the
# link expired, then deleted by the hourly job (contacts/rights/tasks.py).
SPENT_LINKS_KEPT_DAYS = 1
_PENDING = "selfservice_pending_address"


class LinkNotSent(Exception):
    """The mail server did not take the link e-mail; the message is the failure's class."""


class LinkState(enum.Enum):
    VALID = "valid"
    SPENT = "spent"  # used or expired: 410
    UNKNOWN = "unknown"  # never issued, or not for this address: 404


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _pending_key(secret: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"selfservice-pending:" + secret.encode(), hashlib.sha256
    ).hexdigest()[:40]


def _keep_address(secret: str, address: str, expires_at: dt.datetime) -> None:
    """Keep the address, signed, in the database's session table until the link expires:
    a row of its own, under a key only the secret leads to (no browser session uses it)."""
    Session.objects.create(
        session_key=_pending_key(secret),
        session_data=SessionStore().encode({_PENDING: address}),
        expire_date=expires_at,
    )


def _kept_address(secret: str, now: dt.datetime) -> str | None:
    row = Session.objects.filter(session_key=_pending_key(secret), expire_date__gt=now).first()
    return SessionStore().decode(row.session_data).get(_PENDING) if row else None


def request_link(email: str) -> bool:
    """Queue the link e-mail if we hold enquiries for the address. True when queued."""
    first = (
        Enquiry.objects.about_person(email=email).order_by("pk").values_list("pk", flat=True)
    ).first()
    if first is None:
        return False
    with transaction.atomic():
        jobs.defer(send_access_link, enquiry_id=first)
    return True


def _message(secret: str, expires_at: dt.datetime) -> tuple[str, str]:
    company = settings.COMPANY["name"]
    body = render_text(
        "contacts/mail/access_link.txt",
        {
            "link": absolute_reverse("selfservice:link", args=[secret]),
            "minutes": settings.CONTACTS_SELF_SERVICE_LINK_MINUTES,
            "until": f"{timezone.localtime(expires_at):%H:%M}",
            "company": company,
        },
    )
    return f"Lenke til Dine opplysninger hos {company}", body + "\n"


def send_link(enquiry_id: int) -> bool:
    """Make a link for the person of this enquiry and e-mail it to them: one message, the
    link and nothing else of theirs. False when there is no one to send it to (the
    enquiry was erased meanwhile). Raises what the mail server raises, having stored
    nothing, so that the queue retries."""
    email = Enquiry.objects.filter(pk=enquiry_id).values_list("email", flat=True).first()
    if not email:
        return False
    if not settings.SITE_URL:
        logger.error("PILARO_SITE_URL is not set: no link to Dine opplysninger can be sent")
        return False
    address = normalised_email(email)
    now = timezone.now()
    expires_at = now + dt.timedelta(minutes=settings.CONTACTS_SELF_SERVICE_LINK_MINUTES)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        AccessLink.objects.create(
            secret_hash=secret_hash(secret),
            person_key=person_key(address),
            created_at=now,
            expires_at=expires_at,
        )
        _keep_address(secret, address, expires_at)
        mail.send(*_message(secret, expires_at), [email.strip()])
    return True


def link_state(secret: str, now: dt.datetime | None = None) -> LinkState:
    """What a link is now, changing nothing (the page a link opens, before its button)."""
    link = AccessLink.objects.filter(secret_hash=secret_hash(secret)).first()
    if link is None:
        return LinkState.UNKNOWN
    if link.used_at is not None or link.expires_at <= (now or timezone.now()):
        return LinkState.SPENT
    return LinkState.VALID


def use_link(secret: str) -> tuple[LinkState, str | None]:
    """Use the link: once, before it expires. (VALID, the person's address) the one time
    it works; otherwise why not, with nothing changed."""
    now = timezone.now()
    state = link_state(secret, now)
    if state is not LinkState.VALID:
        return state, None
    address = _kept_address(secret, now)
    link = AccessLink.objects.get(secret_hash=secret_hash(secret))
    if not address or not hmac.compare_digest(person_key(address), link.person_key):
        return LinkState.UNKNOWN, None  # not a link we sent to this address
    claimed = AccessLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:  # used by a request a moment ago
        return LinkState.SPENT, None
    Session.objects.filter(session_key=_pending_key(secret)).delete()
    return LinkState.VALID, address


def forget_spent_links(now: dt.datetime | None = None) -> int:
    """Delete links expired more than SPENT_LINKS_KEPT_DAYS ago, and expired pending entries
    and sessions (which hold addresses). Returns the links deleted."""
    now = now or timezone.now()
    kept = dt.timedelta(days=SPENT_LINKS_KEPT_DAYS)
    deleted, _ = AccessLink.objects.filter(expires_at__lt=now - kept).delete()
    SessionStore.clear_expired()
    return deleted


@app.task(queue="notifications", name="contacts.selfservice.send_access_link", retry=MAIL_RETRY)
@fresh_connection
def send_access_link(enquiry_id: int) -> None:
    """Its argument is an enquiry's number: no address or secret waits in the queue."""
    try:
        sent = send_link(enquiry_id)
    except Exception as exc:
        # The class only: an SMTP error's text can quote the recipient.
        logger.warning("Dine opplysninger: link e-mail not sent (%s)", type(exc).__name__)
        raise LinkNotSent(type(exc).__name__) from None
    logger.info("Dine opplysninger: link e-mail %s", "sent" if sent else "not needed")
