"""Rate limits: at most `limit` hits per key in each window of `window_seconds`, exact and
shared by every worker and server, counted in one round trip.

    if limits.over_rate("contacts.contact", client_key(...), "5/10m"):
        ...  # answer 429

A counter's key is (group, key, window start): `key` is a keyed hash, never an address
(common/clients.py). Where the counters live follows the configured cache: with a Redis
`CACHE_URL`, in Redis (INCR and EXPIREAT in one MULTI, so Redis deletes them itself);
otherwise in a table of the site's database (made by pilaro_site's migration 0002), one
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` per hit, on PostgreSQL and on SQLite
(3.35 or newer) alike. Two hits at once meet the same row and the second waits for the
first's row lock, so the count stays exact without any other lock. Once a window's
counter is at the limit, a further hit writes nothing (the update's WHERE is false).
Rows whose window has ended are deleted by the hourly clean-up (`delete_expired`).

A failing store raises what its driver raises: each caller decides whether a limit that
cannot be counted lets the request through or not.
"""

from __future__ import annotations

import re
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction

TABLE = "pilaro_rate_counter"

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# The new row counts its first hit; an existing one counts only below the limit, so a
# client over it costs no new row version.
_UPSERT = (
    f"INSERT INTO {TABLE} (scope, key_hash, window_start, hits, expires) "  # noqa: S608
    "VALUES (%s, %s, %s, 1, %s) "
    "ON CONFLICT (scope, key_hash, window_start) "
    f"DO UPDATE SET hits = {TABLE}.hits + 1 WHERE {TABLE}.hits < %s"
)


def parse_rate(rate: str) -> tuple[int, int]:
    """The settings' rate syntax (as django-ratelimit wrote it): "5/10m" is (5, 600), five
    hits in ten minutes; units s, m, h, d. ValueError for anything else."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"not a rate such as 5/10m: {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNIT_SECONDS[unit]


def _window(window_seconds: int, now: float | None) -> tuple[int, int]:
    """The window `now` falls in: its start and its end, in whole seconds of Unix time."""
    now = time.time() if now is None else now
    start = int(now // window_seconds) * window_seconds
    return start, start + window_seconds


def _redis() -> RedisCache | None:
    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def in_redis() -> bool:
    """Whether the counters are in Redis (the configured cache), not in the database."""
    return _redis() is not None


def hit(group: str, key: str, limit: int, window_seconds: int, *, now=None) -> bool:
    """Count one hit of `key` in `group`'s current window. True when it is within the limit
    (at most `limit` hits in the window so far, this one included), False when over."""
    if window_seconds < 1:
        raise ValueError("a window lasts at least a second")
    if limit < 1:
        return False
    start, end = _window(window_seconds, now)
    cache = _redis()
    if cache is not None:
        return _hit_redis(cache, f"{group}:{key}:{start}", end) <= limit
    params = [group, key, start, end, limit]
    # Not inside a transaction (a request in autocommit): the statement is its own. Inside
    # one, a savepoint, so that a failure here does not end the caller's transaction.
    if connection.in_atomic_block:
        with transaction.atomic():
            return _hit_database(params)
    return _hit_database(params)


def over_rate(group: str, key: str, rate: str) -> bool:
    """Count one hit against `rate` ("5/10m"); True when it is over the limit."""
    return not hit(group, key, *parse_rate(rate))


def _hit_database(params: list) -> bool:
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(_UPSERT + " RETURNING hits", params)
            return cursor.fetchone() is not None
        cursor.execute(_UPSERT, params)  # SQLite before 3.35: no RETURNING
        return cursor.rowcount == 1


def _hit_redis(cache: RedisCache, name: str, end: int) -> int:
    key = cache.make_and_validate_key(f"rate:{name}")
    client = cache._cache.get_client(key, write=True)
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expireat(key, end + 1)
        count, _ = pipe.execute()
    return count


def delete_expired(now: float | None = None) -> int:
    """Delete the database's counters whose window has ended; the number deleted. (Redis
    expires its own.)"""
    now = time.time() if now is None else now
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expires <= %s", [int(now)])  # noqa: S608
        return cursor.rowcount
