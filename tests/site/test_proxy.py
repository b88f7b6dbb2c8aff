"""The production front: the real nginx (deploy/nginx/site.conf.in) before real gunicorn,
on loopback ports, as an attacker with a laptop would meet it."""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import ssl
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.load import form_tokens, percentile
from bench.proxy import BEHIND_NGINX, NGINX, TlsProxy
from bench.servers import AppServer
from tests.servers import manage, query, site_env

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make proxy installs it)"
)

CAP = 128 * 1024


class TlsClient:
    """One client of the site through the proxy: its own source address on loopback, its
    own cookies."""

    def __init__(self, proxy: TlsProxy, source: str = "127.0.0.1") -> None:
        self.proxy, self.source = proxy, source
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPSConnection(
            self.proxy.host,
            self.proxy.https_port,
            context=self.proxy.context(),
            timeout=30,
            source_address=(self.source, 0),
        )
        sent = {"Origin": self.proxy.base, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        chunked = sent.get("Transfer-Encoding") == "chunked"
        connection.request(method, path, body=body, headers=sent, encode_chunked=chunked)
        answer = connection.getresponse()
        answer.data = answer.read()
        self.last_body = answer.data[:3000]
        connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer

    def form(self) -> dict[str, str]:
        answer = self.request("GET", "/kontakt/")
        assert answer.status == 200
        return {
            **form_tokens(answer.data.decode()),
            "name": "Kari Nordmann",
            "email": "kari@example.no",
            "phone": "91234567",
            "consent_enquiry": "on",
        }

    def post_form(self, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", "/kontakt/", body, headers).status


@pytest.fixture(scope="module")
def front(request):
    """gunicorn as `make serve` runs it (gunicorn.conf.py's default workers), behind nginx."""
    database_url = request.getfixturevalue("module_migrated_database_url")
    env = site_env(
        DATABASE_URL=database_url,
        **BEHIND_NGINX,
        DJANGO_SECURE_SSL_REDIRECT="1",
        GUNICORN_ACCESS_LOG="1",
    )
    manage(["sync_notices"], env)
    app = AppServer(env)
    proxy = TlsProxy(f"127.0.0.1:{app.port}")
    yield app, proxy, database_url
    proxy.stop()
    app.stop()


def stored(database_url: str) -> int:
    return query(database_url, "SELECT count(*) FROM contacts_enquiry")[0][0]


def test_plain_http_is_redirected_to_https(front):
    _, proxy, _ = front
    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    connection.request("GET", "/personvern/?a=1", headers={"Host": "localhost"})
    answer = connection.getresponse()
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://localhost:{proxy.https_port}/personvern/?a=1"


def test_https_answers_carry_one_hsts_header(front):
    _, proxy, _ = front
    client = TlsClient(proxy)
    for path in ("/", "/personvern/", "/finnes-ikke/"):
        answer = client.request("GET", path)
        assert answer.headers.get_all("Strict-Transport-Security") == [
            "max-age=31536000; includeSubDomains; preload"
        ], path


def test_html_goes_out_compressed(front):
    _, proxy, _ = front
    answer = TlsClient(proxy).request("GET", "/personvern/", headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert b"Personvernerkl" in gzip.decompress(answer.data)


def test_static_files_come_from_disk_with_far_future_caching(front):
    _, proxy, _ = front
    page = TlsClient(proxy).request("GET", "/").data.decode()
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page).group(1)
    answer = TlsClient(proxy).request("GET", css, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"  # WhiteNoise's .gz, sent as it is


def test_an_unknown_host_gets_no_answer(front):
    _, proxy, _ = front
    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    connection.request("GET", "/", headers={"Host": "evil.example"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart", "chunked"])
def test_a_1_mib_body_of_any_encoding_gets_413_and_stores_nothing(front, encoding):
    _, proxy, database_url = front
    client = TlsClient(proxy)
    data = client.form()
    before = stored(database_url)
    big = "x" * (1024 * 1024)
    if encoding == "multipart":
        boundary = "grense"
        parts = [*data.items(), ("message", big)]
        body = (
            "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                for k, v in parts
            ).encode()
            + f"--{boundary}--\r\n".encode()
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        answer = client.request("POST", "/kontakt/", body, {"Content-Type": content_type})
    elif encoding == "chunked":
        body = urllib.parse.urlencode({**data, "message": big}).encode()
        chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
        answer = client.request(
            "POST",
            "/kontakt/",
            chunks,
            {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"},
        )
    else:
        body = urllib.parse.urlencode({**data, "message": big}).encode()
        answer = client.request(
            "POST", "/kontakt/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert answer.status == 413
    assert stored(database_url) == before


def test_the_rate_limit_counts_each_client_behind_the_proxy_apart(front):
    _, proxy, database_url = front
    first, second = TlsClient(proxy, "127.0.0.2"), TlsClient(proxy, "127.0.0.3")
    before = stored(database_url)

    first_five = [first.post_form(first.form()) for _ in range(5)]
    second_one = second.post_form(second.form())
    first_sixth = first.post_form(first.form())

    assert first_five == [303] * 5, first.last_body
    assert second_one == 303  # another address: its own count
    assert first_sixth == 429
    assert stored(database_url) == before + 6


def _trickle(proxy: TlsProxy, seconds: float) -> int:
    """A POST of the form whose body comes at one byte per second; how many bytes it got
    to send. With the form's cookie and origin, so that the app would wait for the body
    (its CSRF check reads it) if the proxy passed the trickle on."""
    client = TlsClient(proxy)
    client.form()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    raw = socket.create_connection(("127.0.0.1", proxy.https_port), timeout=60)
    sent = 0
    with proxy.context().wrap_socket(raw, server_hostname=proxy.host) as tls:
        tls.sendall(
            f"POST /kontakt/ HTTP/1.1\r\nHost: {proxy.host}:{proxy.https_port}\r\n"
            f"Origin: {proxy.base}\r\nCookie: {cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100\r\n\r\n".encode()
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                tls.sendall(b"a")
            except (OSError, ssl.SSLError):
                break
            sent += 1
            time.sleep(1)
    return sent


def test_slow_senders_cost_the_proxy_not_a_worker(front):
    app, proxy, _ = front
    with ThreadPoolExecutor(max_workers=20) as tricklers:
        trickling = [tricklers.submit(_trickle, proxy, 30) for _ in range(20)]
        time.sleep(1)  # every trickler has its connection and is sending

        def timed_get(_: int) -> tuple[int, float]:
            started = time.monotonic()
            status = TlsClient(proxy).request("GET", "/").status
            return status, time.monotonic() - started

        # 200 readers spread over the 28 s that the tricklers have left.
        with ThreadPoolExecutor(max_workers=8) as readers:
            results = []
            for i in range(200):
                results.append(readers.submit(timed_get, i))
                time.sleep(0.14)
            results = [r.result() for r in results]
        sent = [t.result() for t in trickling]

    assert min(sent) >= 28  # they trickled all along: the proxy held them, it did not drop them
    assert {status for status, _ in results} == {200}
    assert percentile([seconds for _, seconds in results], 99) < 1.0
    assert "WORKER TIMEOUT" not in app.output()
