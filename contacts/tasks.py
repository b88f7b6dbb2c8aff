"""The contacts app's background jobs, found here by the worker (procrastinate imports each
app's `tasks` module): the nightly purge, and each domain's jobs, imported to register them.

- `intake.notifications.send_notification`: the staff e-mail about a new enquiry.
- `intake.confirmation`: the e-mail that asks to confirm a marketing consent, and the
  hourly lapse of those not confirmed in time.
- `rights.selfservice.links.send_access_link`: the e-mail with a self-service link.
- `rights.restriction.send_restriction_lifted`: the person told a restriction is lifted.
- `rights.tasks`: subject requests' deadlines (07:00), spent links forgotten (hourly).
- `inbox.tasks`: callback reminders (every five minutes).
- `retention.tasks`: the digest of the coming erasures (Mondays at 08:00).
"""

from __future__ import annotations

import logging

from django.utils import timezone

from common.schedules import oslo_daily
from contacts.inbox import tasks as inbox_tasks  # noqa: F401 - registers its jobs
from contacts.intake import (  # noqa: F401 - registers their jobs
    confirmation,
    notifications,
)
from contacts.retention import erasure
from contacts.retention import tasks as retention_tasks  # noqa: F401 - registers its jobs
from contacts.rights import (
    restriction,  # noqa: F401 - registers its job
    subject_log,
)
from contacts.rights import tasks as rights_tasks  # noqa: F401 - registers its jobs
from contacts.rights.selfservice import links  # noqa: F401 - registers its job
from jobs.queue import fresh_connection

logger = logging.getLogger(__name__)


@oslo_daily(
    hour=3,
    minute=17,
    periodic_id="nightly-purge",
    name="contacts.purge_expired",
    queue="maintenance",
)
@fresh_connection
def purge_expired_enquiries() -> None:
    """Erase every enquiry past its retention date, nightly; then clear what subject
    requests keep of the person's own words once nothing they concern is left."""
    now = timezone.now()
    erased = erasure.purge_expired(now=now)
    logger.info("Nightly purge: %s expired enquiries erased", erased)
    # After the purge, so that tonight's erasures count: see subject_log's docstring.
    cleared = subject_log.clear_spent_details(now=now)
    logger.info("Nightly purge: the person's words cleared on %s subject requests", cleared)
