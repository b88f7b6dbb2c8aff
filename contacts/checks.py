"""What the notices ask must be what the form can store; the callback promise's calendar
can be read; the keyed hashes have their own key. (Retention: privacy/map_checks.py.)"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from contacts.calendar import CalendarError, parse_closed_days, parse_workday
from contacts.models import ConsentPurpose
from privacy.registry import get_registry


def _unknown_consents(notice) -> list[Error]:
    return [
        Error(
            f"Notice version {notice.version} asks consent for '{request.purpose}', which the "
            f"callback form cannot store (known: {', '.join(ConsentPurpose.values)}).",
            id="contacts.E003",
        )
        for request in notice.declarations.form.consents
        if request.purpose not in ConsentPurpose.values
    ]


@register("contacts")
def check_declarations_match_the_site(app_configs, **kwargs):
    """The version in force and every upcoming one ask only for consents the form can
    store. (Their retention is measured against the data map: privacy/map_checks.py.)"""
    try:
        registry = get_registry()
    except ImproperlyConfigured:
        return []  # the privacy checks name the broken files
    messages = []
    for notice in [registry.in_force(), *registry.upcoming()]:
        if notice is not None and notice.declarations is not None:
            messages += _unknown_consents(notice)
    return messages


@register("contacts", Tags.security, deploy=True)
def check_notification_recipients(app_configs, **kwargs):
    if settings.CONTACTS_NOTIFY_EMAILS and settings.SITE_URL:
        return []
    return [
        Warning(
            "Staff are not notified of new enquiries: PILARO_NOTIFY_EMAILS or PILARO_SITE_URL "
            "is not set.",
            id="contacts.W002",
        )
    ]


@register("contacts")
def check_callback_calendar(app_configs, **kwargs):
    """The callback promise's calendar (contacts/calendar.py) must be readable: a typo in
    a closed day would otherwise surface as an error on the first enquiry of the day."""
    messages = []
    try:
        parse_workday(settings.CONTACTS_WORKDAY)
    except CalendarError as exc:
        messages.append(
            Error(
                f"PILARO_WORKDAY: {exc}.",
                hint="Working hours in Oslo time, start and end: for example 08:00-16:00.",
                id="contacts.E010",
            )
        )
    try:
        parse_closed_days(settings.CONTACTS_CLOSED_DAYS)
    except CalendarError as exc:
        messages.append(
            Error(
                f"PILARO_CLOSED_DAYS: {exc}.",
                hint="Comma-separated ISO dates or ranges FROM..TO, both days included: "
                "for example 2026-12-24,2026-12-28..2026-12-31.",
                id="contacts.E011",
            )
        )
    return messages


@register("contacts", Tags.security, deploy=True)
def check_person_hash_key(app_configs, **kwargs):
    """The keyed hashes need their own key: without one, nothing could be recognised again
    (the suppression list, erasure records), and the secret key must never stand in."""
    key = settings.CONTACTS_PERSON_HASH_KEY
    if key and key != settings.SECRET_KEY:
        return []
    return [
        Error(
            "PILARO_PERSON_HASH_KEY is not set, or is the secret key."
            if key
            else "PILARO_PERSON_HASH_KEY is not set.",
            hint="Set it to a long random value of its own and never change it. A site that "
            "ran without it hashed with DJANGO_SECRET_KEY: set it to that value once, then "
            'the secret key may be rotated (README, "Keys").',
            id="contacts.E020",
        )
    ]
