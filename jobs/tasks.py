"""The queue's own upkeep, run by the workers on a schedule: jobs of a worker that died are
run again, and finished jobs are forgotten after a while."""

from __future__ import annotations

import logging

from django.conf import settings
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

logger = logging.getLogger(__name__)

# A worker writes a heartbeat every JOBS_HEARTBEAT_SECONDS; one silent for this long died.
STALLED_AFTER_HEARTBEATS = 4
# A job taken over this often from dead workers is given up: it may be what kills them.
STALLED_MAX_ATTEMPTS = 5


def _every(seconds: int) -> str:
    """A cron line for every `seconds` (procrastinate's sixth field is seconds)."""
    return "* * * * *" if seconds >= 60 else f"* * * * * */{seconds}"


# Looked for twice per stalled-worker timeout, at most once a minute.
@app.periodic(
    cron=_every(settings.JOBS_HEARTBEAT_SECONDS * STALLED_AFTER_HEARTBEATS // 2),
    periodic_id="retry-stalled-jobs",
)
@app.task(queue="maintenance", queueing_lock="retry-stalled-jobs", name="jobs.retry_stalled")
async def retry_stalled_jobs(timestamp: int) -> None:
    """Run again the jobs that a worker was running when it died (killed, machine lost)."""
    manager = app.job_manager
    seconds = settings.JOBS_HEARTBEAT_SECONDS * STALLED_AFTER_HEARTBEATS
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=seconds):
        if job.attempts >= STALLED_MAX_ATTEMPTS:
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
            logger.error("Job %s (%s) given up after dying workers", job.id, job.task_name)
        else:
            await manager.retry_job(job)
            logger.warning("Job %s (%s) taken over from a dead worker", job.id, job.task_name)


@app.periodic(cron="41 * * * *", periodic_id="remove-old-jobs")
@app.task(queue="maintenance", queueing_lock="remove-old-jobs", name="jobs.remove_old")
async def remove_old_jobs(timestamp: int) -> None:
    """Forget finished jobs after two weeks (they hold ids only, but the table grows)."""
    await app.job_manager.delete_old_jobs(
        nb_hours=14 * 24, include_failed=True, include_cancelled=True, include_aborted=True
    )
