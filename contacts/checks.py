"""The retention periods a notice promises must be the ones this site enforces."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from privacy.registry import get_registry


def enforced_periods() -> dict[str, int]:
    return {
        "enquiry_days_after_last_activity": settings.CONTACTS_RETENTION_DAYS,
        "enquiry_max_days": settings.CONTACTS_RETENTION_MAX_DAYS,
    }


@register("contacts")
def check_promised_retention(app_configs, **kwargs):
    try:
        registry = get_registry()
    except ImproperlyConfigured:
        return []  # the privacy checks name the broken files
    enforced = enforced_periods()
    messages = []
    in_force = registry.in_force()
    for notice in [in_force, *registry.upcoming()]:
        if notice is None or notice.retention is None:
            continue
        differing = {k: v for k, v in notice.retention.items() if enforced.get(k) != v}
        if not differing:
            continue
        kind = Error if notice is in_force else Warning
        messages.append(
            kind(
                f"Notice version {notice.version} promises retention {differing}, but the site "
                f"enforces {enforced}.",
                hint="Make PILARO_RETENTION_DAYS / PILARO_RETENTION_MAX_DAYS match the notice, "
                "or publish a notice that promises what is enforced.",
                id="contacts.E001" if kind is Error else "contacts.W001",
            )
        )
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
