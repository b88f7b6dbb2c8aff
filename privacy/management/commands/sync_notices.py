"""Record every published privacy notice version in the database, refusing changed texts.

Consent records point to NoticeVersion rows, and each row's SHA-256 proves which text was
shown. `make run` and deploys run this after `migrate`. It is safe to run twice, also at
once: rows are only ever added (the version is unique), never rewritten.
"""

from __future__ import annotations

from django.core import checks
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from privacy import manifest, registry
from privacy.checks import NOT_RECORDED
from privacy.models import NoticeVersion


class Command(BaseCommand):
    help = "Record published privacy notice versions and their SHA-256; refuse changed texts."
    # Django's checks would stop `--record` on the one error it exists to put right (a
    # published version not yet in SHA256SUMS); `_check` runs them without that one.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--record",
            action="store_true",
            help=f"Also add newly published versions to {manifest.FILENAME} (when publishing).",
        )

    def _check(self, *, record: bool) -> None:
        """Every system check, as Django would run it, but for what `--record` will fix."""
        messages = checks.run_checks()
        if record:
            messages = [m for m in messages if m.id != NOT_RECORDED]
        serious = [m for m in messages if m.is_serious()]
        if serious:
            raise CommandError(
                "Refused: the system check found\n" + "\n".join(f"  {m}" for m in serious)
            )

    def handle(self, *args, record: bool = False, verbosity: int = 1, **options):
        self._check(record=record)
        directory = registry.notice_directory()
        notices, problems = registry.load(directory)
        if problems:
            raise CommandError("Invalid notice files: " + "; ".join(map(str, problems)))
        published = [notice for notice in notices if notice.is_published]

        recorded_files = manifest.read(directory)
        changed = {
            n.version for n in published if recorded_files.get(n.path.name, n.sha256) != n.sha256
        }
        with transaction.atomic():
            existing = dict(NoticeVersion.objects.values_list("version", "sha256"))
            changed |= {
                n.version for n in published if existing.get(n.version, n.sha256) != n.sha256
            }
            if changed:
                raise CommandError(
                    "Refused: published notice version(s) "
                    + ", ".join(sorted(changed, key=registry.version_key))
                    + " changed since publication. Restore the published text and publish "
                    "the correction as a new version."
                )
            new = [n for n in published if n.version not in existing]
            NoticeVersion.objects.bulk_create(
                [
                    NoticeVersion(version=n.version, effective_date=n.effective, sha256=n.sha256)
                    for n in new
                ],
                ignore_conflicts=True,  # a concurrent run may have added the same version
            )
            # Whoever inserted a row, it must hold this text.
            stored = dict(NoticeVersion.objects.values_list("version", "sha256"))
            clash = sorted(n.version for n in published if stored[n.version] != n.sha256)
            if clash:
                raise CommandError(
                    f"Refused: version(s) {', '.join(clash)} recorded with another text."
                )

        if record:
            files = {n.path.name: n.sha256 for n in published}
            sides = [n for n in published if n.side_file_sha256]
            files |= {n.side_file.name: n.side_file_sha256 for n in sides}
            manifest.add(directory, files)
        if verbosity:
            self.stdout.write(
                f"{len(published)} published version(s), {len(new)} newly recorded, "
                f"{len(published) - len(new)} unchanged."
            )
