"""Erasing enquiries: on request, by staff, and when their retention date has passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, Enquiry, ErasureReason, ErasureRecord
from contacts.services.audit import audit


def erase_enquiries(
    *, ids: Iterable[int], reason: str, actor: AbstractBaseUser | None = None
) -> int:
    """Delete enquiries with their consents, notes and notifications; record each erasure.

    One transaction: either every listed enquiry is gone, recorded and audited, or none is.
    """
    ids = list(ids)
    with transaction.atomic():
        found = list(
            Enquiry.objects.filter(pk__in=ids).select_for_update().values_list("pk", flat=True)
        )
        if not found:
            return 0
        now = timezone.now()
        ErasureRecord.objects.bulk_create(
            [
                ErasureRecord(enquiry_id=pk, erased_at=now, reason=reason, actor=actor)
                for pk in found
            ],
            ignore_conflicts=True,
        )
        Enquiry.objects.filter(pk__in=found).only("pk").delete()
        audit(actor=actor, action=AuditAction.ERASURE, ids=found)
    return len(found)


def purge_expired(*, now: dt.datetime, batch_size: int = 2000, dry_run: bool = False) -> int:
    """Erase every enquiry past its retention date, in primary-key batches.

    Each batch locks its rows with SKIP LOCKED, so two purges at once share the work and
    never erase the same enquiry twice. Memory holds one batch of ids at a time, and each
    batch starts after the last one's highest id, so no batch walks again over the index
    entries of rows already deleted (that would make a million rows quadratic).
    """
    if dry_run:
        return Enquiry.objects.expired(now).count()
    erased, last_pk = 0, 0
    while True:
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
