"""Erase enquiries whose retention date has passed.

Why: the privacy notice promises that an enquiry is kept only as long as it is needed, and
the retention date on each enquiry says how long that is. The job worker runs the same
purge nightly (contacts.tasks); this command is for an operator who wants it now. It
deletes in primary-key batches (bounded memory at a million rows), skips enquiries under a
legal hold, leaves an ErasureRecord without personal data for each one, then clears the
person's own words on subject requests that are spent (as the nightly job does), prints
counts only, and two runs at once share the work instead of colliding.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from contacts.retention.erasure import purge_expired
from contacts.rights import subject_log


class Command(BaseCommand):
    help = "Erase every enquiry past its retention date (not those under a legal hold)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, erase nothing.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per transaction.")

    def handle(self, *args, dry_run: bool, batch_size: int, verbosity: int, **options):
        count = purge_expired(now=timezone.now(), batch_size=max(1, batch_size), dry_run=dry_run)
        if verbosity:
            verb = "would be erased (dry run)" if dry_run else "erased"
            self.stdout.write(f"{count} expired enquiries {verb}.")
        if not dry_run:
            cleared = subject_log.clear_spent_details(now=timezone.now())
            if verbosity and cleared:
                self.stdout.write(f"The person's words cleared on {cleared} subject requests.")
