"""The site's own periodic job: rate-limit counters deleted once their window has ended."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from jobs.queue import fresh_connection
from pilaro_site.cache import delete_expired_counters

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
    deleted = delete_expired_counters()
    logger.info("Rate-limit counters: %s expired rows deleted", deleted)
