"""The data map's vocabulary: a processing activity, what it keeps where, for how long.

The map itself is data, written once for the whole site (settings.PRIVACY_DATA_MAP names
it: pilaro_site/datamap/, which knows every app). This module only says what a map is
and reads it, so that `privacy` (the notices, their checks, the record of processing)
measures against it without importing the apps it describes.

Retention is one of three kinds, and only the first is a number the site keeps itself:
- `Period`: enforced by the site, its value read from the setting (or the code) that
  enforces it; a notice must declare it under `enforced_retention` with the same value,
  and say it in its retention text.
- `Rule`: enforced by the site without a number ("until the hold is lifted").
- `CompanyFact`: the company decides and the site does not enforce it (backups, logs):
  a `[FYLLES UT AV PILARO: …]` until a setting gives it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

PLACEHOLDER = "[FYLLES UT AV PILARO: {}]"
UNITS = {
    "weeks": ("uke", "uker"),
    "days": ("dag", "dager"),
    "hours": ("time", "timer"),
    "minutes": ("minutt", "minutter"),
}


@dataclass(frozen=True)
class Period:
    """A retention period the site enforces: `key` is its name in a notice's
    `enforced_retention`, in `unit`s; `value()` reads what is enforced now."""

    key: str
    unit: str  # days, hours or minutes
    value: Callable[[], int]
    source: str  # the setting (or code) that enforces it, for the record and the checks
    meaning: str  # what it counts from, in Norwegian: "etter siste aktivitet"

    def said(self) -> str:
        """The period in Norwegian words: "14 dager etter at den kom inn"."""
        return f"{amount(self.value(), self.unit)} {self.meaning}"


@dataclass(frozen=True)
class Rule:
    """Retention the site enforces without a number of its own."""

    text: str


@dataclass(frozen=True)
class CompanyFact:
    """Retention the company decides; `setting` gives it once the company has said it."""

    question: str  # what the company must fill in, in Norwegian
    setting: str = ""

    def text(self) -> str:
        given = getattr(settings, self.setting, "") if self.setting else ""
        return given or PLACEHOLDER.format(self.question)

    @property
    def known(self) -> bool:
        return bool(self.setting and getattr(settings, self.setting, ""))


Retention = Period | Rule | CompanyFact


@dataclass(frozen=True)
class Activity:
    """One processing activity of the site, with every art. 30(1) item."""

    id: str  # as a notice's declarations name it
    name: str
    purpose: str
    basis: str  # GDPR article 6(1) letter
    subjects: tuple[str, ...]
    data: str
    stores: tuple[str, ...]  # "app.Model.field", "cache:…", "log:…", "cookie:…", "setting:…"
    recipients: tuple[str, ...]  # inside the company, and processors by their key
    retention: tuple[Retention, ...]
    legitimate_interest: str = ""
    concerns_visitors: bool = True  # a notice must then describe it
    on_the_site: bool = True  # False: the company's own processing outside the site
    # An enquiry field ("contacts.Enquiry.field"): the activity concerns an enquiry while
    # that field holds something, so "Dine opplysninger" lists it for that person.
    applies_while_set: str = ""

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(r for r in self.retention if isinstance(r, Period))

    def fields(self) -> tuple[str, ...]:
        """The model fields it keeps data in ("app.Model.field")."""
        return tuple(s for s in self.stores if s.count(".") == 2 and ":" not in s)


@dataclass(frozen=True)
class Cookie:
    name: str
    audience: str  # one of AUDIENCES
    lifetime: Period
    purpose: str


@dataclass(frozen=True)
class Processor:
    """A processor (GDPR art. 28): who, for what; the company says who and whether a
    data-processing agreement is in place."""

    key: str
    role: str
    name_setting: str
    agreement_setting: str


@dataclass(frozen=True)
class DataMap:
    activities: tuple[Activity, ...]
    cookies: tuple[Cookie, ...]
    processors: tuple[Processor, ...]
    # Text and JSON fields that cannot hold personal data, each with why.
    not_personal: dict[str, str] = field(default_factory=dict)
    # Facts the notice can state, computed from the running site: name -> Norwegian text.
    facts: dict[str, Callable[[], str]] = field(default_factory=dict)
    # The security measures the site takes, as the running system shows them (art. 32).
    security: Callable[[], list[str]] = list

    def activity(self, activity_id: str) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def concerning_visitors(self) -> tuple[Activity, ...]:
        return tuple(a for a in self.activities if a.concerns_visitors)

    def mapped_fields(self) -> set[str]:
        return {f for activity in self.activities for f in activity.fields()}


AUDIENCES = {
    "skjema": "besøkende på sider med kontaktskjemaet",
    "selvbetjening": "besøkende som bruker «Dine opplysninger»",
    "ansatte": "ansatte som logger inn",
}


def amount(value: int, unit: str) -> str:
    """`value` `unit`s in Norwegian, in the largest unit that says it exactly: "1 dag",
    "14 dager", "30 minutter", "2 timer" (for 120 minutes)."""
    if unit == "minutes" and value and value % 60 == 0:
        value, unit = value // 60, "hours"
    if unit == "hours" and value and value % 24 == 0:
        value, unit = value // 24, "days"
    one, many = UNITS[unit]
    return f"{value} {one if value == 1 else many}"


def phrasings(value: int, unit: str) -> set[str]:
    """Ways a notice may say the period: "365 dager", "12 måneder", "1 år"; "60 minutter",
    "1 time". A notice's retention text must say one of them."""
    one, many = UNITS[unit]
    said = {amount(value, unit), f"{value} {one if value == 1 else many}"}
    if unit == "days" and value % 365 == 0:
        years = value // 365
        said |= {f"{years * 12} måneder", f"{years} år"}
    elif unit == "days" and value % 30 == 0 and value >= 60:
        said.add(f"{value // 30} måneder")
    return said


@functools.cache
def _load(path: str) -> DataMap:
    return import_string(path)


def get_data_map() -> DataMap:
    """The site's data map (settings.PRIVACY_DATA_MAP), imported once per process."""
    return _load(settings.PRIVACY_DATA_MAP)
