"""What the data map's activities share: who inside the company receives the data, the
processors' keys, who sends the form and what it fills in, and an enquiry's periods."""

from __future__ import annotations

from django.conf import settings

from privacy.datamap import Period, Rule

STAFF = "ansatte hos Pilaro som trenger opplysningene i arbeidet sitt"
HOSTING, EMAIL = "hosting", "epost"
SENDERS = ("personer som sender kontaktskjemaet",)
TYPED = (
    "contacts.Enquiry.name",
    "contacts.Enquiry.company",
    "contacts.Enquiry.email",
    "contacts.Enquiry.phone",
    "contacts.Enquiry.message",
)


def setting(name: str, divide: int = 1):
    """A period's value: the setting, read when asked (in its unit: divided by `divide`)."""
    return lambda: getattr(settings, name) // divide


AFTER_ACTIVITY = Period(
    "days_after_last_activity",
    "days",
    setting("CONTACTS_RETENTION_DAYS"),
    "PILARO_RETENTION_DAYS",
    "etter siste aktivitet på henvendelsen",
)
MAX_DAYS = Period(
    "max_days",
    "days",
    setting("CONTACTS_RETENTION_MAX_DAYS"),
    "PILARO_RETENTION_MAX_DAYS",
    "etter at henvendelsen kom inn, uansett",
)
SPAM_DAYS = Period(
    "spam_days",
    "days",
    setting("CONTACTS_SPAM_RETENTION_DAYS"),
    "PILARO_SPAM_RETENTION_DAYS",
    "etter at henvendelsen ble merket som spam",
)
WITH_THE_ENQUIRY = Rule("Slettes sammen med henvendelsen (se «Svare på henvendelser»).")
