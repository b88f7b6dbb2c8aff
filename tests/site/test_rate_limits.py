"""common/limits.py: one statement per hit, exact when many connections count at once,
per window, deleted once the window has ended; in Redis when the cache is Redis."""

from __future__ import annotations

import threading

import pytest
import redis
from django.db import connection

from common import limits
from pilaro_site.models import RateCounter
from pilaro_site.tasks import delete_expired_rate_limit_counters
from tests.servers import clean_env

REDIS_URL = "redis://127.0.0.1:6379/12"
NOW = 1_800_000_000.0  # a window of 600 s starts here: 1_800_000_000 % 600 == 0


def rows() -> list[tuple]:
    fields = ("scope", "key_hash", "window_start", "hits", "expires")
    return sorted(RateCounter.objects.values_list(*fields))


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("5/10m", (5, 600)), ("10/h", (10, 3600)), ("1000/m", (1000, 60)), ("3/2d", (3, 172800))],
)
def test_rates_are_read_as_the_settings_write_them(rate, parsed):
    assert limits.parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "5", "5/", "5/10x", "x/m", "-1/m"])
def test_a_rate_that_is_no_rate_is_refused(rate):
    with pytest.raises(ValueError, match="not a rate"):
        limits.parse_rate(rate)


@pytest.mark.django_db
def test_a_key_gets_its_limit_in_a_window_and_again_in_the_next():
    first = [limits.hit("g", "k", 3, 600, now=NOW + n) for n in range(5)]
    other_key = limits.hit("g", "other", 3, 600, now=NOW)
    other_group = limits.hit("h", "k", 3, 600, now=NOW)
    next_window = limits.hit("g", "k", 3, 600, now=NOW + 600)

    assert first == [True, True, True, False, False]
    assert (other_key, other_group, next_window) == (True, True, True)
    # Over the limit, nothing more is written: the count stops at the limit.
    assert ("g", "k", int(NOW), 3, int(NOW) + 600) in rows()


@pytest.mark.django_db
def test_without_returning_the_row_count_tells_the_same(monkeypatch):
    """SQLite before 3.35 has no RETURNING: the same upsert's row count answers."""
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)

    assert [limits.hit("g", "k", 2, 600, now=NOW) for _ in range(3)] == [True, True, False]


@pytest.mark.django_db
def test_over_rate_reads_the_rate():
    assert [limits.over_rate("g", "k", "2/h") for _ in range(3)] == [False, False, True]


@pytest.mark.django_db(transaction=True)
def test_hits_from_many_connections_at_once_are_counted_exactly():
    threads, each, limit = 8, 25, 60
    barrier = threading.Barrier(threads)
    allowed = []

    def count() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            mine = [limits.hit("race", "k", limit, 600, now=NOW) for _ in range(each)]
            allowed.append(sum(mine))
        finally:
            own.close()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sum(allowed) == limit
    assert [r[3] for r in rows()] == [limit]


@pytest.mark.django_db
def test_the_clean_up_deletes_counters_whose_window_ended_and_keeps_live_ones():
    limits.hit("g", "old", 5, 600, now=NOW - 600)
    limits.hit("g", "live", 5, 600, now=NOW)

    deleted = limits.delete_expired(now=NOW)

    assert deleted == 1
    assert [r[1] for r in rows()] == ["live"]


@pytest.mark.django_db
def test_the_hourly_job_deletes_ended_counters():
    limits.hit("g", "old", 5, 60, now=NOW - 300_000_000)  # in 2017
    limits.hit("g", "live", 5, 600)

    delete_expired_rate_limit_counters.func(timestamp=0)

    assert [r[1] for r in rows()] == ["live"]


@pytest.mark.django_db
def test_a_failure_inside_a_transaction_leaves_the_transaction_usable(monkeypatch):
    monkeypatch.setattr(limits, "_UPSERT", limits._UPSERT.replace("pilaro_rate_counter", "nope"))

    with pytest.raises(Exception):  # noqa: B017 - the driver's own error
        limits.hit("g", "k", 5, 600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.fixture
def redis_cache(settings):
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    yield redis.Redis.from_url(REDIS_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.mark.django_db
def test_with_a_redis_cache_the_counters_are_in_redis_and_expire_there(redis_cache):
    allowed = [limits.hit("g", "k", 2, 600) for _ in range(3)]

    [key] = redis_cache.keys("*")
    assert allowed == [True, True, False]
    assert rows() == []  # nothing in the database
    assert b"g:k:" in key
    assert 0 < redis_cache.ttl(key) <= 601
    assert limits.in_redis()


def test_the_same_statement_counts_on_sqlite(run_python, tmp_path):
    """`make run` without DATABASE_URL: SQLite's upsert and RETURNING (3.35+), or, older,
    the row count; the table made by the same migration."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE="pilaro_site.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    hit = (
        "import django; django.setup(); from common import limits;"
        "print('RESULT', [limits.hit('g', 'k', 3, 86400) for _ in range(4)],"
        " limits.delete_expired(now=4e9))"
    )

    migrated = run_python(["manage.py", "migrate", "pilaro_site", "--verbosity", "0"], env)
    counted = run_python(["-c", hit], env)

    assert migrated.returncode == 0, migrated.stderr[-3000:]
    assert counted.returncode == 0, counted.stderr[-3000:]
    assert "RESULT [True, True, True, False] 1" in counted.stdout.splitlines()
