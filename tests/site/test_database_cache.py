"""The database cache's counters are exact when several processes count at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from pilaro_site.cache import TABLE, DatabaseCache, delete_expired_counters
from pilaro_site.tasks import CLEANUP_MINUTES


@pytest.mark.django_db(transaction=True)
def test_increments_from_many_connections_at_once_are_all_counted():
    cache = DatabaseCache(TABLE, {})
    cache.add("posts", 0, 600)
    threads, each = 8, 40
    barrier = threading.Barrier(threads)

    def count() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            for _ in range(each):
                cache.incr("posts")
        finally:
            own.close()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert cache.get("posts") == threads * each
    cache.delete("posts")


@pytest.mark.django_db
def test_the_table_is_made_by_migrate():
    assert TABLE in connection.introspection.table_names()


@pytest.mark.django_db
def test_counters_whose_window_ended_are_deleted_and_live_ones_kept():
    """Django's database cache deletes expired rows only once the table is full: the hourly
    job deletes them (pilaro_site/tasks.py), so an old keyed hash does not stay for days."""
    cache = DatabaseCache(TABLE, {})
    cache.add("old", 1, 600)
    cache.add("live", 1, 600)
    with connection.cursor() as cursor:
        ended = (
            "UPDATE pilaro_cache SET expires = now() - interval '1 second' WHERE cache_key LIKE %s"
        )
        cursor.execute(ended, ["%old"])
        cursor.execute("SELECT count(*) FROM pilaro_cache")
        before = cursor.fetchone()[0]

    deleted = delete_expired_counters(cache=cache)
    in_redis = delete_expired_counters()  # the suite's default cache is not the database

    assert before == 2
    assert (deleted, in_redis) == (1, 0)
    assert cache.get("live") == 1
    assert cache.get("old") is None


def test_the_clean_up_runs_hourly():
    from procrastinate.contrib.django import app

    [periodic] = [
        p
        for p in app.periodic_registry.periodic_tasks.values()
        if p.periodic_id == "delete-expired-counters"
    ]
    assert periodic.cron == "7 * * * *"
    assert CLEANUP_MINUTES == 60
