"""The staff lockout behind the real nginx: it falls on the client that sent the wrong
passwords, never on the proxy's address (which every client shares)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from bench.proxy import BEHIND_NGINX, NGINX, TlsProxy
from bench.servers import AppServer
from tests.servers import manage, site_env
from tests.site.test_proxy import TlsClient

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make proxy installs it)"
)

LOGIN = "/intern/login/"
PASSWORD = "riktig-passord-for-ola-1"
LIMIT = 5


@pytest.fixture(scope="module")
def front(request):
    database_url = request.getfixturevalue("module_migrated_database_url")
    env = site_env(
        DATABASE_URL=database_url,
        **BEHIND_NGINX,
        PILARO_LOGIN_FAILURE_LIMIT=str(LIMIT),
    )
    manage(
        ["createsuperuser", "--noinput", "--username", "ola", "--email", "ola@pilaro.example"],
        {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    app = AppServer(env)
    proxy = TlsProxy(f"127.0.0.1:{app.port}")
    yield proxy
    proxy.stop()
    app.stop()


def log_in(client: TlsClient, password: str) -> int:
    page = client.request("GET", LOGIN)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.data).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.decode(), "username": "ola", "password": password}
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": client.proxy.base}
    return client.request("POST", LOGIN, body, headers).status


def test_wrong_passwords_from_one_client_lock_out_that_client_only(front):
    attacker, ola = TlsClient(front, "127.0.0.2"), TlsClient(front, "127.0.0.3")

    wrong = [log_in(attacker, "feil") for _ in range(LIMIT)]
    attacker_right = log_in(attacker, PASSWORD)
    ola_right = log_in(ola, PASSWORD)

    assert wrong[:-1] == [200] * (LIMIT - 1)
    assert attacker_right == 429  # locked out, from where the wrong passwords came
    assert ola_right == 302  # the user, from anywhere else, gets on to the second factor
