from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from tests.servers import clean_env


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # makemigrations --check exits non-zero when a model and its migrations disagree.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@contextmanager
def default_database_on_sqlite(path: Path, blocker) -> Iterator:
    """The default alias on a new SQLite file, in this process, as in `make run`. (The
    data migrations use the default alias: they were written for one database.)"""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    kept_settings, kept = connections.settings["default"], connections["default"]
    connections.settings["default"] = connections.configure_settings({"default": sqlite})[
        "default"
    ]
    del connections["default"]
    try:
        with blocker.unblock():
            yield connections["default"]
    finally:
        connections["default"].close()
        connections.settings["default"], connections["default"] = kept_settings, kept


# No django_db mark: the test database is not needed, and no test case holds the default
# alias in a transaction while it points elsewhere.
def test_the_migrations_apply_to_a_fresh_sqlite_file_in_process(
    tmp_path, django_db_blocker, settings
):
    """`make run`'s first step on a new machine, in the fast tier (`make check`): every
    migration applies to a new SQLite file, and what only PostgreSQL can do is skipped."""
    settings.MIGRATION_MODULES = {"procrastinate": None}  # as settings.py has it on SQLite
    with default_database_on_sqlite(tmp_path / "db.sqlite3", django_db_blocker) as sqlite:
        executor = MigrationExecutor(sqlite)
        executor.migrate(executor.loader.graph.leaf_nodes())
        with sqlite.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master")
            names = {name for (name,) in cursor.fetchall()}
        after = MigrationExecutor(sqlite)  # reads what is recorded as applied now
        unapplied = after.migration_plan(after.loader.graph.leaf_nodes())

    assert unapplied == []
    assert {"contacts_enquiry", "enquiry_received", "pilaro_rate_counter"} <= names
    assert "enquiry_inbox_order" not in names


def test_the_migrations_apply_to_a_fresh_sqlite_file_and_back(run_python, tmp_path):
    """`make run`'s SQLite file: every migration applies, forwards and backwards; what
    only PostgreSQL can do is skipped there, never a failure (common/db.py)."""
    database = tmp_path / "db.sqlite3"
    env = clean_env(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{database}")

    for args in (["migrate"], ["migrate", "contacts", "zero"], ["migrate"]):
        result = run_python(["manage.py", *args, "--skip-checks", "--verbosity", "0"], env)
        assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(database) as conn:
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}

    assert "enquiry_received" in indexes
    assert "enquiry_inbox_order" not in indexes


@pytest.mark.django_db
def test_the_postgresql_only_index_is_built_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'enquiry_inbox_order'")
        [(definition,)] = cursor.fetchall()

    # (ASC sorts NULLs last by default in PostgreSQL, so its definition does not repeat it.)
    assert "WHEN ((callback_due_at IS NOT NULL)" in definition
    assert definition.endswith("received_at DESC, id DESC)")
