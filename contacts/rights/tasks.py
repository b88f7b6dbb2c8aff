"""The rights' periodic jobs: the daily reminder of subject requests' deadlines, and the
hourly clean-up of spent self-service links. (The link e-mail's own job is beside the code
that queues it: selfservice/links.py.)"""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from common.schedules import oslo_daily
from contacts.rights import subject_log
from contacts.rights.selfservice import links
from contacts.staff_digest import RETRY_WITHIN_THE_MORNING
from jobs.queue import fresh_connection

logger = logging.getLogger(__name__)


# send_deadline_reminder itself sends at most once a day however often it runs.
@oslo_daily(
    hour=7,
    periodic_id="subject-deadlines",
    name="contacts.remind_subject_deadlines",
    queue="notifications",
    retry=RETRY_WITHIN_THE_MORNING,
)
@fresh_connection
def remind_subject_deadlines() -> None:
    """E-mail staff (counts only) when a subject request is overdue or due soon."""
    subject_log.send_deadline_reminder()


@app.periodic(cron="23 * * * *", periodic_id="selfservice-forget-links")
@app.task(
    queue="maintenance",
    queueing_lock="selfservice-forget-links",
    name="contacts.selfservice.forget_spent_links",
)
@fresh_connection
def forget_spent_links(timestamp: int) -> None:
    """Hourly: spent links, and expired sessions and pending addresses, are deleted."""
    deleted = links.forget_spent_links()
    logger.info("Dine opplysninger: %s spent links forgotten", deleted)
