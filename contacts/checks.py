"""What the notices declare must be what the site does: retention periods, consents; and
the callback promise's calendar can be read."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from contacts.calendar import CalendarError, parse_closed_days, parse_workday
from contacts.models import ConsentPurpose
from privacy.registry import get_registry


def enforced_periods() -> dict[str, int]:
    """The retention the site enforces, in the keys of `enforced_retention` declarations."""
    return {
        "days_after_last_activity": settings.CONTACTS_RETENTION_DAYS,
        "max_days": settings.CONTACTS_RETENTION_MAX_DAYS,
        "spam_days": settings.CONTACTS_SPAM_RETENTION_DAYS,
    }


def _retention_message(notice, enforced: dict[str, int], *, in_force: bool):
    declared = notice.declarations.enforced_retention
    differing = {k: v for k, v in declared.items() if enforced.get(k) != v}
    if not differing:
        return None
    kind = Error if in_force else Warning
    return kind(
        f"Notice version {notice.version} declares retention {differing}, but the site "
        f"enforces {enforced}.",
        hint="Make PILARO_RETENTION_DAYS / PILARO_RETENTION_MAX_DAYS / "
        "PILARO_SPAM_RETENTION_DAYS match the notice, or publish a notice that declares "
        "what is enforced.",
        id="contacts.E001" if in_force else "contacts.W001",
    )


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
    """The version in force and every upcoming one: their declared retention is enforced,
    and every consent they ask for is one the form can store."""
    try:
        registry = get_registry()
    except ImproperlyConfigured:
        return []  # the privacy checks name the broken files
    enforced = enforced_periods()
    messages = []
    in_force = registry.in_force()
    for notice in [in_force, *registry.upcoming()]:
        if notice is None or notice.declarations is None:
            continue
        message = _retention_message(notice, enforced, in_force=notice is in_force)
        messages += [message] if message else []
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
