"""The site's own periodic job: rate-limit counters deleted once their window has ended,
and the database cache's expired rows."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from common import limits
from jobs.queue import fresh_connection
from pilaro_site.cache import delete_expired_entries

logger = logging.getLogger(__name__)

# Hourly: the data map promises a counter is gone at most an hour after its window.
CLEANUP_MINUTES = 60


@app.periodic(cron="7 * * * *", periodic_id="delete-expired-counters")
@app.task(
    queue="maintenance",
    queueing_lock="delete-expired-counters",
    name="pilaro_site.delete_expired_counters",
)
@fresh_connection
def delete_expired_rate_limit_counters(timestamp: int) -> None:
    deleted = limits.delete_expired()
    cached = delete_expired_entries()
    logger.info(
        "Rate-limit counters: %s expired rows deleted (and %s expired cache rows)",
        deleted,
        cached,
    )
