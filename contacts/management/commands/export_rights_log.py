"""Write the rights log (no personal data: keyed hashes, times and codes) as JSON lines,
to keep with the database backups, off the server.

Why: a restore from a backup brings back what people changed since it was taken: an
erased enquiry, a withdrawn consent, an objection to marketing, a restriction.
`replay_rights_log` reads this export after a restore and applies them again. Run it
after every backup (and keep it at least as long as the oldest backup); the README's
restore section is the procedure.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from contacts.rights import log


class Command(BaseCommand):
    help = "Write the rights log as JSON lines (one event per line) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="A file to write, in place of stdout (written whole or not at all).",
        )

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            for line in log.exported():
                self.stdout.write(line)
            return
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for line in log.exported():
                handle.write(line + "\n")
        partial.replace(output)
