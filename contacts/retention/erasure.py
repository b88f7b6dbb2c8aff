"""Erasing enquiries: on request, by staff, when their retention date has passed, and again
after a restore from backup brought them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from contacts.audit import audit
from contacts.models import AuditAction, Enquiry, ErasureReason, ErasureRecord, RightsEventKind
from contacts.retention import events
from contacts.retention.keys import nonce_key


def erase_enquiries(
    *, ids: Iterable[int], reason: str, actor: AbstractBaseUser | None = None
) -> int:
    """Delete enquiries with their consents, notes and notifications; record each erasure.

    One transaction: either every listed enquiry is gone, recorded and audited, or none is.
    Two erasures of one enquiry at once record it once: the second waits for the row lock
    and then finds nothing left to erase.
    """
    ids = list(ids)
    with transaction.atomic():
        found = list(
            Enquiry.objects.filter(pk__in=ids)
            .select_for_update()
            .values_list("pk", "form_nonce", "received_at")
        )
        if not found:
            return 0
        # No conflict is ignored: a record lost silently would let a restore bring the
        # enquiry back for good. Failing rolls the whole erasure back instead.
        now = timezone.now()
        ErasureRecord.objects.bulk_create(
            _records(found, erased_at=now, reason=reason, actor=actor)
        )
        events.record_for_enquiries(RightsEventKind.ERASURE, found, at=now, channel=reason)
        pks = [pk for pk, _, _ in found]
        Enquiry.objects.filter(pk__in=pks).only("pk").delete()
        audit(actor=actor, action=AuditAction.ERASURE, ids=pks)
    return len(found)


def _records(found: list[tuple[int, str, dt.datetime]], **fields) -> list[ErasureRecord]:
    """One record per erased enquiry, keyed on its form nonce (which a restore cannot hand
    to another submission, as it can the id).

    A nonce already recorded belongs to an earlier enquiry erased before this one arrived
    from the same form (a re-post after the erasure: the nonce was free again). That
    record keeps the key; this one gets none and is recognised by its number and the
    exact time it came in (see `reapply_erasures`).
    """
    hashed = {pk: nonce_key(nonce) for pk, nonce, _ in found}
    taken = taken_keys(hashed.values())
    return [
        ErasureRecord(
            enquiry_id=pk,
            nonce_key="" if hashed[pk] in taken else hashed[pk],
            received_at=received_at,
            **fields,
        )
        for pk, _, received_at in found
    ]


# PostgreSQL: one probe of the unique index erasure_nonce_key_unique per key. A plain
# `nonce_key IN (...)` of a batch's 2,000 keys read every erasure record instead (the
# planner proves that an IN list implies the index's `nonce_key <> ''` for at most 100
# values), and that table grows by a batch each batch: bench/purge_explain.py showed
# "Parallel Seq Scan on contacts_erasurerecord ... Rows Removed by Filter: 166667" (x3
# workers, 79 ms) halfway through a million, against 0.1 ms at the start. LIMIT 1 keeps
# the subquery a per-key lookup, whatever the planner estimates the table's size to be.
TAKEN_SQL = """
SELECT hit.nonce_key FROM unnest(%s::varchar[]) AS key
CROSS JOIN LATERAL (
    SELECT nonce_key FROM contacts_erasurerecord
    WHERE nonce_key = key AND nonce_key <> '' LIMIT 1
) AS hit
"""


def taken_keys(keys: Iterable[str]) -> set[str]:
    """Those of `keys` (none of them empty) that an erasure record already holds."""
    keys = list(keys)
    if connection.vendor != "postgresql":  # the SQLite file of `make run`
        return set(
            ErasureRecord.objects.filter(nonce_key__in=keys).values_list("nonce_key", flat=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(TAKEN_SQL, [keys])
        return {key for (key,) in cursor.fetchall()}


def purge_expired(
    *, now: dt.datetime, batch_size: int = 2000, dry_run: bool = False, batches: int = 0
) -> int:
    """Erase every enquiry past its retention date, in primary-key batches (the first
    `batches` batches only, when given: for profiling, bench/purge_explain.py).

    Each batch locks its rows with SKIP LOCKED, so two purges at once share the work and
    never erase the same enquiry twice. Memory holds one batch of ids at a time, and each
    batch starts after the last one's highest id, so no batch walks again over the index
    entries of rows already deleted (that would make a million rows quadratic).
    """
    if dry_run:
        return Enquiry.objects.expired(now).count()
    erased, last_pk, done = 0, 0, 0
    while not batches or done < batches:
        done += 1
        with transaction.atomic():
            ids = list(
                Enquiry.objects.expired(now)
                .filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return erased
            erased += erase_enquiries(ids=ids, reason=ErasureReason.RETENTION)
            last_pk = ids[-1]
    return erased


# --- After a restore from backup ------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    """An erasure record as `reapply_erasures` reads it: from the database or an export."""

    enquiry_id: int
    erased_at: dt.datetime
    # Empty in records made before nonce keys, and in the record of a re-post (`_records`).
    nonce_key: str = ""
    # None in records made before nonce keys.
    received_at: dt.datetime | None = None


@dataclass
class Reapplied:
    """What re-applying erasures did, in counts only."""

    erased: int = 0  # enquiries erased again (in a dry run: that would be)
    refused: int = 0  # enquiries a record matches that are not the one it erased
    unused: int = 0  # enquiries only records from before nonce keys name (by number)


def recorded() -> Iterator[Erased]:
    """The erasure records in the database."""
    rows = ErasureRecord.objects.order_by().values_list(
        "enquiry_id", "erased_at", "nonce_key", "received_at"
    )
    for row in rows.iterator(chunk_size=5000):
        yield Erased(*row)


def reapply_erasures(
    records: Iterable[Erased], *, by_number: bool = False, dry_run: bool = False
) -> Reapplied:
    """Erase again each enquiry that a record names and a restore brought back.

    A record names its enquiry by the keyed hash of the form nonce, never by the id alone
    (a restore rewinds the id sequence, and a new enquiry gets an erased one's id). Still,
    an enquiry that came in after the erasure, or at another time than the erased one
    came in, is never the erased one: it is refused, left alone and counted. A record
    without a key but with the time of receipt (a re-post's) names its enquiry by id and
    that exact time. A record from before nonce keys has only the id: it is used with
    `by_number` only, and then only for an enquiry received no later than the erasure.
    Nothing is erased before every record has been read.
    """
    by_key, received = _present()
    matched: set[int] = set()
    refused: set[int] = set()
    unused: set[int] = set()
    verdicts = {"match": matched, "refuse": refused, "unused": unused}
    for record in records:
        if record.nonce_key:
            pk = by_key.get(record.nonce_key)
        else:
            pk = record.enquiry_id if record.enquiry_id in received else None
        if pk is not None:
            verdicts[_verdict(record, received[pk], by_number)].add(pk)
    result = Reapplied(refused=len(refused - matched), unused=len(unused - matched - refused))
    ids = sorted(matched)
    if dry_run:
        result.erased = len(ids)
        return result
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        result.erased += erase_enquiries(ids=chunk, reason=ErasureReason.RESTORE)
    return result


def _verdict(record: Erased, received_at: dt.datetime, by_number: bool) -> str:
    """Whether the enquiry a record found (received at `received_at`) is the one erased."""
    if received_at > record.erased_at:
        return "refuse"  # it came after the erasure: someone else's
    if record.received_at is not None:
        return "match" if received_at == record.received_at else "refuse"
    if record.nonce_key or by_number:
        return "match"
    return "unused"


def _present() -> tuple[dict[str, int], dict[int, dt.datetime]]:
    """Every enquiry in the database: by its nonce key, and when each came in."""
    by_key: dict[str, int] = {}
    received: dict[int, dt.datetime] = {}
    rows = Enquiry.objects.order_by().values_list("pk", "form_nonce", "received_at")
    for pk, nonce, received_at in rows.iterator(chunk_size=5000):
        by_key[nonce_key(nonce)] = pk
        received[pk] = received_at
    return by_key, received
