"""Real servers for tests: a disposable PostgreSQL cluster, gunicorn app servers, job
workers, and mail servers that take, hold or ignore the workers' e-mail.

Starting, waiting for and stopping a server is bench/servers.py's harness, shared with the
bench; what only the tests need is here. Everything listens on loopback only, and
everything is stopped when the test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import servers
from bench.load import form_tokens
from bench.servers import (
    ROOT,
    JobWorker,
    Server,
    ServerError,
    clean_env,
    free_port,
    manage,
    site_env,
)

__all__ = [
    "ROOT",
    "AppServer",
    "Browser",
    "DisposablePostgres",
    "HangingMailServer",
    "MailSink",
    "Server",
    "ServerError",
    "Worker",
    "clean_env",
    "disposable_postgres",
    "free_port",
    "manage",
    "query",
    "site_env",
    "submit_enquiries",
]


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        raise RuntimeError("PostgreSQL server binaries are not installed (/usr/lib/postgresql).")
    return versions[-1].parent


class DisposablePostgres:
    """A PostgreSQL cluster of its own, which a test may stop and start at will."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="pilaro-pg-"))
        self.port = free_port()
        self.data = self.dir / "data"
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(
            [self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"]
        )

    def _as_postgres(self, args: list) -> None:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/pilaro"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            [
                self.bin / "pg_ctl",
                "-D",
                self.data,
                "-o",
                options,
                "-l",
                self.dir / "log",
                "-w",
                "start",
            ]
        )

    def stop(self) -> None:
        self._as_postgres([self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE pilaro")

    def query(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="pilaro"
        ) as conn:
            return conn.execute(sql).fetchall()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def disposable_postgres() -> Iterator[DisposablePostgres]:
    cluster = DisposablePostgres()
    try:
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.destroy()


# Each test server by its address, so that a client that meets a server error can show
# the server's own account of it: the traceback is in the server's log, never in the page.
_by_base: weakref.WeakValueDictionary[str, AppServer] = weakref.WeakValueDictionary()


def server_log(base: str) -> str:
    """The end of the log of the test server at `base`, if this process started it."""
    server = _by_base.get(base)
    return server.output()[-3000:] if server is not None else "(not a server of this process)"


class AppServer(servers.AppServer):
    """gunicorn with production settings on a loopback port: by default one worker with
    four threads, quick to start (the bench's servers keep gunicorn.conf.py's defaults)."""

    def __init__(
        self, env: dict[str, str], workers: int = 1, threads: int = 4, port: int | None = None
    ) -> None:
        self.workers = workers
        super().__init__(env, workers=workers, threads=threads, port=port)
        _by_base[self.base] = self

    def renew(self, seconds: float = 30) -> None:
        """Workers forked afresh from the master (gunicorn's HUP), and the shared cache
        emptied: what one test left in a worker's memory (a page cache, a recorded notice
        version whose row a flush removed) or in the rate limits never reaches the next.
        Milliseconds, where a new server takes seconds."""
        query(self.env["DATABASE_URL"], "DELETE FROM pilaro_cache")
        before = set(self.worker_pids())
        os.kill(self.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + seconds
        while True:
            now = set(self.worker_pids())
            if len(now) == self.workers and not now & before:
                break
            if time.monotonic() > deadline:
                raise self._fail(f"workers {sorted(before)} not replaced within {seconds} s")
            time.sleep(0.02)
        self._wait_until_up(seconds)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except FileNotFoundError:
            return []


class Browser:
    """A minimal HTTP client with cookies: enough to fetch and post the callback form.

    It keeps cookies itself because the site marks them Secure, and these test servers
    speak plain HTTP on loopback, where a standard cookie jar would withhold them.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # the last answer's
        self.opener = urllib.request.build_opener(_NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        body = (
            urllib.parse.urlencode(data or {}, doseq=True).encode() if data is not None else None
        )
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            self.headers = dict(response.headers)
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode()

    def form(self) -> dict[str, str]:
        """A fresh callback form, filled in with valid values."""
        status, html = self.request("GET", "/kontakt/")
        assert status == 200, f"GET /kontakt/ answered {status}:\n" + (
            f"the server's log:\n{server_log(self.base)}" if status >= 500 else html[:500]
        )
        return {
            **form_tokens(html),
            "name": "Kari Nordmann",
            "email": "kari@example.no",
            "phone": "91234567",
            "consent_enquiry": "on",
        }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- Job workers and their mail -----------------------------------------------------------


def query(database_url: str, sql: str, *params: object) -> list[tuple]:
    """Run one statement on its own connection (committed); its rows, if any."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


class Worker(JobWorker):
    """The bench's job worker, with what the fault tests do to it."""

    def __init__(
        self,
        env: dict[str, str],
        name: str | None = None,
        command: list[str] | None = None,
        seconds: float = 30,
    ) -> None:
        super().__init__(env, seconds, name=name, command=command)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL (kill -9, the OOM killer): the worker gets no chance to clean up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.stop()


def submit_enquiries(env: dict[str, str], count: int = 1) -> list[int]:
    """Store `count` enquiries as the form does (the intake service, which queues each
    one's notification), in a process of their own; their ids."""
    code = (
        "import secrets\n"
        "from contacts.intake.shown import build_submission\n"
        "from contacts.intake.submission import submit_enquiry\n"
        "from privacy.registry import get_registry\n"
        f"for _ in range({count}):\n"
        "    submission = build_submission(notice=get_registry().in_force(),"
        " nonce=secrets.token_urlsafe(16), name='Kari Nordmann',"
        " company='', email='kari@example.no', phone='+4791234567', message='')\n"
        "    print('stored enquiry', submit_enquiry(submission=submission).pk)\n"
    )
    output = manage(["shell", "--no-imports", "-c", code], env, timeout=60)
    return [int(n) for n in re.findall(r"^stored enquiry (\d+)$", output, re.MULTILINE)]


class MailSink:
    """An SMTP server on a loopback port (aiosmtpd) that keeps every message it accepts.

    Told to, it holds the next `hang` messages after their data, unanswered, until
    released (the sender is left waiting inside send_mail), or refuses every message with
    a 451. A held or refused message is not kept."""

    def __init__(self, port: int | None = None, *, hang: int = 0) -> None:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command
        self.port = port or free_port()
        self.messages: list[email.message.Message] = []
        self.held = 0
        self.hang = hang
        self.refuse = False
        self.holding = threading.Event()  # set once a message is being held
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._stopped = False
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook
        with self._lock:
            hold = self.held < self.hang
            self.held += hold
        if hold:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held by the test"
        if self.refuse:
            return "451 4.3.0 Refused by the test"
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def bodies(self) -> list[str]:
        with self._lock:
            messages = list(self.messages)
        return [m.get_payload(decode=True).decode() for m in messages]

    def clear(self) -> None:
        """Forget the messages kept so far (a sink shared by several tests)."""
        with self._lock:
            self.messages.clear()

    def stop(self) -> None:
        """Release what is held and close the port. Safe to call twice."""
        self.released.set()
        if not self._stopped:
            self._stopped = True
            self.controller.stop()

    def __enter__(self) -> MailSink:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class HangingMailServer:
    """A mail server that accepts every connection and never says a word: no greeting, no
    reply, no close. `accepted` counts the connections."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.accepted = 0
        self._connections: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.05)
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._connections.append(connection)
            self.accepted += 1

    def stop(self) -> None:
        """Close the port and every connection, so another server can take the port."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._thread.join(5)
        self._listener.close()
        for connection in self._connections:
            connection.close()

    def __enter__(self) -> HangingMailServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
