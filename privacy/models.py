from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from privacy.registry import Notice


class NoticeChangedError(Exception):
    """A published version's text differs from the one recorded when it was published."""


# Rows of published versions, remembered per process: a recorded version is never changed
# or deleted (consents protect it), and every form post needs one.
_recorded: dict[tuple[str, str, str], NoticeVersion] = {}


def forget_recorded_versions() -> None:
    """For tests, whose transactions roll recorded rows back."""
    _recorded.clear()


class NoticeVersionManager(models.Manager["NoticeVersion"]):
    def for_notice(self, notice: Notice) -> NoticeVersion:
        """The row of a published version, recorded now if `sync_notices` has not yet."""
        key = (self.db, notice.version, notice.sha256)
        if key in _recorded:
            return _recorded[key]
        row, _ = self.get_or_create(
            version=notice.version,
            defaults={"effective_date": notice.effective, "sha256": notice.sha256},
        )
        if row.sha256 != notice.sha256:
            raise NoticeChangedError(f"Notice version {notice.version} changed since publication.")
        # Remembered once committed: the process's other threads must never use a row
        # that this transaction (a form post) may yet roll back.
        transaction.on_commit(lambda: _recorded.setdefault(key, row), using=self.db)
        return row


class NoticeVersion(models.Model):
    """A published version of the privacy notice, as first seen by `sync_notices`.

    Consent records point here, so a version is never deleted while they do, and its
    SHA-256 proves which text the visitor was shown.
    """

    version = models.CharField("versjon", max_length=20, unique=True)
    effective_date = models.DateField("gjelder fra")
    sha256 = models.CharField("SHA-256 av teksten", max_length=64)
    first_seen = models.DateTimeField("først registrert", default=timezone.now)

    objects = NoticeVersionManager()

    class Meta:
        ordering = ["effective_date"]
        verbose_name = "versjon av personvernerklæringen"
        verbose_name_plural = "versjoner av personvernerklæringen"
        # The record of processing (privacy/record.py): superusers, and whom they give it.
        permissions = [("view_processing_record", "Kan se behandlingsprotokollen")]

    def __str__(self) -> str:
        return f"Versjon {self.version}"
