"""The site's cache without Redis: Django's database cache, in our PostgreSQL.

Only counters live in it (the rate limits of django-ratelimit), and they must be shared by
every gunicorn worker and be exact: a client that may post five times meets five, whichever
worker answers. Django's database cache increments by reading and writing back, so two
workers could both read 4 and both write 5; here an increment holds a PostgreSQL advisory
lock on its key for its transaction, and the second waits for the first.
"""

from __future__ import annotations

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction

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
