"""Enquiries made through the intake service, as the form makes them, for tests that do not
post the form: the same consent rows, evidence of what was shown, notification and
retention date, with any other field then set as the test needs (status, assignee, legal
hold, ...)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

from django.utils import timezone

from contacts.intake import confirmation
from contacts.intake.shown import build_submission
from contacts.intake.submission import submit_enquiry
from contacts.models import ConsentPurpose, Enquiry
from privacy.registry import get_registry

TYPED = {"name": "Ola Nordmann", "company": "", "email": "ola@example.no", "phone": "+4791234567"}


def make_enquiry(
    *,
    received_at: dt.datetime | None = None,
    marketing: bool = False,
    confirmed: bool = False,
    message: str = "",
    location: str = "",
    **fields,
) -> Enquiry:
    """`marketing=True`: the marketing consent the version in force asks for is given
    (ticked: it waits for its confirmation by e-mail), and with `confirmed=True` also
    confirmed, so in force; the other consents are answered as the form's defaults
    answer them."""
    typed = {name: fields.pop(name, default) for name, default in TYPED.items()}
    submission = build_submission(
        notice=get_registry().in_force(),
        nonce=secrets.token_urlsafe(16),
        message=message,
        location=location,
        **typed,
    )
    if marketing:
        consents = {**submission.consents, "marketing": True}
        submission = dataclasses.replace(submission, consents=consents)
    enquiry = submit_enquiry(submission=submission, received_at=received_at or timezone.now())
    if marketing and confirmed:
        consent = enquiry.consents.get(purpose=ConsentPurpose.MARKETING)
        confirmation.confirm(consent, at=consent.given_at)
    if fields:
        Enquiry.objects.filter(pk=enquiry.pk).update(**fields)
        enquiry.refresh_from_db()
    return enquiry
