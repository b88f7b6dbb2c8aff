"""Erase again, after a restore from backup, every enquiry erased since the backup.

Superseded by `replay_rights_log` (README, "Backups and restore"), which replays every
right, erasures included. Kept for exports written before the rights log, and for
erasure records from before nonce keys (below).

Why: erasure must survive a restore. Give it the CSV written by `export_erasure_records`
(the erasure records in the restored database are read too): every enquiry a record
names that exists again is erased, with a record saying why (reason "restore").

How a record names its enquiry. Not by its number alone: a restore rewinds the id
sequence with the data, so enquiries that arrive after it get the numbers of enquiries
erased since the backup. A record names the erased enquiry by a keyed hash of its form's
nonce, which no other submission has. Even then, an enquiry that came in after the
erasure (or at another time than the erased one did) is not the erased one: it is left
alone and counted as refused. The record of an enquiry erased after an earlier one from
the same form (re-posted once the first was erased) has no key: it names its enquiry by
number and the exact time it came in. The keys are made with PILARO_PERSON_HASH_KEY: run
this with the key the records were made with.

Records from before nonce keys (every line of an export written before them) name an
enquiry by number only. They are not used unless --match-old-records-by-number is
given, and then only for an enquiry with that number that came in no later than the
erasure. Why not by default: a number proves nothing on its own. Numbers from an export
of another database (a staging copy, a wrong file), or an enquiry whose time of receipt
is wrong, would erase the wrong people, and an erasure cannot be undone; a missed one
can be made up a minute later. The run counts the enquiries that only such records name;
check them, then run again with the option. Once every backup is younger than the
change, old records cannot name anything.

Exports written before nonce keys are read, not refused: they are the only record of
erasures made between the backup and the change, and the rule above already treats
their lines with the caution a number calls for. A file that is not an export, or a line
that does not parse, stops the command before anything is erased.

Output: counts only, never a number or anything about a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contacts.retention import erasure

KEY = re.compile(r"[0-9a-f]{64}")
NUMBER = re.compile(r"[0-9]{1,19}")


class Command(BaseCommand):
    help = "Erase again the enquiries named in erasure records (a CSV export and the database)."

    def add_arguments(self, parser):
        parser.add_argument(
            "csv_path", nargs="?", type=Path, metavar="CSV", help="From export_erasure_records."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, erase nothing.")
        parser.add_argument(
            "--match-old-records-by-number",
            action="store_true",
            help="Also use records from before nonce keys: by number, for enquiries received "
            "no later than the erasure. Check first (see the module's explanation).",
        )

    def handle(self, *args, csv_path: Path | None, dry_run: bool, verbosity: int, **options):
        records = erasure.recorded()
        if csv_path is not None:
            records = itertools.chain(records, read_export(csv_path))
        result = erasure.reapply_erasures(
            records, by_number=options["match_old_records_by_number"], dry_run=dry_run
        )
        if not verbosity:
            return
        verb = "would be erased again (dry run)" if dry_run else "erased again"
        self.stdout.write(f"{result.erased} enquiries {verb}.")
        if result.refused:
            self.stdout.write(
                f"{result.refused} enquiries left alone: an erasure record matches them, but "
                "they came in after that erasure (or at another time than the erased one)."
            )
        if result.unused:
            self.stdout.write(
                f"{result.unused} enquiries are named, by number only, in erasure records "
                "from before nonce keys: not erased. Check them, then run again with "
                "--match-old-records-by-number."
            )


def read_export(path: Path) -> Iterator[erasure.Erased]:
    """The records in a file from export_erasure_records, of any version, one at a time."""
    try:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"enquiry_id", "erased_at"} - set(reader.fieldnames or ())
            if missing:
                raise CommandError(
                    f"{path} is not an export of erasure records: it has no "
                    f"{' or '.join(sorted(missing))} column."
                )
            for row in reader:
                yield _record(row, f"{path}, line {reader.line_num}")
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read erasure records from {path}: {exc}") from None


def _record(row: dict[str, str | None], where: str) -> erasure.Erased:
    """One line; a bad cell is named by its column, never quoted (a wrong file could hold
    anything)."""

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    key, received = cell("nonce_key"), cell("received_at")
    if not NUMBER.fullmatch(cell("enquiry_id")):
        problem = "enquiry_id is not a number"
    elif key and not KEY.fullmatch(key):
        problem = "nonce_key is not a keyed hash"
    elif _moment(cell("erased_at")) is None:
        problem = "erased_at is not a time with its offset"
    elif received and _moment(received) is None:
        problem = "received_at is not a time with its offset"
    else:
        return erasure.Erased(
            enquiry_id=int(cell("enquiry_id")),
            erased_at=_moment(cell("erased_at")),
            nonce_key=key,
            received_at=_moment(received) if received else None,
        )
    raise CommandError(f"Cannot read erasure records from {where}: {problem}.")


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
