from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor


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


def _names(sqlite) -> set[str]:
    with sqlite.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master")
        return {name for (name,) in cursor.fetchall()}


def _migrate(sqlite, targets=None) -> list:
    """Migrate to `targets` (default: every app's latest); what is left to apply after."""
    executor = MigrationExecutor(sqlite)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    after = MigrationExecutor(sqlite)  # reads what is recorded as applied now
    return after.migration_plan(after.loader.graph.leaf_nodes())


# No django_db mark: the test database is not needed, and no test case holds the default
# alias in a transaction while it points elsewhere.
def test_the_migrations_apply_to_a_fresh_sqlite_file_and_back(
    tmp_path, django_db_blocker, settings
):
    """`make run`'s first step on a new machine, in the fast tier (`make check`): every
    migration applies to a new SQLite file, backwards and forwards again; what only
    PostgreSQL can do is skipped there, never a failure (common/db.py). `manage.py
    migrate` itself runs on SQLite in tests/site/test_newcomer.py."""
    settings.MIGRATION_MODULES = {"procrastinate": None}  # as settings.py has it on SQLite
    with default_database_on_sqlite(tmp_path / "db.sqlite3", django_db_blocker) as sqlite:
        left = _migrate(sqlite)
        names = _names(sqlite)
        unapplied_contacts = _migrate(sqlite, [("contacts", None)])
        without_contacts = _names(sqlite)
        left_again = _migrate(sqlite)
        names_again = _names(sqlite)

    assert left == left_again == []
    assert {"contacts_enquiry", "enquiry_received", "pilaro_rate_counter"} <= names
    assert "enquiry_inbox_order" not in names
    assert all(migration.app_label == "contacts" for migration, _ in unapplied_contacts)
    assert "contacts_enquiry" not in without_contacts
    assert names_again == names


@pytest.mark.django_db
def test_the_postgresql_only_index_is_built_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'enquiry_inbox_order'")
        [(definition,)] = cursor.fetchall()

    # (ASC sorts NULLs last by default in PostgreSQL, so its definition does not repeat it.)
    assert "WHEN ((callback_due_at IS NOT NULL)" in definition
    assert definition.endswith("received_at DESC, id DESC)")
