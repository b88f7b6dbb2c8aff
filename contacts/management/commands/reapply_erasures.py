"""Erase again, after a restore from backup, every enquiry that had been erased.

Why: erasure must survive a restore. Give it the CSV written by `export_erasure_records`
(or rely on the erasure records in the restored database itself): every enquiry named
there that exists again is erased, with a record saying why.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contacts.models import Enquiry, ErasureReason, ErasureRecord
from contacts.services.erasure import erase_enquiries


class Command(BaseCommand):
    help = "Erase enquiries named in erasure records (a CSV export and/or the database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "csv_path", nargs="?", type=Path, metavar="CSV", help="From export_erasure_records."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, erase nothing.")

    def handle(self, *args, csv_path: Path | None, dry_run: bool, verbosity: int, **options):
        ids = set(ErasureRecord.objects.values_list("enquiry_id", flat=True))
        if csv_path is not None:
            ids |= self._read(csv_path)
        present = sorted(Enquiry.objects.filter(pk__in=ids).values_list("pk", flat=True))
        erased = 0
        if not dry_run:
            for start in range(0, len(present), 2000):
                erased += erase_enquiries(
                    ids=present[start : start + 2000], reason=ErasureReason.RESTORE
                )
        if verbosity:
            verb = "would be erased again (dry run)" if dry_run else "erased again"
            self.stdout.write(f"{len(present) if dry_run else erased} enquiries {verb}.")

    def _read(self, path: Path) -> set[int]:
        try:
            with path.open(newline="") as handle:
                return {int(row["enquiry_id"]) for row in csv.DictReader(handle)}
        except (OSError, KeyError, ValueError) as exc:
            raise CommandError(f"Cannot read erasure records from {path}: {exc}") from None
