"""What a notice version declares about its processing, read as data (docs/declarations.md).

A version written with declarations carries them in its front matter; a version published
before they existed has them in a side file, `<version>.declarations.yaml`, so that its
published text stays byte-identical. Either way the result is a `Declarations`, which the
form, the consent evidence, the retention check and the purposes table all read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIDE_FILE_SUFFIX = ".declarations.yaml"
TABLE_MARKER = "[[behandlinger]]"
KEYS = ("processing", "form")
ACTIVITY_KEYS = (
    "id",
    "purpose",
    "basis",
    "legitimate_interest",
    "data",
    "recipients",
    "retention",
    "enforced_retention",
)
ACTIVITY_TEXT_KEYS = ("purpose", "data", "recipients", "retention")
# A period's key is a data-map period's (privacy/datamap.py): its unit is the map's.
PERIOD_KEY_RE = re.compile(r"^[a-z][a-z_]*$")
FORM_KEYS = ("information", "informs", "consents")
CONSENT_KEYS = ("purpose", "activity", "label", "required")
BASIS_RE = re.compile(r"^6\(1\)\(([a-f])\)$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# GDPR article 6(1), by letter, as the notice names them.
BASIS_NAMES = {
    "a": "samtykke",
    "b": "avtale",
    "c": "rettslig forpliktelse",
    "d": "vitale interesser",
    "e": "allmennhetens interesse eller offentlig myndighet",
    "f": "berettiget interesse",
}


class DeclarationError(ValueError):
    """A declaration that breaks the format or its rules; the message says which."""


@dataclass(frozen=True)
class Basis:
    letter: str  # GDPR article 6(1), letter a–f

    @property
    def name(self) -> str:
        return BASIS_NAMES[self.letter]

    def __str__(self) -> str:
        return f"GDPR artikkel 6 nr. 1 bokstav {self.letter} ({self.name})"


CONSENT = Basis("a")
LEGITIMATE_INTEREST = Basis("f")


@dataclass(frozen=True)
class Activity:
    id: str
    purpose: str
    bases: tuple[Basis, ...]
    legitimate_interest: str
    data: str
    recipients: str
    retention: str
    enforced_retention: dict[str, int] | None


@dataclass(frozen=True)
class ConsentRequest:
    purpose: str  # the stored consent's purpose code
    activity: str
    label: str  # inline Markdown
    required: bool


@dataclass(frozen=True)
class FormDeclaration:
    information: str  # inline Markdown
    informs: tuple[str, ...]
    consents: tuple[ConsentRequest, ...]


@dataclass(frozen=True)
class Declarations:
    activities: tuple[Activity, ...]
    form: FormDeclaration
    in_side_file: bool

    def activity(self, activity_id: str) -> Activity:
        return next(a for a in self.activities if a.id == activity_id)

    @property
    def enforced_retention(self) -> dict[str, int]:
        """Every retention period the site must enforce for this version, in days."""
        periods: dict[str, int] = {}
        for activity in self.activities:
            periods.update(activity.enforced_retention or {})
        return periods


def side_file(notice_path: Path) -> Path:
    return notice_path.with_name(notice_path.stem + SIDE_FILE_SUFFIX)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DeclarationError(f"{where} must be a non-empty text")
    return " ".join(value.split())


def _only(mapping: Any, allowed: tuple[str, ...], where: str) -> dict:
    if not isinstance(mapping, dict):
        raise DeclarationError(f"{where} must be a mapping")
    if unknown := sorted(set(mapping) - set(allowed)):
        raise DeclarationError(f"{where} has unknown key(s) {', '.join(map(str, unknown))}")
    return mapping


def _bases(value: Any, where: str, *, many: bool) -> tuple[Basis, ...]:
    values = value if isinstance(value, list) and many else [value]
    bases = []
    for item in values:
        match = BASIS_RE.match(item) if isinstance(item, str) else None
        if match is None:
            one = "" if many else "one "
            raise DeclarationError(f'{where}: basis must be {one}GDPR 6(1) letter, like "6(1)(f)"')
        bases.append(Basis(match.group(1)))
    return tuple(bases)


def _enforced_retention(value: Any, where: str) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise DeclarationError(f"{where}: enforced_retention must be a mapping of periods")
    if bad := sorted(str(k) for k in value if not PERIOD_KEY_RE.match(str(k))):
        raise DeclarationError(f"{where}: enforced_retention has unknown key(s) {', '.join(bad)}")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()):
        raise DeclarationError(
            f"{where}: enforced_retention must give whole numbers (in the period's unit)"
        )
    return dict(value)


def _activity(raw: Any, index: int, *, side: bool) -> Activity:
    where = f"processing[{index}]"
    _only(raw, ACTIVITY_KEYS, where)
    activity_id = raw.get("id")
    if not isinstance(activity_id, str) or not ID_RE.match(activity_id):
        raise DeclarationError(f"{where}: id must be lower-case letters, digits and hyphens")
    where = f"activity '{activity_id}'"
    texts = {key: _text(raw.get(key), f"{where}: {key}") for key in ACTIVITY_TEXT_KEYS}
    bases = _bases(raw.get("basis"), where, many=side)
    interest = raw.get("legitimate_interest")
    if LEGITIMATE_INTEREST in bases and not (side and interest is None):
        # A side file records an old text as it is, even where it names no interest.
        interest = _text(interest, f"{where}: legitimate_interest (the basis is f)")
    elif interest is not None:
        raise DeclarationError(f"{where}: legitimate_interest belongs to basis f only")
    return Activity(
        id=activity_id,
        bases=bases,
        legitimate_interest=interest or "",
        enforced_retention=_enforced_retention(raw.get("enforced_retention"), where),
        **texts,
    )


def _consent(raw: Any, index: int, activities: dict[str, Activity], *, side: bool):
    where = f"form: consents[{index}]"
    _only(raw, CONSENT_KEYS, where)
    activity = activities.get(raw.get("activity"))
    if activity is None:
        raise DeclarationError(f"{where}: activity must name a declared activity")
    if CONSENT not in activity.bases:
        raise DeclarationError(f"{where}: activity '{activity.id}' is not based on consent (a)")
    required = raw.get("required")
    if not isinstance(required, bool):
        raise DeclarationError(f"{where}: required must be true or false")
    if required and not side:
        raise DeclarationError(
            f"{where}: a required consent is not freely given (GDPR art. 7(4)); "
            "answering an enquiry rests on another basis"
        )
    purpose = raw.get("purpose")
    if not isinstance(purpose, str) or not ID_RE.match(purpose):
        raise DeclarationError(f"{where}: purpose must be a purpose code such as 'marketing'")
    return ConsentRequest(
        purpose=purpose,
        activity=activity.id,
        label=_text(raw.get("label"), f"{where}: label"),
        required=required,
    )


def _form(raw: Any, activities: dict[str, Activity], *, side: bool) -> FormDeclaration:
    _only(raw, FORM_KEYS, "form")
    informs = raw.get("informs") or []
    if not isinstance(informs, list) or any(i not in activities for i in informs):
        raise DeclarationError("form: informs must list declared activity ids")
    consents = raw.get("consents") or []
    if not isinstance(consents, list):
        raise DeclarationError("form: consents must be a list")
    requests = tuple(_consent(c, i, activities, side=side) for i, c in enumerate(consents))
    purposes = [r.purpose for r in requests]
    if len(set(purposes)) != len(purposes):
        raise DeclarationError("form: each consent purpose may be asked once")
    return FormDeclaration(
        information=_text(raw.get("information"), "form: information"),
        informs=tuple(informs),
        consents=requests,
    )


def parse(raw: Any, *, side: bool) -> Declarations:
    """Declarations from their YAML mapping, or DeclarationError naming what is wrong."""
    _only(raw, KEYS, "the declarations")
    items = raw.get("processing")
    if not isinstance(items, list) or not items:
        raise DeclarationError("processing must list at least one activity")
    activities: dict[str, Activity] = {}
    for index, item in enumerate(items):
        activity = _activity(item, index, side=side)
        if activity.id in activities:
            raise DeclarationError(f"activity id '{activity.id}' is declared twice")
        activities[activity.id] = activity
    if "form" not in raw:
        raise DeclarationError("form is missing: say what the callback form shows and asks")
    return Declarations(
        activities=tuple(activities.values()),
        form=_form(raw["form"], activities, side=side),
        in_side_file=side,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def purposes_table(declarations: Declarations) -> str:
    """The purposes table as Markdown, from the declarations alone."""
    rows = [
        "| Formål | Rettslig grunnlag | Opplysninger | Mottakere | Lagringstid |",
        "| --- | --- | --- | --- | --- |",
    ]
    for activity in declarations.activities:
        basis = " og ".join(str(b) for b in activity.bases)
        if interest := activity.legitimate_interest:  # "… (berettiget interesse): å …"
            basis += f": {interest[:1].lower()}{interest[1:]}"
        cells = (activity.purpose, basis, activity.data, activity.recipients, activity.retention)
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)
