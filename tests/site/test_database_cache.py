"""The database cache's counters are exact when several processes count at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from pilaro_site.cache import TABLE, DatabaseCache


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
