"""The site's cache without Redis: Django's database cache, in our PostgreSQL.

It holds what may be computed again (the admin's promise figures): no rate-limit counter
lives in it since those have a table of their own (common/limits.py). Django's database
cache deletes expired rows only once the table outgrows MAX_ENTRIES; the hourly clean-up
(pilaro_site/tasks.py) deletes them sooner, with the counters.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router

TABLE = "pilaro_cache"


class DatabaseCache(DjangoDatabaseCache):
    """Django's, under the name the settings and the data map know it by."""


def delete_expired_entries(now: float | None = None, cache=None) -> int:
    """Delete the rows of the database cache that have expired; the number deleted.
    Nothing to do when the cache is elsewhere (Redis expires its own)."""
    cache = cache or caches["default"]
    if not isinstance(cache, DatabaseCache):
        return 0
    alias = router.db_for_write(cache.cache_model_class)
    until = datetime.fromtimestamp(now if now is not None else time.time(), tz=UTC)
    table = connections[alias].ops.quote_name(cache._table)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [until])  # noqa: S608
        return cursor.rowcount
