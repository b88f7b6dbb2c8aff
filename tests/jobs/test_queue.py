"""The job queue's own rules: retries back off, Oslo hours, a stuck queue is reported."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from procrastinate.contrib.django.utils import connector_params
from procrastinate.jobs import Job
from psycopg import AsyncConnection
from psycopg.pq import Trace

from common.schedules import is_oslo_hour
from jobs import queue
from jobs.queue import MAX_RETRY_WAIT, Backoff, oldest_waiting_job_age, worker_connector
from tests.concurrency import in_a_thread
from tests.queued_jobs import queued

UTC = dt.UTC


def job(attempts: int) -> Job:
    return Job(
        id=1,
        queue="notifications",
        lock=None,
        queueing_lock=None,
        task_name="t",
        attempts=attempts,
    )


def waits(strategy: Backoff, runs: int) -> list[int | None]:
    decisions = [strategy.get_retry_decision(exception=OSError(), job=job(n)) for n in range(runs)]
    now = dt.datetime.now(UTC)
    return [None if d is None else round((d.retry_at - now).total_seconds()) for d in decisions]


def test_retries_start_within_seconds_and_double_up_to_an_hour():
    strategy = Backoff(first=lambda: 10, max_attempts=lambda: 12)

    assert waits(strategy, 12) == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, None]
    assert MAX_RETRY_WAIT == 3600


def test_the_cap_counts_every_run_and_is_read_when_a_job_fails():
    cap = {"runs": 3}
    strategy = Backoff(first=lambda: 1, max_attempts=lambda: cap["runs"])

    assert waits(strategy, 3) == [1, 2, None]
    cap["runs"] = 1
    assert waits(strategy, 1) == [None]


@pytest.mark.parametrize(
    ("utc", "runs"),
    [
        # Winter (CET, UTC+1): 02:17 UTC is 03:17 in Oslo.
        (dt.datetime(2026, 1, 15, 1, 17, tzinfo=UTC), False),
        (dt.datetime(2026, 1, 15, 2, 17, tzinfo=UTC), True),
        # Summer (CEST, UTC+2): 01:17 UTC is 03:17 in Oslo.
        (dt.datetime(2026, 7, 15, 1, 17, tzinfo=UTC), True),
        (dt.datetime(2026, 7, 15, 2, 17, tzinfo=UTC), False),
        # The nights the clocks change: still exactly once.
        (dt.datetime(2026, 3, 29, 1, 17, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 29, 2, 17, tzinfo=UTC), False),
        (dt.datetime(2026, 10, 25, 1, 17, tzinfo=UTC), False),
        (dt.datetime(2026, 10, 25, 2, 17, tzinfo=UTC), True),
    ],
)
def test_the_nightly_purge_runs_once_a_night_at_three_in_oslo(utc, runs):
    assert is_oslo_hour(int(utc.timestamp()), 3) is runs


@pytest.mark.django_db
def test_a_queue_nobody_works_on_makes_the_health_check_fail(client, fresh_form, settings):
    settings.JOBS_STUCK_MINUTES = 10
    client.post("/kontakt/", fresh_form())
    [waiting] = queued()
    assert client.get("/healthz/").json()["queue"] == "ok"

    with connection.cursor() as cursor:  # as if it had been queued 11 minutes ago
        cursor.execute(
            "UPDATE procrastinate_events SET at = now() - interval '11 minutes' WHERE job_id = %s",
            [waiting.id],
        )
    response = client.get("/healthz/")

    assert oldest_waiting_job_age() > dt.timedelta(minutes=11)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "queue": "stuck"}


@pytest.mark.django_db
def test_a_job_waiting_for_its_retry_time_is_not_stuck(client, fresh_form):
    client.post("/kontakt/", fresh_form())
    [waiting] = queued()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = now() - interval '1 day' WHERE job_id = %s",
            [waiting.id],
        )
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() + interval '5 minutes' "
            "WHERE id = %s",
            [waiting.id],
        )

    assert oldest_waiting_job_age() is None
    assert client.get("/healthz/").status_code == 200


@pytest.mark.django_db
def test_a_queue_that_cannot_be_read_makes_the_health_check_fail(client, monkeypatch):
    from django.db import ProgrammingError

    from jobs import queue

    def not_migrated():
        raise ProgrammingError('relation "procrastinate_jobs" does not exist')

    monkeypatch.setattr(queue, "oldest_waiting_job_age", not_migrated)

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "queue": "unreadable"}


@pytest.mark.django_db
def test_the_workers_queue_statements_are_sent_without_a_begin_and_a_commit_around_each():
    """procrastinate's statements are each atomic; with a BEGIN and a COMMIT around each, a
    job took twelve round trips on the queue's side instead of four (docs/performance.md)."""

    async def first_command_of_its_transaction() -> bool:
        connector = worker_connector()
        await connector.open_async()
        try:
            row = await connector.execute_query_one_async(
                "SELECT transaction_timestamp() = statement_timestamp() AS alone"
            )
        finally:
            await connector.close_async()
        return row["alone"]

    # The two are equal in the first command of a transaction only: after a BEGIN, the
    # statement is the second.
    assert in_a_thread(asyncio.run, main=first_command_of_its_transaction())


@pytest.mark.django_db
def test_the_workers_pool_checks_a_kept_connection_without_a_query_and_replaces_an_ended_one(
    monkeypatch, tmp_path
):
    """psycopg_pool's check sends an empty query each time a connection is handed out: a
    round trip per statement of the queue (docs/performance.md)."""
    traces = []
    autocommit = queue._autocommit

    async def autocommit_and_traced(conn) -> None:
        await autocommit(conn)
        traces.append((tmp_path / f"trace-{len(traces)}").open("w"))
        conn.pgconn.trace(traces[-1].fileno())
        conn.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)

    monkeypatch.setattr(queue, "_autocommit", autocommit_and_traced)
    # One connection: the one the server ends is the one asked for next. (With several, a
    # failed check costs psycopg_pool's backoff once for each: seconds.)
    pool = queue._pool
    monkeypatch.setattr(queue, "_pool", lambda **kwargs: pool(**kwargs, min_size=1, max_size=1))
    backend = "SELECT pg_backend_pid() AS pid"

    django_backend = connection.cursor().connection.info.backend_pid

    async def three_statements_then_one_after_an_end() -> tuple[set[int], int]:
        connector = worker_connector()
        await connector.open_async()
        try:
            for _ in range(3):
                await connector.execute_query_one_async(backend)
            params = {**connector_params("default"), "autocommit": True}
            async with await AsyncConnection.connect(**params) as admin:
                ended = await admin.execute(
                    "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [django_backend],
                )
                ended_pids = {pid for pid, _ in await ended.fetchall()}
            await asyncio.sleep(0.2)  # the ends reach the kept connections' sockets
            after = await connector.execute_query_one_async(backend)
        finally:
            await connector.close_async()
        return ended_pids, after["pid"]

    ended_pids, later_pid = in_a_thread(asyncio.run, main=three_statements_then_one_after_an_end())
    for trace in traces:
        trace.close()
    sent = [
        line.split("\t")[3].strip()
        for trace in traces
        for line in Path(trace.name).read_text().splitlines()
        if line.split("\t")[0] == "F" and line.split("\t")[2] in ("Query", "Parse")
    ]

    # Four statements went to the server, nothing else: no check among them.
    assert len(sent) == 4 and all("pg_backend_pid" in statement for statement in sent)
    # No connection the server ended was handed out again.
    assert ended_pids and later_pid not in ended_pids
