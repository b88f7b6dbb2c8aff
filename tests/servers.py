"""Real servers for tests: a disposable PostgreSQL cluster and gunicorn app servers.

Starting, waiting for and stopping a server is bench/servers.py's harness, shared with the
bench; what only the tests need is here. Everything listens on loopback only, and
everything is stopped when the test ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import servers
from bench.load import form_tokens
from bench.servers import ROOT, Server, ServerError, clean_env, free_port, manage, site_env

__all__ = [
    "ROOT",
    "AppServer",
    "Browser",
    "DisposablePostgres",
    "Server",
    "ServerError",
    "clean_env",
    "disposable_postgres",
    "free_port",
    "manage",
    "site_env",
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


class AppServer(servers.AppServer):
    """gunicorn with production settings on a loopback port: by default one worker with
    four threads, quick to start (the bench's servers keep gunicorn.conf.py's defaults)."""

    def __init__(self, env: dict[str, str], workers: int = 1, threads: int = 4) -> None:
        super().__init__(env, workers=workers, threads=threads)


class Browser:
    """A minimal HTTP client with cookies: enough to fetch and post the callback form.

    It keeps cookies itself because the site marks them Secure, and these test servers
    speak plain HTTP on loopback, where a standard cookie jar would withhold them.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
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
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode()

    def form(self) -> dict[str, str]:
        """A fresh callback form, filled in with valid values."""
        status, html = self.request("GET", "/kontakt/")
        assert status == 200, html[:500]
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
