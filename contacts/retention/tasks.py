"""Retention's periodic job: the Monday digest of what the purge will erase that week.
(The nightly purge itself is contacts/tasks.py: it also clears what subject requests keep,
which is the rights' business.)"""

from __future__ import annotations

from common.schedules import oslo_daily
from contacts.retention import purge_digest
from contacts.staff_digest import RETRY_WITHIN_THE_MORNING
from jobs.queue import fresh_connection


# The digest itself sends at most once a day however often it runs.
@oslo_daily(
    hour=8,
    weekday="1",
    periodic_id="purge-digest",
    name="contacts.send_purge_digest",
    queue="notifications",
    retry=RETRY_WITHIN_THE_MORNING,
)
@fresh_connection
def send_purge_digest() -> None:
    """E-mail staff (a count and a link) how many enquiries are erased within 7 days."""
    purge_digest.send_digest()
