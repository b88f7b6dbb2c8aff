"""Simultaneous posts against real app servers: nothing lost, nothing doubled, and one
rate limit shared by several servers through Redis."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import redis

from tests.servers import AppServer, Browser, site_env


def count(database_url: str, table: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names


@pytest.fixture
def app(migrated_database_url):
    env = site_env(DATABASE_URL=migrated_database_url, PILARO_RATE_LIMIT="10000/m")
    server = AppServer(env, workers=2, threads=8)
    yield server, migrated_database_url
    server.stop()


def server_log(server: AppServer) -> str:
    """The end of the server's output, for an answer that was not the one expected (a 500
    under load names its traceback there)."""
    return server.output()[-4000:]


def post_all_at_once(jobs: list[tuple[Browser, dict]]) -> list[int]:
    barrier = threading.Barrier(len(jobs))

    def post(job: tuple[Browser, dict]) -> int:
        browser, data = job
        barrier.wait()
        return browser.request("POST", "/kontakt/", data)[0]

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(post, jobs))


def test_50_simultaneous_valid_submissions_store_exactly_50(app):
    server, database_url = app
    browsers = [Browser(server.base) for _ in range(50)]
    jobs = [(b, b.form()) for b in browsers]

    statuses = post_all_at_once(jobs)

    assert statuses == [303] * 50, server_log(server)
    assert count(database_url, "contacts_enquiry") == 50
    assert count(database_url, "contacts_consent") == 100


def test_50_simultaneous_reposts_of_one_form_store_exactly_one(app):
    server, database_url = app
    browser = Browser(server.base)
    data = browser.form()

    statuses = post_all_at_once([(browser, data)] * 50)

    assert set(statuses) == {303}, server_log(server)
    assert count(database_url, "contacts_enquiry") == 1
    assert count(database_url, "contacts_notification") == 1


def test_two_app_servers_share_one_rate_limit_through_redis(migrated_database_url):
    cache_url = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(cache_url).flushdb()
    env = site_env(
        DATABASE_URL=migrated_database_url, CACHE_URL=cache_url, PILARO_RATE_LIMIT="4/m"
    )
    first, second = AppServer(env), AppServer(env)
    try:
        a, b = Browser(first.base), Browser(second.base)
        allowed = [
            a.request("POST", "/kontakt/", a.form())[0],
            b.request("POST", "/kontakt/", b.form())[0],
            a.request("POST", "/kontakt/", a.form())[0],
            b.request("POST", "/kontakt/", b.form())[0],
        ]
        over_on_a = a.request("POST", "/kontakt/", a.form())[0]
        over_on_b = b.request("POST", "/kontakt/", b.form())[0]
    finally:
        first.stop()
        second.stop()
        redis.Redis.from_url(cache_url).flushdb()

    # Each server alone has seen only three posts: only a shared count refuses the fifth.
    assert allowed == [303, 303, 303, 303]
    assert (over_on_a, over_on_b) == (429, 429)
    assert count(migrated_database_url, "contacts_enquiry") == 4
