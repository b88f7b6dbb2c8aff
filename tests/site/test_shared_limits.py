"""Limits that hold with the defaults: `make serve`'s gunicorn (its default worker count)
without CACHE_URL counts each client once, across all of its workers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.servers import AppServer, gunicorn_settings
from tests.servers import Browser, query, site_env


@pytest.fixture
def serve(migrated_database_url):
    env = site_env(DATABASE_URL=migrated_database_url, PILARO_RATE_LIMIT="5/10m")
    assert gunicorn_settings(env)["workers"] > 1  # else this would prove nothing
    server = AppServer(env)  # gunicorn.conf.py's worker count, as `make serve` starts it
    yield server, migrated_database_url
    server.stop()


def stored(database_url: str) -> int:
    return query(database_url, "SELECT count(*) FROM contacts_enquiry")[0][0]


def test_one_clients_sixth_post_gets_429_whichever_worker_answers(serve):
    server, database_url = serve
    browser = Browser(server.base)
    forms = [browser.form() for _ in range(6)]

    statuses = [browser.request("POST", "/kontakt/", form)[0] for form in forms]

    assert statuses == [303] * 5 + [429]
    assert stored(database_url) == 5


def test_posts_at_the_same_moment_meet_the_same_limit(serve):
    server, database_url = serve
    browsers = [Browser(server.base) for _ in range(20)]
    jobs = [(b, b.form()) for b in browsers]
    barrier = threading.Barrier(len(jobs))

    def post(job):
        browser, data = job
        barrier.wait()
        return browser.request("POST", "/kontakt/", data)[0]

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        statuses = list(pool.map(post, jobs))

    # All from one address: five through, and not one more, however the workers interleave.
    assert sorted(statuses) == [303] * 5 + [429] * 15
    assert stored(database_url) == 5
