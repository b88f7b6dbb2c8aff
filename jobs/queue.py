"""Background jobs on procrastinate, whose queue is a table in our PostgreSQL database.

Web requests only put jobs in the queue, in the transaction that writes the rows a job
needs: the rows and their job are committed together or not at all. Workers
(`manage.py worker`, `make worker`) run them, retry them with a backoff, and run the
periodic jobs (the nightly purge) themselves: no crontab.

On SQLite (`make run` without DATABASE_URL) there is no queue: a job runs in the same
process right after the commit, which is all a developer's machine needs.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from procrastinate import RetryDecision, psycopg_connector
from procrastinate.contrib.django import utils as procrastinate_django
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.jobs import Job
from procrastinate.manager import JobManager
from procrastinate.retry import BaseRetryStrategy
from procrastinate.tasks import Task
from psycopg import AsyncConnection, OperationalError
from psycopg_pool import AsyncConnectionPool

from common.connections import ended

logger = logging.getLogger(__name__)

# Deferring always goes through Django's own connection, so a job is part of the caller's
# transaction also inside a worker (whose app uses a connection pool of its own).
_job_manager = JobManager(DjangoConnector(alias="default"))


def worker_connector() -> psycopg_connector.PsycopgConnector:
    """The worker's connection pool to the queue: procrastinate's own, in autocommit, its
    connections checked without a query.

    Each of procrastinate's statements (take a job, finish it, a heartbeat) is one call of
    its own SQL functions, atomic by itself. The pool's connections open a transaction for
    each otherwise: BEGIN and COMMIT around every statement. The pool still checks a
    connection before handing it out, so that a restarted database is survived, but by
    looking at its socket (common/connections.py), where procrastinate's check sends an
    empty query each time. Round trips per job on the queue's side: twelve before, two now
    (take it, finish it; docs/performance.md).
    """
    return psycopg_connector.PsycopgConnector(
        kwargs=procrastinate_django.connector_params("default"),
        configure=_autocommit,
        pool_factory=_pool,
    )


async def _autocommit(conn: AsyncConnection) -> None:
    await conn.set_autocommit(True)


def _pool(**kwargs) -> AsyncConnectionPool:
    """procrastinate's pool, with our check in place of the one it names."""
    return AsyncConnectionPool(**{**kwargs, "check": _check})


async def _check(conn: AsyncConnection) -> None:
    """psycopg_pool's contract: return if the connection can be used, raise if not. Closed
    first, as a failed query leaves it, so that the pool replaces it instead of keeping it."""
    if ended(conn):
        await conn.close()
        raise OperationalError("the database ended this connection")


def has_queue() -> bool:
    return connection.vendor == "postgresql"


def defer(task: Task, **kwargs) -> None:
    """Queue `task` with these arguments, in the current transaction."""
    if not has_queue():
        transaction.on_commit(lambda: _run_in_process(task, kwargs))
        return
    deferrer = task.configure()
    deferrer.job_manager = _job_manager
    deferrer.defer(**kwargs)


def _run_in_process(task: Task, kwargs: dict) -> None:
    try:
        task(**kwargs)
    except Exception as exc:  # development only: report, and let the request go on
        logger.warning("Job %s failed in-process (%s)", task.name, type(exc).__name__)


def fresh_connection(function: Callable) -> Callable:
    """Run a job on a usable database connection, as Django does for each request.

    A worker's threads live long; without this, a connection that died (the database
    restarted) would fail every later job on that thread.
    """

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        _close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            _close_old_connections()

    return wrapped


def _close_old_connections() -> None:
    # Not inside a transaction: a job run in-process (SQLite, tests) is inside the caller's.
    if not connection.in_atomic_block:
        close_old_connections()


MAX_RETRY_WAIT = 3600


class Backoff(BaseRetryStrategy):
    """Retry soon, then less often: `first()` seconds, doubling up to an hour between
    tries, for `max_attempts()` runs in all. Both are read when a job fails, so settings
    apply without a restart of the code that declared the task."""

    def __init__(self, *, first: Callable[[], int], max_attempts: Callable[[], int]) -> None:
        self.first = first
        self.max_attempts = max_attempts

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        runs = job.attempts + 1  # job.attempts counts the runs before this one
        if runs >= self.max_attempts():
            return None
        wait = min(self.first() * 2**job.attempts, MAX_RETRY_WAIT)
        return RetryDecision(retry_in={"seconds": wait})


# Jobs waiting to run now: due, not yet taken. A retried job waits for its new time.
_OLDEST_WAITING = """
SELECT min(coalesce(j.scheduled_at, e.at))
FROM procrastinate_jobs j
JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'deferred'
WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())
"""


def oldest_waiting_job_age() -> dt.timedelta | None:
    """How long the oldest job that should be running now has waited; None if none."""
    if not has_queue():
        return None
    with connection.cursor() as cursor:
        cursor.execute(_OLDEST_WAITING)
        oldest = cursor.fetchone()[0]
    return timezone.now() - oldest if oldest else None
