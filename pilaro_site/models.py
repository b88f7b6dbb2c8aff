"""The site-wide tables that are no app's own: the rate limits' counters (common/limits.py,
which writes and reads them in SQL of its own; the model is here for the migration and
the data map)."""

from __future__ import annotations

from django.db import models

from common.limits import TABLE


class RateCounter(models.Model):
    """Hits of one key in one window of one limit. Deleted by the hourly clean-up once its
    window has ended (pilaro_site/tasks.py)."""

    pk = models.CompositePrimaryKey("scope", "key_hash", "window_start")
    scope = models.CharField(max_length=50, help_text="Which limit: a name in the code.")
    key_hash = models.CharField(
        max_length=64,
        help_text="A keyed hash of the client's network or of an e-mail address, never "
        "the address.",
    )
    window_start = models.BigIntegerField(help_text="The window's start, in Unix seconds.")
    hits = models.PositiveIntegerField(help_text="Hits counted in the window so far.")
    expires = models.BigIntegerField(help_text="The window's end, in Unix seconds.")

    class Meta:
        db_table = TABLE

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start}: {self.hits}"
