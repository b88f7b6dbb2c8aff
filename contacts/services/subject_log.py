"""Subject requests with deadlines, whichever door they came through (the person's own
page, or staff recording a request by e-mail, phone or letter): one record each, due one
month after receipt (art. 12(3)), extendable once by up to two months with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contacts.keys import person_key
from contacts.models import SubjectRequest, one_month_after


class ExtensionRefused(ValueError):
    """An extension that art. 12(3) does not allow; the message says why, in Norwegian."""


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
        request.enquiries.set(list(enquiry_ids))
    return request


def complete_request(
    request: SubjectRequest, *, outcome: str, now: dt.datetime | None = None
) -> None:
    """Mark a request done, with its outcome in words without personal data."""
    SubjectRequest.objects.filter(pk=request.pk, completed_at__isnull=True).update(
        completed_at=now or timezone.now(), outcome=outcome
    )
    request.refresh_from_db()


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


def extend(request: SubjectRequest, *, to: dt.date, reason: str) -> None:
    """Extend the deadline once, by at most two further months, with a reason."""
    if request.extended_to is not None:
        raise ExtensionRefused("Fristen kan bare forlenges én gang.")
    if not reason.strip():
        raise ExtensionRefused("Skriv hvorfor fristen forlenges.")
    latest = one_month_after(one_month_after(request.due_on))
    if not request.due_on < to <= latest:
        raise ExtensionRefused(
            f"Fristen kan forlenges til en dato etter {request.due_on:%d.%m.%Y} og senest "
            f"{latest:%d.%m.%Y}."
        )
    request.extended_to, request.extension_reason = to, reason.strip()
    request.save(update_fields=["extended_to", "extension_reason"])
