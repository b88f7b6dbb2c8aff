"""The rights log: every erasure, withdrawal, objection to marketing, restriction and its
lifting, and confirmation or lapse of a marketing consent, in one append-only table
(`RightsEvent`), so that a restore from backup cannot undo them.

Why: a backup is older than the rights exercised since it was taken. Restoring it would
bring back an erased enquiry, a withdrawn consent, a restriction or an objection to
marketing as if the person had never acted, and marketing could reach someone who said
no. `export_rights_log` writes the log for safe keeping off the server (with the
backups); after a restore, `replay_rights_log` applies again, through the same services
that applied them the first time, the events the restored database does not have.

How an event names what it is about: an enquiry by a keyed hash of its form nonce and
the exact time it came in, never by its number alone (a restore rewinds the id
sequence, and a new enquiry gets the number of one erased since the backup); a person
by a keyed hash of their address. An event that finds no enquiry, or an enquiry that
came in at another time, changes nothing: that is someone else's, or an enquiry the
backup never had.

Replaying is idempotent: each event has an id, and an event the database already has is
not applied again. A replay applies events in the order they happened; erasures last,
since nothing happens to an enquiry after it is erased.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields

from django.db import transaction

from contacts.intake import confirmation
from contacts.models import Enquiry, LiftTold, RightsEvent, RightsEventKind
from contacts.retention import erasure
from contacts.retention.keys import nonce_key
from contacts.rights import restriction, suppression, withdrawal

FORMAT = 1
# What a restriction replayed from the log gives as its reason: the reason staff wrote is
# their own text, often about the person, and the log keeps no text anyone wrote.
REPLAYED_RESTRICTION_REASON = "Gjenopprettet fra rettighetsloggen etter en gjenoppretting."
REPLAYED_LIFT_TOLD_HOW = "Gjenopprettet fra rettighetsloggen ({told})."


# --- Export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """An event as an export carries it: keyed hashes, times and codes only."""

    event_id: uuid.UUID
    at: dt.datetime
    kind: str
    enquiry_id: int | None = None
    nonce_key: str = ""
    received_at: dt.datetime | None = None
    person_key: str = ""
    purpose: str = ""
    channel: str = ""

    @classmethod
    def of(cls, row: RightsEvent) -> Event:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def as_json(self) -> str:
        data = asdict(self)
        data["event_id"] = str(self.event_id)
        data["at"] = self.at.isoformat()
        data["received_at"] = self.received_at.isoformat() if self.received_at else None
        return json.dumps({"format": FORMAT, **data}, sort_keys=True)

    def row(self) -> RightsEvent:
        return RightsEvent(**asdict(self))


def exported() -> Iterator[str]:
    """The whole log, one JSON object per line, oldest first."""
    for row in RightsEvent.objects.order_by("at", "pk").iterator(chunk_size=5000):
        yield Event.of(row).as_json()


class BadLine(ValueError):
    """A line that is not an event of this log. Its message names the field, never quotes
    the line (a wrong file could hold anything)."""


def parse(line: str) -> Event:
    try:
        data = json.loads(line)
    except ValueError:
        raise BadLine("not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadLine(f"not an event of format {FORMAT}")
    try:
        event = Event(
            event_id=uuid.UUID(data["event_id"]),
            at=_moment(data["at"]),
            kind=RightsEventKind(data["kind"]).value,
            enquiry_id=None if data.get("enquiry_id") is None else int(data["enquiry_id"]),
            nonce_key=_hash(data.get("nonce_key") or ""),
            received_at=_moment(data["received_at"]) if data.get("received_at") else None,
            person_key=_hash(data.get("person_key") or ""),
            purpose=str(data.get("purpose") or "")[:20],
            channel=str(data.get("channel") or "")[:30],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadLine(f"a field is missing or malformed ({type(exc).__name__})") from None
    if event.kind == RightsEventKind.SUPPRESSION:
        if not event.person_key:
            raise BadLine("an objection without a person key")
    elif event.enquiry_id is None or not (event.nonce_key or event.received_at):
        raise BadLine("an event about an enquiry that does not name it")
    return event


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a time without its offset")
    return moment


def _hash(text: str) -> str:
    if text and (len(text) != 64 or any(c not in "0123456789abcdef" for c in text)):
        raise ValueError("not a keyed hash")
    return text


# --- Replay ---------------------------------------------------------------------------------


@dataclass
class Replayed:
    """What a replay did, in counts only."""

    events_added: int = 0  # events the database did not have, now in its log
    applied: Counter = field(default_factory=Counter)  # by kind: those that changed anything
    refused: int = 0  # erasure records that match an enquiry that is not the erased one


def replay(events: Iterable[Event], *, dry_run: bool = False) -> Replayed:
    """Apply again the events the database's log does not have, in the order they
    happened, and add them to its log. One transaction; a dry run rolls it back."""
    events = sorted(set(events), key=lambda e: (e.at, str(e.event_id)))
    known = set(RightsEvent.objects.values_list("event_id", flat=True))
    missing = [e for e in events if e.event_id not in known]
    result = Replayed()
    with transaction.atomic():
        enquiries = _Enquiries()
        erasures = []
        for event in missing:
            if event.kind == RightsEventKind.ERASURE:
                erasures.append(
                    erasure.Erased(event.enquiry_id, event.at, event.nonce_key, event.received_at)
                )
            elif _apply(event, enquiries):
                result.applied[event.kind] += 1
        # The events not recorded by the services above (nothing to change, an erasure, an
        # enquiry the backup never had) join the log as they are.
        present = set(
            RightsEvent.objects.filter(event_id__in=[e.event_id for e in missing]).values_list(
                "event_id", flat=True
            )
        )
        RightsEvent.objects.bulk_create(e.row() for e in missing if e.event_id not in present)
        result.events_added = len(missing)
        if erasures:
            again = erasure.reapply_erasures(erasures)
            result.refused = again.refused
            result.applied[RightsEventKind.ERASURE] += again.erased
        if dry_run:
            transaction.set_rollback(True)
    return result


class _Enquiries:
    """The enquiries in the database, by the keyed hash of their form nonce."""

    def __init__(self):
        self.by_key: dict[str, tuple[int, dt.datetime]] = {}
        rows = Enquiry.objects.order_by().values_list("pk", "form_nonce", "received_at")
        for pk, nonce, received_at in rows.iterator(chunk_size=5000):
            self.by_key[nonce_key(nonce)] = (pk, received_at)

    def find(self, event: Event) -> Enquiry | None:
        """The enquiry the event is about, if it is here: same nonce, same time of receipt,
        and not received after the event (then it is someone else's)."""
        pk, received_at = self.by_key.get(event.nonce_key, (None, None))
        if pk is None or received_at != event.received_at or received_at > event.at:
            return None
        return Enquiry.objects.get(pk=pk)


def _apply(event: Event, enquiries: _Enquiries) -> bool:
    """Apply one event through the service that applied it first. True if it changed
    anything."""
    replayed = {"at": event.at, "event_id": event.event_id}
    if event.kind == RightsEventKind.SUPPRESSION:
        return suppression.suppress_key(
            person_key=event.person_key, channel=event.channel, **replayed
        )
    enquiry = enquiries.find(event)
    if enquiry is None:
        return False
    if event.kind == RightsEventKind.RESTRICTION:
        return restriction.restrict(
            enquiry=enquiry, reason=REPLAYED_RESTRICTION_REASON, actor=None, **replayed
        )
    if event.kind == RightsEventKind.RESTRICTION_LIFTED:
        told = LiftTold(event.channel).label if event.channel in LiftTold.values else "ukjent"
        return restriction.lift_restriction(
            enquiry=enquiry,
            actor=None,
            # Told already, the first time: a replay sends no e-mail.
            told=LiftTold.OTHER,
            told_how=REPLAYED_LIFT_TOLD_HOW.format(told=told),
            **replayed,
        )
    # The rest are about one consent of the enquiry.
    consent = enquiry.consents.filter(purpose=event.purpose, given=True).first()
    if consent is None:
        return False
    if event.kind == RightsEventKind.WITHDRAWAL:
        return withdrawal.record_withdrawal(
            consent=consent, channel=event.channel, actor=None, **replayed
        )
    if event.kind == RightsEventKind.CONFIRMATION:
        return confirmation.confirm(consent, **replayed)
    return confirmation.record_lapse(consent, **replayed)  # RightsEventKind.LAPSE
