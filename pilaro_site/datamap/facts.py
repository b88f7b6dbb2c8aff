"""What the notice states about the running site, computed from the site itself: the cookie
table from the declared cookies, where rate-limit counters live from the configured cache,
and what an erasure record keeps from its model. A notice names each by a line of its own
(`[[informasjonskapsler]]` and so on); pilaro_site/datamap/ lists them."""

from __future__ import annotations

import math

from django.apps import apps
from django.conf import settings
from django.db import connection

from common import limits
from pilaro_site.tasks import CLEANUP_MINUTES
from privacy.datamap import AUDIENCES, amount, get_data_map

RATES = (
    "CONTACTS_RATE_LIMIT",
    "CONTACTS_SELF_SERVICE_CLIENT_RATE",
    "CONTACTS_SELF_SERVICE_ADDRESS_RATE",
)


def counter_minutes() -> int:
    """At most how long a rate-limit counter is kept: its window (the longest of the site's
    rates), and then until the hourly clean-up (or Redis, sooner) deletes it."""
    longest = max(limits.parse_rate(getattr(settings, name))[1] for name in RATES)
    return math.ceil(longest / 60) + CLEANUP_MINUTES


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def cookie_table() -> str:
    rows = [
        "| Informasjonskapsel | Hvem får den | Hvor lenge | Hva den gjør |",
        "| --- | --- | --- | --- |",
    ]
    # One row for a cookie that several audiences get alike.
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for cookie in get_data_map().cookies:
        lifetime = amount(cookie.lifetime.value(), cookie.lifetime.unit)
        grouped.setdefault((cookie.name, lifetime, cookie.purpose), []).append(
            AUDIENCES[cookie.audience]
        )
    for (name, lifetime, purpose), audiences in grouped.items():
        who = " og ".join(
            [", ".join(audiences[:-1]), audiences[-1]] if len(audiences) > 1 else audiences
        )
        cells = (f"`{name}`", who[:1].upper() + who[1:], lifetime, purpose)
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def _where_counters_live() -> str:
    if limits.in_redis():
        return "i et felles mellomlager (Redis) som serverne deler"
    return "i en egen tabell i databasen til nettstedet"


def rate_limit_storage() -> str:
    """Where the keyed hashes of the rate limits live, and how long, as configured."""
    kept = amount(counter_minutes(), "minutes")
    return (
        "For å hindre misbruk teller vi hvor mange skjemaer som sendes fra samme IP-adresse, "
        "og hvor mange lenker til «Dine opplysninger» som bes sendt til samme e-postadresse, "
        "på kort tid. Til det lager vi en hashverdi av adressen med en hemmelig nøkkel; selve "
        f"adressen lagrer vi ikke. Hashverdien og telleren ligger {_where_counters_live()}. "
        f"De slettes senest {kept} etter at de ble laget, og lagres aldri sammen med "
        "henvendelsen."
    )


def erasure_record() -> str:
    """What an erasure record keeps: each field of the model, by its help text."""
    model = apps.get_model("contacts", "ErasureRecord")
    kept = [str(field.help_text) for field in model._meta.concrete_fields if not field.primary_key]
    return "\n".join(f"- {item}" for item in kept)


def _audit_log_guarded() -> bool:
    """Whether the database itself refuses changes to the audit log (PostgreSQL trigger)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'contacts_auditentry_append_only'")
        return cursor.fetchone() is not None


def security_measures() -> list[str]:
    """What the site does to keep personal data safe (GDPR art. 32), read from its settings
    and its database: a measure switched off here is not listed as taken."""
    measures = []
    if settings.DEBUG:
        measures.append("Utviklingsmodus: ingen HTTPS. (Produksjon kjøres aldri slik.)")
    else:
        days = settings.SECURE_HSTS_SECONDS // 86400
        measures.append(
            f"All trafikk går over HTTPS, og nettlesere husker det i {days} dager (HSTS)."
        )
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        measures.append(
            "Foran applikasjonen står en TLS-proxy (nginx) som tar imot hele forespørselen "
            "før den slipper den videre, og avviser for store forespørsler."
        )
    measures.append(
        f"Forespørsler over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KiB avvises."
    )
    if settings.STAFF_2FA == "required":
        measures.append(
            "Alle ansatte logger inn med passord og en andre faktor (app eller passnøkkel)."
        )
    else:
        measures.append("Andre faktor er valgfri (bare tillatt i utvikling).")
    measures.append(
        f"Etter {settings.AXES_FAILURE_LIMIT} mislykkede innlogginger stenges brukernavnet ute i "
        f"{amount(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 'minutes')}."
    )
    idle = amount(settings.STAFF_IDLE_MINUTES, "minutes")
    most = amount(settings.STAFF_SESSION_MAX_HOURS, "hours")
    measures.append(
        f"En ansatts økt avsluttes etter {idle} uten aktivitet og senest {most} etter innlogging."
    )
    if _audit_log_guarded():
        measures.append("Revisjonsloggen kan ikke endres eller slettes: databasen avviser det.")
    measures.append(
        "IP-adresser lagres ikke: begrensningen av innsendinger bruker hashverdier laget med en "
        "hemmelig nøkkel, og e-postadresser som skal gjenkjennes, lagres på samme måte."
    )
    measures.append(
        "Henvendelser slettes automatisk hver natt når lagringstiden er ute, og det som er "
        "slettet, slettes på nytt hvis en sikkerhetskopi hentes tilbake."
    )
    return measures
