"""The database cache (the default without Redis): its table is made by migrate, and its
expired rows are deleted by the hourly clean-up, with the rate limits' counters."""

from __future__ import annotations

import pytest
from django.db import connection

from pilaro_site.cache import TABLE, DatabaseCache, delete_expired_entries
from pilaro_site.tasks import CLEANUP_MINUTES


@pytest.mark.django_db
def test_the_table_is_made_by_migrate():
    assert TABLE in connection.introspection.table_names()


@pytest.mark.django_db
def test_expired_entries_are_deleted_and_live_ones_kept():
    """Django's database cache deletes expired rows only once the table is full: the hourly
    job deletes them (pilaro_site/tasks.py)."""
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

    deleted = delete_expired_entries(cache=cache)
    elsewhere = delete_expired_entries()  # the suite's default cache is not the database

    assert before == 2
    assert (deleted, elsewhere) == (1, 0)
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
