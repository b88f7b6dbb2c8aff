"""Databases of their own for tests whose servers write outside any test transaction.

A migrated one is a copy of a template that is migrated once per run of the suite, shared
by every test process of the run (pytest-xdist's included) and dropped when the run ends:
`CREATE DATABASE … TEMPLATE` takes a fraction of a second, where `migrate` took seconds of
CPU for every server the suite starts. Each test process's own test database is such a
copy too (tests/conftest.py, `django_db_setup`).
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.conf import settings

RUN = "PILARO_TEST_RUN"  # set once by the process that starts the run, inherited by workers
_started_here = False


def start_run() -> None:
    """Name the run, unless this process is part of one already (a pytest-xdist worker, or
    a pytest that a test starts): only the process that named it drops its template."""
    global _started_here
    if RUN not in os.environ:
        os.environ[RUN] = uuid.uuid4().hex[:12]
        _started_here = True


def url(name: str | None = None) -> str:
    """A database on the suite's PostgreSQL server: `name`, or the test database in use."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name or db['NAME']}"


def _admin() -> psycopg.Connection:
    return psycopg.connect(url("postgres"), autocommit=True)


def template() -> str:
    """The run's migrated template, made by whichever process asks first."""
    from tests.servers import manage, site_env

    name = f"pilaro_template_{os.environ[RUN]}"
    with _admin() as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        try:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                env = site_env(DATABASE_URL=url(name))
                manage(["migrate", "--noinput", "--verbosity", "0"], env)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
    return name


def drop_template() -> None:
    if _started_here:
        drop(f"pilaro_template_{os.environ[RUN]}")


def copy_template(name: str) -> None:
    """`name` made afresh as a copy of the run's template (a database of that name that an
    interrupted run left behind is dropped first)."""
    source = template()
    drop(name)
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')


def drop(name: str) -> None:
    """Drop `name`, whoever is still connected to it (a server a test left running)."""
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(*, migrated: bool) -> Iterator[str]:
    """A new database for one test or module, dropped after it: empty, or migrated."""
    name = f"pilaro_scratch_{secrets.token_hex(4)}"
    copy = f' TEMPLATE "{template()}"' if migrated else ""
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield url(name)
    finally:
        drop(name)
