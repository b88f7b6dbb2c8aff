from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection

from tests.servers import clean_env


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    # makemigrations --check exits non-zero when a model and its migrations disagree.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


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
