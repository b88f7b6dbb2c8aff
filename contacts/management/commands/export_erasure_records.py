"""Write the erasure records (no personal data) as CSV, to keep beside database backups.

Why: a restore from a backup brings back enquiries erased since the backup was taken.
Keep this export with the backups (run it after each purge); `reapply_erasures` reads it
and erases those enquiries again.
"""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand

from contacts.models import ErasureRecord


class Command(BaseCommand):
    help = "Write every erasure record as CSV (enquiry id, erased at, reason) to stdout."

    def handle(self, *args, **options):
        writer = csv.writer(self.stdout)
        writer.writerow(["enquiry_id", "erased_at", "reason"])
        rows = ErasureRecord.objects.order_by("enquiry_id").values_list(
            "enquiry_id", "erased_at", "reason"
        )
        for enquiry_id, erased_at, reason in rows.iterator(chunk_size=5000):
            writer.writerow([enquiry_id, erased_at.isoformat(), reason])
