"""Write the erasure records (no personal data) as CSV, to keep beside database backups.

Superseded by `export_rights_log`, whose log holds every erasure with the other rights;
kept for operators whose procedures and old exports use it.

Why: a restore from a backup brings back enquiries erased since the backup was taken.
Keep this export with the backups (run it after each purge); `reapply_erasures` reads it
and erases those enquiries again.

Columns: enquiry_id, erased_at, reason, nonce_key, received_at. The enquiry's number is
for people reading the file; `reapply_erasures` finds the enquiry by `nonce_key`, a keyed
hash of its form's random nonce (contacts.retention.keys), and checks `received_at`, when it came
in. Keyed hashes, times and numbers: nothing about the person. The first three columns
are those of exports written before nonce keys, in the same order.
"""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand

from contacts.models import ErasureRecord

COLUMNS = ("enquiry_id", "erased_at", "reason", "nonce_key", "received_at")


class Command(BaseCommand):
    help = (
        "Write every erasure record as CSV (enquiry id, erased at, reason, nonce key, "
        "received at) to stdout."
    )

    def handle(self, *args, **options):
        writer = csv.writer(self.stdout)
        writer.writerow(COLUMNS)
        rows = ErasureRecord.objects.order_by("enquiry_id", "erased_at", "pk").values_list(
            *COLUMNS
        )
        for enquiry_id, erased_at, reason, nonce_key, received_at in rows.iterator(
            chunk_size=5000
        ):
            received = received_at.isoformat() if received_at else ""
            writer.writerow([enquiry_id, erased_at.isoformat(), reason, nonce_key, received])
