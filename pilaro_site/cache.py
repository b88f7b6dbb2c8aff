"""The site's cache without Redis: Django's database cache, in our PostgreSQL.

Only counters live in it (the rate limits of django-ratelimit), and they must be shared by
every gunicorn worker and be exact: a client that may post five times meets five, whichever
worker answers. Django's database cache increments by reading and writing back, so two
workers could both read 4 and both write 5; here an increment holds a PostgreSQL advisory
lock on its key for its transaction, and the second waits for the first.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django_ratelimit.core import EXPIRATION_FUDGE

TABLE = "pilaro_cache"


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        with transaction.atomic(using=alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)


def delete_expired_counters(now: float | None = None, cache=None) -> int:
    """Delete the rows of counters whose window has ended: Django's database cache deletes
    expired rows only once the table outgrows MAX_ENTRIES, so without this an old keyed
    hash of an address would stay for days, and in every backup. Returns the rows deleted.
    Nothing to do when the counters are in Redis, which expires them itself."""
    cache = cache or caches["default"]
    if not isinstance(cache, DatabaseCache):
        return 0
    alias = router.db_for_write(cache.cache_model_class)
    # django-ratelimit keeps a counter EXPIRATION_FUDGE seconds past its window; its key
    # names the window, so it is dead that long before it expires.
    until = datetime.fromtimestamp(
        (now if now is not None else time.time()) + EXPIRATION_FUDGE, tz=UTC
    )
    table = connections[alias].ops.quote_name(cache._table)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [until])  # noqa: S608
        return cursor.rowcount
