"""The data map: protecting the forms from abuse, and the rights of the people whose data
the site holds (their own page, the log of their requests, their objection to marketing)."""

from __future__ import annotations

from contacts.rights.selfservice.links import SPENT_LINKS_KEPT_DAYS
from pilaro_site.datamap import facts
from pilaro_site.datamap.common import EMAIL, HOSTING, STAFF, setting
from privacy.datamap import Activity, CompanyFact, Period

ABUSE = Activity(
    id="misbruk",
    name="Beskytte skjemaene mot misbruk",
    purpose="Begrense hvor mange skjemaer som kan sendes fra samme IP-adresse, og hvor mange "
    "lenker som kan bes sendt til samme e-postadresse, på kort tid.",
    basis="f",
    legitimate_interest="Å stoppe spam og automatiske innsendinger og holde nettstedet sikkert.",
    subjects=("besøkende som sender et skjema",),
    data="Hashverdier av IP-adressen og av e-postadressen, laget med en hemmelig nøkkel, med "
    "en teller. Ikke selve adressene.",
    # In the database's table, or in Redis when CACHE_URL names one (common/limits.py).
    stores=("pilaro_site.RateCounter.key_hash", "cache:rate-limits"),
    recipients=(HOSTING,),
    retention=(
        Period(
            "counter_minutes",
            "minutes",
            facts.counter_minutes,
            "PILARO_RATE_LIMIT, PILARO_SELF_SERVICE_CLIENT_RATE, "
            "PILARO_SELF_SERVICE_ADDRESS_RATE og oppryddingen hver time",
            "etter at telleren ble laget",
        ),
    ),
)

SELF_SERVICE = Activity(
    id="selvbetjening",
    name="Dine opplysninger",
    purpose="Gi deg innsyn i og kontroll over dine egne opplysninger på «Dine opplysninger», "
    "med en engangslenke sendt til e-postadressen din.",
    basis="c",
    subjects=("personer som bruker «Dine opplysninger»",),
    data="E-postadressen lenken sendes til (mens lenken venter, og i økten den åpner), en "
    "hashverdi av den laget med en hemmelig nøkkel, og en hashverdi av lenkens hemmelighet.",
    stores=(
        "contacts.AccessLink.secret_hash",
        "contacts.AccessLink.person_key",
        "sessions.Session.session_key",
        "sessions.Session.session_data",
        "cookie:sessionid",
    ),
    recipients=(HOSTING, EMAIL),
    retention=(
        Period(
            "link_minutes",
            "minutes",
            setting("CONTACTS_SELF_SERVICE_LINK_MINUTES"),
            "PILARO_SELF_SERVICE_LINK_MINUTES",
            "etter at den ble sendt: så lenge virker lenken",
        ),
        Period(
            "session_minutes",
            "minutes",
            setting("CONTACTS_SELF_SERVICE_SESSION_MINUTES"),
            "PILARO_SELF_SERVICE_SESSION_MINUTES",
            "uten aktivitet: da lukkes økten og e-postadressen slettes fra den",
        ),
        Period(
            "link_record_days",
            "days",
            lambda: SPENT_LINKS_KEPT_DAYS,
            "contacts.rights.selfservice.links.SPENT_LINKS_KEPT_DAYS",
            "etter at lenken gikk ut: da slettes oppføringen om den",
        ),
    ),
)


REQUEST_LOG = Activity(
    id="foresporsler",
    name="Logg over forespørsler om rettigheter",
    purpose="Føre en logg over forespørsler om innsyn, retting, sletting, protest og lignende, "
    "slik at vi svarer innen fristen og kan vise hvordan vi behandlet dem.",
    basis="c",
    subjects=("personer som ber om å få bruke rettighetene sine",),
    data="Hva slags forespørsel, hvordan den kom inn, datoer og frist, utfallet, en "
    "hashverdi av e-postadressen laget med en hemmelig nøkkel, hvilke henvendelser den "
    "gjelder, og dine egne ord når forespørselen trengte dem.",
    stores=(
        "contacts.SubjectRequest.details",
        "contacts.SubjectRequest.person_key",
        "contacts.SubjectRequest.extension_reason",
        "contacts.SubjectRequest.extension_told_how",
        "contacts.SubjectRequest.outcome",
        "contacts.SubjectRequest.recorded_by",
    ),
    recipients=(STAFF, HOSTING),
    retention=(
        Period(
            "request_details_days",
            "days",
            setting("CONTACTS_RETENTION_DAYS"),
            "PILARO_RETENTION_DAYS",
            "etter at forespørselen ble fullført: da slettes dine egne ord, eller før, når "
            "henvendelsene den gjelder er slettet",
        ),
        CompanyFact("hvor lenge loggen over forespørsler beholdes; nettstedet sletter den ikke"),
    ),
)

SUPPRESSION = Activity(
    id="reservasjon",
    name="Reservasjon mot markedsføring",
    purpose="Huske at du har sagt nei til markedsføring, så vi ikke sender deg mer.",
    basis="c",
    subjects=("personer som har sagt nei til markedsføring",),
    data="En hashverdi av e-postadressen laget med en hemmelig nøkkel, og når og hvordan du "
    "sa nei.",
    stores=("contacts.MarketingSuppression.person_key",),
    recipients=(STAFF, HOSTING),
    retention=(
        CompanyFact(
            "hvor lenge reservasjonen mot markedsføring beholdes; nettstedet sletter den ikke"
        ),
    ),
)
