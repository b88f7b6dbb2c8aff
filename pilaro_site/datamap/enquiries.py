"""The data map: what the site does with an enquiry from the callback form."""

from __future__ import annotations

from pilaro_site.datamap.common import (
    AFTER_ACTIVITY,
    EMAIL,
    HOSTING,
    MAX_DAYS,
    SENDERS,
    SPAM_DAYS,
    STAFF,
    TYPED,
    WITH_THE_ENQUIRY,
    setting,
)
from privacy.datamap import Activity, CompanyFact, Period, Rule

ENQUIRIES = Activity(
    id="henvendelser",
    name="Svare på henvendelser",
    purpose="Svare på og følge opp henvendelser fra kontaktskjemaet, også løftet om å ringe "
    "tilbake innen fristen.",
    basis="f",
    legitimate_interest="Å svare dem som ber oss ta kontakt.",
    subjects=SENDERS,
    data="Navn, firma, e-postadresse, telefonnummer og melding; når henvendelsen kom inn, "
    "hva skjemaet viste, og hvordan vi har fulgt den opp (status, saksbehandler, notater, "
    "når vi tok kontakt, og om behandlingen er begrenset og hvorfor).",
    stores=(
        *TYPED,
        "contacts.Enquiry.form_nonce",
        "contacts.Enquiry.assignee",
        "contacts.Enquiry.restricted_reason",
        "contacts.RestrictionLift.told_how",
        "contacts.RestrictionLift.actor",
        "contacts.Consent.label_text",
        "contacts.Note.text",
        "contacts.Note.author",
    ),
    recipients=(STAFF, HOSTING, EMAIL),
    retention=(AFTER_ACTIVITY, MAX_DAYS, SPAM_DAYS),
)

OFFERS = Activity(
    id="tilbud",
    name="Gi tilbud",
    purpose="Gi et tilbud når en privatperson ber om det i en henvendelse.",
    basis="b",
    subjects=SENDERS,
    data="Navn, e-postadresse, telefonnummer og det du ber om tilbud på.",
    stores=TYPED,
    recipients=(STAFF, HOSTING, EMAIL),
    retention=(WITH_THE_ENQUIRY,),
)

IMPROVEMENT = Activity(
    id="forbedring",
    name="Forbedre produkter og tjenester",
    purpose="Forbedre produktene og tjenestene ut fra tilbakemeldinger i henvendelser.",
    basis="f",
    legitimate_interest="Å bruke tilbakemeldinger til å gjøre produktene og tjenestene bedre.",
    subjects=SENDERS,
    data="Innholdet i henvendelser.",
    stores=("contacts.Enquiry.message",),
    recipients=(STAFF,),
    retention=(WITH_THE_ENQUIRY,),
    applies_while_set="contacts.Enquiry.message",
)

MARKETING = Activity(
    id="markedsforing",
    name="Markedsføring på e-post med samtykke",
    purpose="Sende nyheter og tilbud på e-post til dem som har samtykket til det.",
    basis="a",
    subjects=SENDERS,
    data="Navn, firma og e-postadresse, og samtykket: teksten som ble vist, når det ble gitt "
    "og bekreftet, versjonen av personvernerklæringen, og når det eventuelt ble trukket "
    "tilbake eller falt bort.",
    stores=(
        "contacts.Enquiry.name",
        "contacts.Enquiry.company",
        "contacts.Enquiry.email",
        "contacts.Consent.label_text",
    ),
    recipients=(STAFF, EMAIL),
    retention=(
        Rule(
            "Til samtykket trekkes tilbake eller du sier nei til markedsføring; samtykket "
            "slettes senest sammen med henvendelsen."
        ),
        Period(
            "marketing_confirm_days",
            "days",
            setting("CONTACTS_MARKETING_CONFIRM_DAYS"),
            "PILARO_MARKETING_CONFIRM_DAYS",
            "etter at det ble gitt: et samtykke som ikke er bekreftet, faller bort",
        ),
    ),
)

QUARANTINE = Activity(
    id="karantene",
    name="Karantene for for raske innsendinger",
    purpose="Holde tilbake innsendinger som kom raskere enn et menneske fyller ut skjemaet, "
    "til en ansatt har sett på dem, uten å miste ekte henvendelser.",
    basis="f",
    legitimate_interest="Å skille automatiske innsendinger fra ekte henvendelser.",
    subjects=SENDERS,
    data="Det samme som en henvendelse, og hvor raskt skjemaet ble sendt.",
    stores=TYPED,
    recipients=(STAFF, HOSTING),
    retention=(
        Period(
            "quarantine_days",
            "days",
            setting("CONTACTS_QUARANTINE_RETENTION_DAYS"),
            "PILARO_QUARANTINE_RETENTION_DAYS",
            "etter at innsendingen kom inn, hvis ingen ansatt slipper den inn",
        ),
    ),
)


LEGAL_CLAIMS = Activity(
    id="rettskrav",
    name="Rettskrav",
    purpose="Beholde en henvendelse lenger enn ellers når vi trenger den for å fastsette, "
    "gjøre gjeldende eller forsvare et rettskrav.",
    basis="f",
    legitimate_interest="Å kunne ivareta rettighetene våre hvis det oppstår et krav eller en "
    "tvist.",
    subjects=SENDERS,
    data="Henvendelsen, og hvorfor vi beholder den.",
    stores=("contacts.Enquiry.legal_hold_reason",),
    applies_while_set="contacts.Enquiry.legal_hold_reason",
    recipients=(STAFF, HOSTING),
    retention=(
        Rule(
            "Til grunnen er borte; en ansatt skriver ned grunnen og vurderer den på nytt "
            "innen en fastsatt dato."
        ),
    ),
)


# The erasure records and the rights log (contacts/rights/log.py): what keeps a person's
# erasure, withdrawal, objection and restriction from being undone by a restore.
ERASURE_RECORDS = Activity(
    id="sletteoppforinger",
    name="Oppføringer om slettinger og andre rettigheter",
    purpose="Kunne vise at en henvendelse er slettet, at et samtykke er trukket tilbake "
    "eller bekreftet, at noen har sagt nei til markedsføring og at behandlingen er begrenset "
    "eller begrensningen opphevet; og gjøre det samme på nytt hvis databasen gjenopprettes "
    "fra en sikkerhetskopi.",
    basis="f",
    legitimate_interest="Å dokumentere at vi har fulgt det du ba om, og hindre at en "
    "gjenoppretting fra sikkerhetskopi opphever det.",
    subjects=SENDERS,
    data="Det en oppføring om en sletting inneholder (se «Hvor lenge vi lagrer "
    "opplysninger»), og i rettighetsloggen hva som skjedde og når, med hashverdier laget med "
    "en hemmelig nøkkel av skjemaets engangskode og, for et nei til markedsføring, av "
    "e-postadressen: ingen navn, kontaktopplysninger eller melding.",
    stores=(
        "contacts.ErasureRecord.nonce_key",
        "contacts.ErasureRecord.actor",
        "contacts.RightsEvent.nonce_key",
        "contacts.RightsEvent.person_key",
    ),
    recipients=(STAFF, HOSTING),
    retention=(
        CompanyFact(
            "hvor lenge oppføringene om slettinger beholdes (minst like lenge som "
            "sikkerhetskopiene); nettstedet sletter dem ikke"
        ),
    ),
)
