"""Malformed HTTP on the socket, against gunicorn alone and against nginx in front of it:
each request is refused (a 4xx, or the connection closed), gunicorn logs one line for
each request it refuses and no traceback, and no worker process dies on the way."""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path

import pytest

from bench.proxy import BEHIND_NGINX, NGINX, TlsProxy
from tests.servers import AppServer, manage, site_env

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make proxy installs it)"
)

END = "Connection: close\r\n\r\n"
# Each a whole request but for the Host header, which {host} stands for.
CORPUS = {
    "two content types": (
        "POST /kontakt/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n" + END
    ),
    "two content lengths": (
        "POST /kontakt/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\n"
        "Content-Length: 4\r\n" + END + "abcd"
    ),
    "two hosts": "GET / HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n" + END,
    "underscore in a header name": (
        "GET / HTTP/1.1\r\nHost: {host}\r\nX_Forwarded_Proto: http\r\n" + END
    ),
    "space in a header name": "GET / HTTP/1.1\r\nHost: {host}\r\nX Forwarded: 1\r\n" + END,
    "obsolete line folding": "GET / HTTP/1.1\r\nHost: {host}\r\nX-Folded: a\r\n b\r\n" + END,
    "bad chunked body": (
        "POST /kontakt/ HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n" + END + "zz\r\nabc\r\n0\r\n\r\n"
    ),
    "request line over the limit": "GET /" + "a" * 10000 + " HTTP/1.1\r\nHost: {host}\r\n" + END,
    "NUL in the path": "GET /kon\x00takt/ HTTP/1.1\r\nHost: {host}\r\n" + END,
}
# The app refuses a chunked body itself, before anything reads it (pilaro_site/middleware.py),
# so gunicorn never parses its chunks: the app's warning and the access line.
REFUSED_BY_THE_APP = {"bad chunked body"}
# nginx drops a header name with an underscore (underscores_in_headers off) and passes the
# request on without it: gunicorn, which refuses that name (header_map), never sees it.
SERVED_WITHOUT_THE_HEADER = {"underscore in a header name"}


@pytest.fixture(scope="module")
def stack(request):
    """gunicorn with `make serve`'s worker type (sync: one thread) and access log, nginx
    before it; the worker pids at the start."""
    env = site_env(
        DATABASE_URL=request.getfixturevalue("module_migrated_database_url"),
        **BEHIND_NGINX,
        GUNICORN_ACCESS_LOG="1",
    )
    manage(["sync_notices"], env)
    app = AppServer(env, workers=2, threads=1)
    proxy = TlsProxy(f"127.0.0.1:{app.port}")
    time.sleep(0.5)  # the access line of the proxy's first health check is written
    yield app, proxy, sorted(app.worker_pids())
    proxy.stop()
    app.stop()


def exchange(sock: socket.socket, raw: bytes) -> bytes:
    """Send `raw`, read until the server closes (or stops talking); what it answered."""
    with contextlib.suppress(OSError):  # closed while we were still sending: an answer too
        sock.sendall(raw)
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return answer


def status(answer: bytes) -> int | None:
    """The status code, or None for a connection closed without an answer."""
    if not answer:
        return None
    return int(answer.split(b" ", 2)[1])


def new_lines(app: AppServer, before: int) -> list[str]:
    time.sleep(0.5)  # the log line is written after the answer
    return [line for line in app.output()[before:].splitlines() if line.strip()]


def refused(code: int | None) -> bool:
    return code is None or 400 <= code < 500


@pytest.mark.parametrize("name", CORPUS)
def test_gunicorn_refuses_it_with_one_log_line_and_keeps_its_workers(stack, name):
    app, _, pids = stack
    before = len(app.output())

    with socket.create_connection(("127.0.0.1", app.port), timeout=10) as sock:
        answer = exchange(sock, CORPUS[name].format(host="127.0.0.1").encode("latin-1"))

    lines = new_lines(app, before)
    assert refused(status(answer)), answer[:300]
    if name in REFUSED_BY_THE_APP:
        assert len(lines) == 2 and "django.request: Bad Request" in lines[0], lines
    else:
        assert len(lines) == 1 and "Invalid request from a client: " in lines[0], lines
    assert "Traceback" not in app.output()[before:]
    assert sorted(app.worker_pids()) == pids


@pytest.mark.parametrize("name", CORPUS)
def test_nginx_refuses_it_and_gunicorn_keeps_its_workers(stack, name):
    app, proxy, pids = stack
    before = len(app.output())
    raw = CORPUS[name].format(host=f"{proxy.host}:{proxy.https_port}").encode("latin-1")

    plain = socket.create_connection(("127.0.0.1", proxy.https_port), timeout=10)
    with proxy.context().wrap_socket(plain, server_hostname=proxy.host) as sock:
        answer = exchange(sock, raw)

    lines = new_lines(app, before)
    if name in SERVED_WITHOUT_THE_HEADER:
        assert status(answer) == 200
    else:
        assert refused(status(answer)), answer[:300]
    assert len(lines) <= 1, lines
    assert "Traceback" not in app.output()[before:]
    assert sorted(app.worker_pids()) == pids
