"""Apply again, after a restore from backup, every rights event made since the backup:
erasures, withdrawals, objections to marketing, restrictions and their lifting,
confirmations of marketing consent.

Give it the file `export_rights_log` wrote (before the restore, or the newest one kept
off the server). Events the restored database already has are skipped; the others are
applied through the services that applied them first, in the order they happened, and
added to the database's log. Running it twice is running it once. Each event names its
enquiry by a keyed hash of the form nonce and the time it came in, so an enquiry that
got a reused number after the restore is never touched (contacts/rights/log.py).

Run it with the PILARO_PERSON_HASH_KEY the events were made with. A line that does not
parse stops the command before anything is changed. Output: counts only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contacts.models import RightsEventKind
from contacts.rights import log


class Command(BaseCommand):
    help = "Apply again the rights events in an export_rights_log file (after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="FILE", help="From export_rights_log.")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, path: Path, dry_run: bool, verbosity: int, **options):
        events = list(read(path))
        result = log.replay(events, dry_run=dry_run)
        if not verbosity:
            return
        would = " (dry run: nothing changed)" if dry_run else ""
        self.stdout.write(
            f"{len(events)} events read, {result.events_added} not in the database{would}."
        )
        for kind in RightsEventKind:
            if result.applied[kind]:
                self.stdout.write(f"{kind.label}: {result.applied[kind]} applied again.")
        if result.refused:
            self.stdout.write(
                f"{result.refused} enquiries left alone: an erasure matches them, but they "
                "came in after it (or at another time than the erased one)."
            )


def read(path: Path) -> Iterator[log.Event]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield log.parse(line)
                    except log.BadLine as exc:
                        raise CommandError(f"{path}, line {number}: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read the rights log from {path}: {exc}") from None
