"""Both form load generators read the form's tokens from its markup: where the markup is
not what they read, the bench fails loudly instead of reporting a quiet zero.

They run here against a stand-in site on loopback whose /kontakt/ page either has the
form's two hidden fields or does not.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import BenchError, load, wrk
from tests.concurrency import in_a_thread
from tests.servers import ROOT

FORM = (
    '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="c5rf">'
    '<input type="hidden" name="token" value="t0ken"></form>'
)
NO_FORM = "<p>Ønsker du at vi skal ta kontakt med deg?</p>"


@contextmanager
def stand_in(page: str) -> Iterator[str]:
    """A site whose GET answers `page` and whose POST answers 303."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Location", "/kontakt/takk/")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(200, page.encode())

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._answer(303, b"")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module", autouse=True)
def _wrk():
    wrk.ensure_wrk()


def test_form_lua_posts_the_form_it_finds():
    with stand_in(FORM) as base:
        answers = wrk.form(base, seconds=2)

    assert answers["redirects"] > 0
    assert answers["others"] == 0


def test_form_lua_fails_the_bench_when_the_tokens_are_not_in_the_page():
    with stand_in(NO_FORM) as base, pytest.raises(BenchError, match="markup changed"):
        wrk.form(base, seconds=2)


def test_the_async_generator_posts_the_form_it_finds():
    with stand_in(FORM) as base:
        tally = in_a_thread(load.submissions, base=base, users=2, seconds=0.5)

    assert tally.statuses.get(303, 0) > 0
    assert tally.errors == 0


def test_the_paced_generator_posts_each_form_once():
    with stand_in(FORM) as base:
        tally = in_a_thread(load.paced, base=base, count=3, rate=20)

    assert tally.statuses == {303: 3}
    assert tally.errors == 0


def test_the_async_generator_stops_when_the_tokens_are_not_in_the_page():
    with stand_in(NO_FORM) as base:
        with pytest.raises(load.MarkupMissing, match="csrfmiddlewaretoken or token"):
            in_a_thread(load.submissions, base=base, users=2, seconds=0.5)
        with pytest.raises(load.MarkupMissing):
            in_a_thread(load.spam_flood, base=base, users=2, seconds=0.5, rate=10)
        with pytest.raises(load.MarkupMissing):
            in_a_thread(load.paced, base=base, count=2, rate=20)
        # As bench/run.py runs it: exit status 1 and one line, no traceback.
        result = subprocess.run(
            [sys.executable, "-m", "bench.load", "people", base, "--users=1", "--seconds=0.5"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 1
    assert "no csrfmiddlewaretoken or token field" in result.stderr
    assert "Traceback" not in result.stderr
