"""Start a server, wait until it answers, stop it: the one harness for the bench and the tests.

A server runs in a session of its own, so that stopping it stops everything it started
(gunicorn's workers, `make`'s children); `stop()` returns only when every process of that
session is gone, so no worker is left talking to a database that is about to be dropped.
Its output goes to a file, read back for the message when it fails to start.

The bench imports this module; the tests import it too (through tests/servers.py). It must
never import anything from tests/.
"""

from __future__ import annotations

import base64
import itertools
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The site's own variables: none of them leaks from the caller's shell into a server.
SITE_PREFIXES = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "EMAIL_URL", "PILARO_", "GUNICORN_")


class ServerError(RuntimeError):
    """A server or a command did not start, did not answer, or failed."""


# Under pytest-xdist each test process takes ports from a slice of its own, below the
# kernel's range for outgoing connections: two processes choosing "a free port" at once
# would otherwise pick the same one, and the second server's health check would be answered
# by the first's.
PORT_SLICES = range(20000, 32000, 1000)
_handed_out = itertools.count()


def free_port() -> int:
    """A loopback port nobody listens on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    first = PORT_SLICES[int(worker[2:]) % len(PORT_SLICES)]
    for _ in range(PORT_SLICES.step):
        port = first + next(_handed_out) % PORT_SLICES.step
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise ServerError(f"no free port in {first}-{first + PORT_SLICES.step - 1}")


# site_env's PILARO_SITE_URL: loopback, without the port a server has yet to choose.
LOOPBACK_SITE_URL = "http://127.0.0.1"


def clean_env(**overrides: str) -> dict[str, str]:
    """The process environment without any of the site's own variables, plus overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SITE_PREFIXES)}
    env.update(overrides)
    return env


def site_env(**overrides: str) -> dict[str, str]:
    """A clean environment with production settings for plain HTTP on loopback."""
    return clean_env(
        **{
            "DJANGO_SETTINGS_MODULE": "pilaro_site.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "PILARO_PERSON_HASH_KEY": secrets.token_urlsafe(50),
            "PILARO_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Production needs the site's address; AppServer puts its port on this one.
            "PILARO_SITE_URL": LOOPBACK_SITE_URL,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "PILARO_MIN_FILL_SECONDS": "0",
            "EMAIL_URL": "dummymail://",
            "GUNICORN_ACCESS_LOG": "0",
            **overrides,
        }
    )


def run(command: list[str], env: dict[str, str], timeout: float = 600, cwd: Path = ROOT) -> str:
    """Run a command to its end; its standard output, or ServerError with its output."""
    try:
        result = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as error:
        raise ServerError(f"{' '.join(command)} took more than {timeout} s") from error
    if result.returncode:
        raise ServerError(
            f"{' '.join(command)} exited with {result.returncode}:\n"
            f"{(result.stdout + result.stderr)[-3000:]}"
        )
    return result.stdout


def manage(args: list[str], env: dict[str, str], timeout: float = 600) -> str:
    return run([str(BIN / "python"), "manage.py", *args], env, timeout)


def _group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


class Server:
    """A command in a session of its own, started and waited for until `url` answers 200."""

    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        url: str,
        seconds: float = 60,
        cwd: Path = ROOT,
    ):
        self.command, self.url = command, url
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up(seconds)
        except BaseException:
            self.stop()
            raise

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def output(self) -> str:
        """Everything the server has written so far (standard output and error)."""
        if self.log.closed:
            return self._final_output
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def _fail(self, why: str) -> ServerError:
        return ServerError(f"{' '.join(self.command)}: {why}\n{self.output()[-3000:]}")

    def probe(self) -> str | None:
        """None once the server is up, else why it is not yet: here, `url` answering 200.
        Servers that speak something else than HTTP say so by overriding this."""
        try:
            with urllib.request.urlopen(self.url, timeout=5) as response:
                return None if response.status == 200 else f"status {response.status}"
        except urllib.error.HTTPError as error:
            return f"status {error.code}"
        except OSError as error:
            return str(error)

    def _wait_until_up(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise self._fail(f"exited with {self.process.returncode} before answering")
            last = self.probe()
            if last is None:
                return
            time.sleep(0.1)
        raise self._fail(f"not up within {seconds} s: {self.url}: {last}")

    def stop(self, seconds: float = 30) -> None:
        """SIGTERM to the whole session, SIGKILL to what is left after `seconds`; returns
        when no process of the session is alive. Safe to call twice."""
        if self.log.closed:
            return
        pgid = self.process.pid
        for sig, wait in ((signal.SIGTERM, seconds), (signal.SIGKILL, 10)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            if self._wait_for_group(pgid, wait):
                break
        else:
            raise self._fail(f"processes {_group_members(pgid)} outlived SIGKILL")
        self.process.wait()
        self._final_output = self.output()
        self.log.close()

    def _wait_for_group(self, pgid: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.process.poll()  # reap the leader, so that it does not linger as a zombie
            if not _group_members(pgid):
                return True
            time.sleep(0.05)
        return False


def gunicorn_settings(env: dict[str, str]) -> dict:
    """gunicorn.conf.py's settings as a server started with `env` reads them (its own
    defaults where `env` sets nothing): evaluated, never retyped."""
    with mock.patch.dict(os.environ, env, clear=True):
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


class AppServer(Server):
    """gunicorn (gunicorn.conf.py) on a free loopback port, up when /healthz/ answers 200.

    `workers` and `threads` left as None keep gunicorn.conf.py's defaults (or the
    GUNICORN_* values in `env`)."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int | None = None,
        threads: int | None = None,
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        sizes = {"GUNICORN_WORKERS": workers, "GUNICORN_THREADS": threads}
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            **{name: str(value) for name, value in sizes.items() if value is not None},
        }
        if self.env.get("PILARO_SITE_URL") == LOOPBACK_SITE_URL:
            self.env["PILARO_SITE_URL"] = self.base
        super().__init__(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], self.env, self.base + "/healthz/"
        )


class JobWorker(Server):
    """`manage.py worker` (jobs/), or `command` (e.g. `make worker`), up once it has
    registered in the queue's table of workers, which it does just before it starts
    taking jobs.

    Up means a row newer than any there before (a starting worker may prune a dead one's
    row, so a count could stay the same): start workers one after another. `env` is the
    app servers' environment: the worker must read the same settings."""

    NEWEST = "SELECT coalesce(max(id), 0) FROM procrastinate_workers"

    def __init__(
        self,
        env: dict[str, str],
        seconds: float = 60,
        *,
        name: str | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.database_url = env["DATABASE_URL"]
        self._newest_before = self._newest()
        named = ["--name", name] if name else []
        super().__init__(
            command or [str(BIN / "python"), "manage.py", "worker", *named],
            env,
            f"a new row in procrastinate_workers ({name or 'worker'})",
            seconds,
        )

    def _newest(self) -> int:
        import psycopg  # only the worker's harness needs it

        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(self.NEWEST).fetchone()[0]

    def probe(self) -> str | None:
        import psycopg

        try:
            return None if self._newest() > self._newest_before else "not registered yet"
        except psycopg.OperationalError as error:  # the database is not up yet
            return str(error)
