"""The contacts app's background jobs, run by the workers (jobs/)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from procrastinate.contrib.django import app

from contacts.inbox import callbacks
from contacts.intake import notifications
from contacts.retention import erasure, purge_digest
from contacts.rights import subject_log
from contacts.rights.selfservice import tasks as selfservice_tasks  # noqa: F401 - registers its jobs
from jobs.queue import Backoff, fresh_connection, is_oslo_hour

logger = logging.getLogger(__name__)


@app.task(
    queue="notifications",
    name="contacts.send_notification",
    # 10 s, 20 s, 40 s, ...: a mail server back after a short outage is used at once.
    retry=Backoff(
        first=lambda: settings.CONTACTS_NOTIFY_FIRST_RETRY_SECONDS,
        max_attempts=lambda: settings.CONTACTS_NOTIFY_MAX_ATTEMPTS,
    ),
)
@fresh_connection
def send_notification(notification_id: int) -> None:
    notifications.deliver(notification_id)


# 03:17 in Oslo, summer and winter (cron is UTC; see jobs.queue.is_oslo_hour).
@app.periodic(cron="17 1,2 * * *", periodic_id="nightly-purge")
@app.task(queue="maintenance", queueing_lock="nightly-purge", name="contacts.purge_expired")
@fresh_connection
def purge_expired_enquiries(timestamp: int) -> None:
    """Erase every enquiry past its retention date, nightly."""
    if not is_oslo_hour(timestamp, 3):
        return
    now = timezone.now()
    erased = erasure.purge_expired(now=now)
    logger.info("Nightly purge: %s expired enquiries erased", erased)
    # After the purge, so that tonight's erasures count: see subject_log's docstring.
    cleared = subject_log.clear_spent_details(now=now)
    logger.info("Nightly purge: the person's words cleared on %s subject requests", cleared)


# 07:00 in Oslo, summer and winter. The periodic de-dup queues one job per schedule;
# send_deadline_reminder itself sends at most once a day however often it runs.
@app.periodic(cron="0 5,6 * * *", periodic_id="subject-deadlines")
@app.task(
    queue="notifications",
    queueing_lock="subject-deadlines",
    name="contacts.remind_subject_deadlines",
    # A mail server down at seven: try again within the morning, then leave it to tomorrow.
    retry=Backoff(first=lambda: 60, max_attempts=lambda: 6),
)
@fresh_connection
def remind_subject_deadlines(timestamp: int) -> None:
    """E-mail staff (counts only) when a subject request is overdue or due soon."""
    if not is_oslo_hour(timestamp, 7):
        return
    subject_log.send_deadline_reminder()


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


# Mondays at 08:00 in Oslo, summer and winter (both UTC hours are on the Monday); the
# digest itself sends at most once a day however often it runs.
@app.periodic(cron="0 6,7 * * 1", periodic_id="purge-digest")
@app.task(
    queue="notifications",
    queueing_lock="purge-digest",
    name="contacts.send_purge_digest",
    # A mail server down at eight: try again within the morning, then leave it a week.
    retry=Backoff(first=lambda: 60, max_attempts=lambda: 6),
)
@fresh_connection
def send_purge_digest(timestamp: int) -> None:
    """E-mail staff (a count and a link) how many enquiries are erased within 7 days."""
    if not is_oslo_hour(timestamp, 8):
        return
    purge_digest.send_digest()
