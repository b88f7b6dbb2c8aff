"""The audit log: who did what to which enquiries. Append-only at the database level."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from contacts.models import AuditEntry


def audit(*, actor: AbstractBaseUser | None, action: str, ids: Iterable[int]) -> AuditEntry:
    """Append one line to the audit log: who, when, what, which enquiry numbers."""
    ids = sorted(set(ids))
    return AuditEntry.objects.create(actor=actor, action=action, enquiry_ids=ids, count=len(ids))
