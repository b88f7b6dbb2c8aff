"""nginx's edge, as a stranger meets it: the TLS it offers (graded by testssl.sh), its own
error pages (Norwegian, with every security header the app sends), its limits on POSTs,
and what it tells about itself and about names it does not serve."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from bench.load import CSRF
from bench.proxy import BEHIND_NGINX, NGINX, TlsProxy
from bench.servers import free_port
from deploy.render_nginx import ERROR_PAGES
from pilaro_site.management.commands.proxy_error_pages import SECURITY_HEADERS
from tests.servers import AppServer, manage, site_env
from tests.site.test_proxy import TlsClient

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make proxy installs it)"
)
TESTSSL = shutil.which("testssl") or "/usr/bin/testssl"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def front(request):
    env = site_env(
        DATABASE_URL=request.getfixturevalue("module_migrated_database_url"),
        **BEHIND_NGINX,
        DJANGO_SECURE_SSL_REDIRECT="1",
    )
    manage(["sync_notices"], env)
    app = AppServer(env)
    proxy = TlsProxy(f"127.0.0.1:{app.port}")
    yield app, proxy
    proxy.stop()
    app.stop()


class Unanswered(TlsProxy):
    """nginx before an upstream that does not answer: up once nginx takes connections."""

    def probe(self) -> str | None:
        try:
            socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
        except OSError as error:
            return str(error)
        return None


def app_headers(app: AppServer) -> dict[str, list[str]]:
    """The security headers of a page as the app itself sends them over HTTPS."""
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    connection.request("GET", "/", headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 200
    return {name: answer.headers.get_all(name) for name in SECURITY_HEADERS}


def csp(value: str) -> set[str]:
    return {part.strip() for part in value.split(";") if part.strip()}


def assert_the_proxys_page(answer, status: int, app: dict[str, list[str]]) -> None:
    """nginx's own page for `status`: the site's Norwegian page, the app's headers."""
    assert answer.status == status
    assert answer.data == (ERROR_PAGES / f"{status}.html").read_bytes()
    assert b'<html lang="nb">' in answer.data
    assert answer.headers["Server"] == "nginx"  # server_tokens off: no version
    for name in SECURITY_HEADERS:
        sent = answer.headers.get_all(name)
        assert sent is not None and len(sent) == 1, (name, sent)
        if name == "Content-Security-Policy":
            assert csp(sent[0]) == csp(app[name][0])
        else:
            assert sent == app[name], name


def test_a_300_kb_body_gets_the_norwegian_413_with_every_security_header(front):
    app, proxy = front
    answer = TlsClient(proxy).request("POST", "/kontakt/", b"x" * 300 * 1024, FORM)

    assert_the_proxys_page(answer, 413, app_headers(app))
    assert b"For mye data" in answer.data


def test_a_burst_of_posts_gets_the_norwegian_429_and_reading_is_never_limited(front):
    app, proxy = front
    client = TlsClient(proxy, "127.0.0.7")
    forms = [client.request("POST", "/kontakt/", b"a=b", FORM) for _ in range(30)]
    logins = [client.request("POST", "/intern/login/", b"a=b", FORM) for _ in range(13)]
    reads = [client.request("GET", "/kontakt/").status for _ in range(40)]

    # Refused by the app (no CSRF token) until the burst is spent, then by nginx.
    assert 429 not in [a.status for a in forms[:20]]
    assert_the_proxys_page(forms[-1], 429, app_headers(app))
    assert 429 not in [a.status for a in logins[:10]]
    assert_the_proxys_page(logins[-1], 429, app_headers(app))
    assert set(reads) == {200}


