"""The self-service page's background jobs (imported by contacts.tasks, so the worker
finds them): the e-mail with the link, and forgetting spent links."""

from __future__ import annotations

import logging

from django.conf import settings
from procrastinate.contrib.django import app

from contacts.rights.selfservice import links
from jobs.queue import Backoff, fresh_connection

logger = logging.getLogger(__name__)


@app.task(
    queue="notifications",
    name="contacts.selfservice.send_access_link",
    retry=Backoff(
        first=lambda: settings.CONTACTS_NOTIFY_FIRST_RETRY_SECONDS,
        max_attempts=lambda: settings.CONTACTS_NOTIFY_MAX_ATTEMPTS,
    ),
)
@fresh_connection
def send_access_link(enquiry_id: int) -> None:
    """Its argument is an enquiry's number: no address or secret waits in the queue."""
    try:
        sent = links.send_link(enquiry_id)
    except Exception as exc:
        # The class only: an SMTP error's text can quote the recipient.
        logger.warning("Dine opplysninger: link e-mail not sent (%s)", type(exc).__name__)
        raise links.LinkNotSent(type(exc).__name__) from None
    logger.info("Dine opplysninger: link e-mail %s", "sent" if sent else "not needed")


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
