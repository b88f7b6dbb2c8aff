"""One line per event in the log of `make serve`'s gunicorn: a request for a host we do
not serve, and a HEAD request."""

from __future__ import annotations

import http.client
import time

import pytest

from tests.servers import AppServer, manage, site_env


@pytest.fixture(scope="module")
def server(module_migrated_database_url):
    env = site_env(DATABASE_URL=module_migrated_database_url)  # access log off, as site_env has it
    manage(["sync_notices"], env)
    app = AppServer(env)
    yield app
    app.stop()


def request(server: AppServer, method: str, path: str, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status


def new_lines(server: AppServer, send) -> list[str]:
    before = len(server.output())
    send()
    time.sleep(0.3)  # the worker's log line is written after the answer
    return [line for line in server.output()[before:].splitlines() if line.strip()]


@pytest.mark.parametrize("path", ["/", "/personvern/", "/kontakt/", "/finnes-ikke/"])
def test_a_bad_host_is_one_warning_line_without_traceback(server, path):
    host = "evil.example" + "x" * 300 + "\\u00e6"

    lines = new_lines(server, lambda: request(server, "GET", path, host))

    assert len(lines) == 1, lines
    assert " WARNING django.security.DisallowedHost: " in lines[0]
    assert "evil.example" in lines[0]
    assert len(lines[0]) < 250  # the host capped, not written out whole (twice)


@pytest.mark.parametrize("path", ["/", "/personvern/", "/kontakt/"])
def test_head_answers_with_headers_only_and_logs_nothing(server, path):
    statuses = []

    lines = new_lines(server, lambda: statuses.append(request(server, "HEAD", path, "127.0.0.1")))

    assert statuses == [200]
    assert lines == []


def test_a_request_gunicorn_cannot_parse_is_logged_without_the_client_address(server):
    lines = new_lines(server, lambda: request(server, "GET", "/", "evil\x01.example"))

    assert len(lines) == 1, lines
    assert "Invalid request from a client" in lines[0]
    assert "127.0.0.1" not in lines[0]