def test_a_person_never_meets_the_proxys_limits(front):
    _, proxy = front
    person = TlsClient(proxy, "127.0.0.8")
    limited = (ERROR_PAGES / "429.html").read_bytes()
    login_page = person.request("GET", "/intern/login/").data.decode()
    login = {
        "csrfmiddlewaretoken": CSRF.search(login_page).group(1),
        "username": "kari",
        "password": "feil-passord",
    }
    answers = []
    for _ in range(5):  # five mistyped passwords, faster than any person types them
        body = urllib.parse.urlencode(login).encode()
        answers.append(person.request("POST", "/intern/login/", body, FORM))
        time.sleep(0.5)
    forms = []
    for _ in range(10):  # ten forms, each filled in afresh
        forms.append(person.post_form(person.form()))
        time.sleep(0.5)

    # The login form again with its error; the fifth failure is django-axes' lockout.
    assert [a.status for a in answers] == [200] * 4 + [429]
    assert limited not in [a.data for a in answers]
    assert "innloggingsforsøk".encode() in answers[-1].data
    assert forms[:5] == [303] * 5
    assert person.last_body != limited[:3000]  # the app's own limit answers, not nginx


def test_the_upstream_down_or_silent_gets_the_norwegian_502_and_504(front):
    app, _ = front
    headers = app_headers(app)
    with Unanswered(f"127.0.0.1:{free_port()}") as down:  # nobody listens there
        assert_the_proxys_page(TlsClient(down).request("GET", "/"), 502, headers)
        posted = TlsClient(down).request("POST", "/kontakt/", b"a=b", FORM)
        assert_the_proxys_page(posted, 502, headers)
    # A listener whose queue is full: the connection is never taken (5 s, proxy_connect_timeout).
    with socket.create_server(("127.0.0.1", 0), backlog=0) as full:
        port = full.getsockname()[1]
        waiting = [socket.socket() for _ in range(3)]
        for sock in waiting:
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", port))
        with Unanswered(f"127.0.0.1:{port}") as silent:
            assert_the_proxys_page(TlsClient(silent).request("GET", "/"), 504, headers)
        for sock in waiting:
            sock.close()


def test_the_server_header_names_no_version(front):
    _, proxy = front
    answer = TlsClient(proxy).request("GET", "/personvern/")

    assert answer.status == 200
    assert answer.headers["Server"] == "nginx"


def handshake(proxy: TlsProxy, name: str | None) -> bytes:
    """The certificate the proxy shows to a client asking for `name` (no check of it)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=name) as tls,
    ):
        return tls.getpeercert(binary_form=True)


def test_a_handshake_for_a_name_the_site_does_not_serve_is_refused(front):
    _, proxy = front

    assert handshake(proxy, "localhost")  # the site's name: its certificate
    for name in ("evil.example", None):  # another name, or none (an address)
        with pytest.raises(ssl.SSLError, match=r"UNRECOGNIZED_NAME|alert"):
            handshake(proxy, name)


CIPHER_SUITES = (
    # TLS 1.3: every suite is AEAD with forward secrecy.
    r"^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$",
    # TLS 1.2: (EC)DHE key exchange with AES-GCM or ChaCha20-Poly1305, nothing else.
    r"^TLS_(ECDHE|DHE)_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$",
)


@pytest.mark.skipif(not Path(TESTSSL).exists(), reason="testssl.sh missing (make proxy)")
def test_testssl_grades_the_front_as_mozilla_intermediate(front, tmp_path):
    _, proxy = front
    report = tmp_path / "testssl.json"
    subprocess.run(
        [
            *(TESTSSL, "--quiet", "--color", "0", "--warnings", "off", "--nodns", "min"),
            *("--protocols", "--each-cipher", "--headers", "--jsonfile", str(report)),
            f"{proxy.host}:{proxy.https_port}",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    findings = {f["id"]: f for f in json.loads(report.read_text())}
    suites = [f["finding"].split()[-1] for id, f in findings.items() if id.startswith("cipher_x")]

    for old in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
        assert findings[old]["finding"].startswith("not offered"), findings[old]
    assert findings["TLS1_2"]["finding"] == "offered"
    assert findings["TLS1_3"]["finding"].startswith("offered")
    assert len(suites) >= 4, suites
    weak = [s for s in suites if not any(re.match(p, s) for p in CIPHER_SUITES)]
    assert weak == []  # no CBC, no RSA key exchange, no anything else
    assert findings["HSTS_time"]["severity"] == "OK", findings.get("HSTS_time")
    assert findings["HSTS_preload"]["severity"] == "OK"
