"""A refused request to a link with a secret in its path leaves no trace of the secret in
any line `make serve`'s gunicorn writes: Django's 403 line, the access log, gunicorn's own
warnings."""

from __future__ import annotations

import contextlib
import http.client
import socket
import time
from pathlib import Path

import pytest

from bench.proxy import NGINX, TlsProxy
from tests.servers import AppServer, manage, site_env

# Fixed (the parallel runner names each test by its path, the same in every process), and
# shaped as the real ones are: secrets.token_urlsafe(32) and 40 hex digits.
LINK_SECRET = "HemmeligLenke_0123456789-abcdefghijABCDEFGH"
CONSENT_TOKEN = "0123456789abcdef0123456789abcdef01234567"
# One of each path with a secret (common/secret_paths.py; its test finds every such URL).
PATHS = [
    f"/personvern/mine-opplysninger/lenke/{LINK_SECRET}/",
    f"/personvern/mine-opplysninger/samtykke/12/{CONSENT_TOKEN}/",
    f"/personvern/mine-opplysninger/samtykke/12/{CONSENT_TOKEN}/bekreft/",
    f"/intern/sikkerhet/registrering/{LINK_SECRET}/",
]
SECRETS = (LINK_SECRET, CONSENT_TOKEN)


@pytest.fixture(scope="module")
def server(module_migrated_database_url):
    env = site_env(
        DATABASE_URL=module_migrated_database_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        GUNICORN_ACCESS_LOG="1",
    )
    manage(["sync_notices"], env)
    app = AppServer(env)
    yield app
    app.stop()


def post_without_csrf_cookie(server: AppServer, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", path, body=b"svar=ja", headers=headers)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status


def malformed_request_line(server: AppServer, path: str) -> None:
    """A request line gunicorn refuses, and quotes whole in its warning: a DEL in the
    target (RFC 9112 allows only visible characters)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(f"GET {path}\x7f HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        with contextlib.suppress(OSError):
            raw.recv(4096)


@pytest.mark.parametrize("path", PATHS, ids=["lenke", "samtykke", "bekreft", "registrering"])
def test_a_refused_post_to_a_secret_path_leaves_no_trace_of_the_secret(server, path):
    before = len(server.output())

    status = post_without_csrf_cookie(server, path)
    malformed_request_line(server, path)
    time.sleep(0.5)  # the worker writes its lines after the answer
    written = server.output()[before:]

    # The link pages want their CSRF cookie (403); a consent's links are CSRF-exempt (one
    # click from an e-mail), and no consent 12 has this token (404). Either is logged.
    assert status == (404 if "/samtykke/" in path else 403)
    assert ("Forbidden" if status == 403 else "Not Found") in written
    assert "Invalid request from a client" in written  # gunicorn's own warning, and
    assert written.count("[skjult]") >= 3  # Django's line, the access log's, gunicorn's
    assert not any(secret in written for secret in SECRETS)


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (make proxy)")
def test_nginx_s_access_log_shows_each_secret_path_without_its_secret(server):
    with TlsProxy(f"127.0.0.1:{server.port}") as proxy:
        for path in PATHS:
            connection = http.client.HTTPSConnection(
                proxy.host, proxy.https_port, context=proxy.context(), timeout=10
            )
            connection.request("POST", path, body=b"svar=ja")
            connection.getresponse().read()
            connection.close()
        time.sleep(0.3)
        logged = proxy.access_log.read_text()

    assert logged.count("[skjult]") == len(PATHS), logged
    assert not any(secret in logged for secret in SECRETS), logged
