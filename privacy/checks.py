"""System checks for the privacy notice files, run at start-up, in `make test` and at deploy."""

from __future__ import annotations

from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone

from privacy import manifest, registry

PLACEHOLDER = "[FYLLES UT AV PILARO"
# What `sync_notices --record` puts right, so that command runs while this error stands.
NOT_RECORDED = "privacy.E002"


def _recorded_files(notice: registry.Notice) -> list[tuple[str, str]]:
    """The files of a published version that SHA256SUMS must hold, with their SHA-256."""
    files = [(notice.path.name, notice.sha256)]
    if notice.side_file_sha256 is not None:
        files.append((notice.side_file.name, notice.side_file_sha256))
    return files


def _published_changes(notices: list[registry.Notice], recorded: dict[str, str]) -> list[Error]:
    errors = []
    for notice in notices:
        if not notice.is_published:
            continue
        for name, sha256 in _recorded_files(notice):
            digest = recorded.get(name)
            if digest is None:
                errors.append(
                    Error(
                        f"Published notice version {notice.version} ({name}) is not "
                        f"recorded in {manifest.FILENAME}.",
                        hint="Once the text is final: python manage.py sync_notices --record",
                        id=NOT_RECORDED,
                    )
                )
            elif digest != sha256:
                errors.append(
                    Error(
                        f"Published notice version {notice.version} ({name}) has changed "
                        "since it was published.",
                        hint="A published text is never edited: restore it and publish the "
                        "correction as a new version.",
                        id="privacy.E003",
                    )
                )
    return errors


def _placeholders(notices: list[registry.Notice]) -> list[Error]:
    """A published version must not still say "[FYLLES UT AV PILARO: …]" anywhere."""
    errors = []
    for notice in notices:
        if not notice.is_published:
            continue
        paths = [notice.path] + ([notice.side_file] if notice.side_file_sha256 else [])
        for path in paths:
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                if PLACEHOLDER in line:
                    errors.append(
                        Error(
                            f"Published notice version {notice.version}: {path.name} line "
                            f"{number} still has a placeholder: {line.strip()[:80]}",
                            hint="Fill in every [FYLLES UT AV PILARO: …] before publishing.",
                            id="privacy.E005",
                        )
                    )
    return errors


@register("privacy")
def check_notice_files(app_configs, **kwargs) -> list[Error]:
    directory = registry.notice_directory()
    notices, problems = registry.load(directory)
    errors = [Error(f"Privacy notice {problem}", id="privacy.E001") for problem in problems]
    errors += _published_changes(notices, manifest.read(directory))
    errors += _placeholders(notices)
    if not problems and registry.Registry(tuple(notices)).in_force() is None:
        errors.append(
            Error(
                f"No published privacy notice is in force on {timezone.localdate()}.",
                hint="Publish a version whose effective date is today or earlier.",
                id="privacy.E004",
            )
        )
    return errors


@register("privacy", Tags.database)
def check_published_notices_match_database(app_configs, databases=None, **kwargs):
    """Compare the files with the hashes production recorded when it first published them."""
    if not databases or "default" not in databases:
        return []
    from privacy.models import NoticeVersion

    notices, problems = registry.load(registry.notice_directory())
    if problems:
        return []  # reported by check_notice_files
    try:
        recorded = {row.version: row for row in NoticeVersion.objects.all()}
    except DatabaseError:
        return []  # not migrated yet: nothing has been published from this database
    messages: list[Error | Warning] = []
    files = {notice.version: notice for notice in notices if notice.is_published}
    for version, notice in files.items():
        row = recorded.get(version)
        if row is None:
            messages.append(
                Warning(
                    f"Published notice version {version} is not yet recorded in the database.",
                    hint="python manage.py sync_notices",
                    id="privacy.W010",
                )
            )
        elif row.sha256 != notice.sha256:
            messages.append(
                Error(
                    f"Published notice version {version} ({notice.path.name}) differs from the "
                    "text recorded when it was published.",
                    hint="Restore the published text; publish the correction as a new version.",
                    id="privacy.E011",
                )
            )
    for version in sorted(set(recorded) - set(files)):
        messages.append(
            Error(
                f"Notice version {version} was published but its file is gone.",
                hint="Restore the file: consent records point to this version.",
                id="privacy.E012",
            )
        )
    return messages
