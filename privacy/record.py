"""The record of processing activities (behandlingsprotokoll, GDPR art. 30(1)), generated
from the data map: never written by hand, so it cannot drift from what the site does.

Per activity every item art. 30(1) asks: the controller, purposes, categories of data
subjects and of data, recipients, transfers outside the EEA, retention, and the security
measures the site actually takes (listed from the running system). Then the processors
(art. 28) with whether an agreement is in place, and one list of what the company still has
to fill in: missing company facts, retention only the company can state, and the
placeholders left in the newest draft.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings

from privacy import registry
from privacy.datamap import Activity, CompanyFact, DataMap, Period, Rule, get_data_map
from privacy.declarations import BASIS_NAMES

MISSING = "mangler"
PLACEHOLDER = "[FYLLES UT AV PILARO"
CONTROLLER_FACTS = (
    ("name", "Navn"),
    ("org_number", "Organisasjonsnummer"),
    ("address", "Adresse"),
    ("email", "E-post"),
    ("phone", "Telefon"),
    ("dpo", "Personvernombud"),
)


@dataclass(frozen=True)
class Row:
    """One activity, as the record states it."""

    name: str
    on_the_site: bool
    purpose: str
    basis: str
    subjects: str
    data: str
    recipients: str
    transfers: str
    retention: tuple[str, ...]
    stores: tuple[str, ...]


def sentence(text: str) -> str:
    """`text` with its first letter upper case (and the rest as it is)."""
    return text[:1].upper() + text[1:]


def fact(value: str) -> str:
    return value or MISSING


def basis_text(activity: Activity) -> str:
    text = f"GDPR art. 6 nr. 1 bokstav {activity.basis} ({BASIS_NAMES[activity.basis]})"
    return f"{text}: {activity.legitimate_interest}" if activity.legitimate_interest else text


def processor_name(key: str) -> str | None:
    return (settings.PROCESSORS.get(key) or {}).get("name") or None


def recipients_text(activity: Activity, data_map: DataMap) -> str:
    processors = {p.key: p for p in data_map.processors}
    said = []
    for recipient in activity.recipients:
        if recipient in processors:
            name = processor_name(recipient) or MISSING
            said.append(f"databehandler: {processors[recipient].role.split(':')[0]} ({name})")
        else:
            said.append(recipient)
    return "; ".join(said)


def _declared_retention(activity_id: str) -> str | None:
    """What the newest version declaring the activity says of its retention (the company's
    words, where only the company can say it)."""
    notices = sorted(registry.get_registry().notices, key=lambda n: n.sort_key, reverse=True)
    for notice in notices:
        if notice.declarations and any(
            a.id == activity_id for a in notice.declarations.activities
        ):
            return notice.declarations.activity(activity_id).retention
    return None


def retention_text(activity: Activity) -> tuple[str, ...]:
    said = []
    for item in activity.retention:
        if isinstance(item, Period):
            said.append(sentence(f"{item.said()} ({item.source})."))
        elif isinstance(item, Rule):
            said.append(item.text)
        elif isinstance(item, CompanyFact):
            declared = _declared_retention(activity.id)
            usable = declared and PLACEHOLDER not in declared
            said.append(declared if usable else item_placeholder(item))
    return tuple(said)


def item_placeholder(item: CompanyFact) -> str:
    return f"[FYLLES UT AV PILARO: {item.question}]"


def rows(data_map: DataMap | None = None) -> list[Row]:
    data_map = data_map or get_data_map()
    transfers = fact(settings.COMPANY.get("transfers", ""))
    return [
        Row(
            name=a.name,
            on_the_site=a.on_the_site,
            purpose=a.purpose,
            basis=basis_text(a),
            subjects=", ".join(a.subjects),
            data=a.data,
            recipients=recipients_text(a, data_map),
            transfers=transfers,
            retention=retention_text(a),
            stores=a.stores,
        )
        for a in data_map.activities
    ]


def controller() -> list[tuple[str, str]]:
    """The controller's facts from the company settings; "mangler" where one is not set."""
    return [(label, fact(settings.COMPANY.get(key, ""))) for key, label in CONTROLLER_FACTS]


def security_measures(data_map: DataMap | None = None) -> list[str]:
    """The measures the site takes (art. 32), as the running system shows them."""
    return (data_map or get_data_map()).security()


def processors(data_map: DataMap | None = None) -> list[tuple[str, str, str]]:
    """(role, name, agreement) per processor; "mangler" where the company has not said."""
    data_map = data_map or get_data_map()
    return [
        (
            p.role,
            fact(processor_name(p.key) or ""),
            fact((settings.PROCESSORS.get(p.key) or {}).get("agreement", "")),
        )
        for p in data_map.processors
    ]


def to_fill_in(data_map: DataMap | None = None) -> list[str]:
    """Everything the company still has to state, in one list."""
    data_map = data_map or get_data_map()
    todo = [
        f"Innstilling: {label.lower()} (PILARO_COMPANY_{key.upper()})"
        for key, label in CONTROLLER_FACTS
        if not settings.COMPANY.get(key)
    ]
    for processor, (role, name, agreement) in zip(
        data_map.processors, processors(data_map), strict=True
    ):
        short = role.split(":")[0].lower()
        if name == MISSING:
            todo.append(
                f"Innstilling: hvem databehandleren for {short} er ({processor.name_setting})"
            )
        if agreement == MISSING:
            todo.append(
                f"Innstilling: om det er inngått databehandleravtale for {short} "
                f"({processor.agreement_setting}: ja eller nei)"
            )
    if not settings.COMPANY.get("transfers"):
        todo.append(
            "Innstilling: om opplysninger overføres utenfor EØS (PILARO_COMPANY_TRANSFERS)"
        )
    for row in rows(data_map):
        todo += [f"Lagringstid, {row.name}: {r}" for r in row.retention if PLACEHOLDER in r]
    drafts = registry.get_registry().drafts
    if drafts:
        draft = drafts[-1]
        for number, line in enumerate(draft.path.read_text().splitlines(), start=1):
            if PLACEHOLDER in line:
                start = line.index(PLACEHOLDER)
                end = line.find("]", start)
                todo.append(f"Utkast {draft.version}, linje {number}: {line[start : end + 1]}")
    return todo


def as_csv(data_map: DataMap | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Behandling",
            "På nettstedet",
            "Formål",
            "Rettslig grunnlag",
            "Registrerte",
            "Personopplysninger",
            "Mottakere",
            "Overføring utenfor EØS",
            "Lagringstid",
            "Lagres i",
        ]
    )
    for row in rows(data_map):
        writer.writerow(
            [
                row.name,
                "ja" if row.on_the_site else "nei",
                row.purpose,
                row.basis,
                row.subjects,
                row.data,
                row.recipients,
                row.transfers,
                " ".join(row.retention),
                ", ".join(row.stores),
            ]
        )
    return out.getvalue()
