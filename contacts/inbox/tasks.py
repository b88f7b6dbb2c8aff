"""The inbox's periodic job: reminding staff of callbacks nearly due and overdue."""

from __future__ import annotations

from procrastinate.contrib.django import app

from contacts.inbox import callbacks
from jobs.queue import Backoff, fresh_connection


# Every five minutes, day and night: a reminder is due the moment an enquiry comes within
# an hour of working time of its due time, which a fixed "office hours" cron would miss
# when PILARO_WORKDAY changes. A run with nothing to send is one indexed query.
@app.periodic(cron="*/5 * * * *", periodic_id="callback-reminders")
@app.task(
    queue="notifications",
    queueing_lock="callback-reminders",
    name="contacts.remind_callbacks",
    # A mail server down: try again within minutes (what was sent stays sent).
    retry=Backoff(first=lambda: 30, max_attempts=lambda: 4),
)
@fresh_connection
def remind_callbacks(timestamp: int) -> None:
    """E-mail staff (counts and links) when a callback is nearly due and when overdue."""
    callbacks.send_reminders()
