"""The database stops and comes back: pages that need no database serve throughout, the
form answers 503 and keeps nothing half-written, and the app recovers without a restart.

It uses a PostgreSQL cluster of its own (never the developer's), started and stopped here.
"""

from __future__ import annotations

import pytest

from tests.servers import AppServer, Browser, disposable_postgres, manage, site_env


@pytest.fixture
def cluster():
    with disposable_postgres() as pg:
        yield pg


def test_a_database_restart_is_survived_without_restarting_the_app(cluster):
    env = site_env(DATABASE_URL=cluster.url)
    manage(["migrate", "--noinput"], env)
    manage(["sync_notices"], env)
    server = AppServer(env)
    browser = Browser(server.base)
    try:
        assert browser.request("GET", "/healthz/")[0] == 200
        form = browser.form()

        cluster.stop()
        home = browser.request("GET", "/")
        notice = browser.request("GET", "/personvern/")
        posted = browser.request("POST", "/kontakt/", form)
        health_down = browser.request("GET", "/healthz/")

        cluster.start()
        health_back = browser.request("GET", "/healthz/")
        posted_again = browser.request("POST", "/kontakt/", browser.form())
    finally:
        server.stop()

    assert home[0] == 200 and "Ønsker du at vi skal ta kontakt med deg?" in home[1]
    assert notice[0] == 200 and "Personvernerklæring" in notice[1]
    assert posted[0] == 503 and "ingenting av det du skrev er lagret" in posted[1]
    assert health_down[0] == 503
    assert health_back[0] == 200
    assert posted_again[0] == 303
    assert cluster.query("SELECT count(*) FROM contacts_enquiry") == [(1,)]
    assert cluster.query("SELECT count(*) FROM contacts_consent") == [(2,)]
